"""A facilitator who is a provider person: the 1:1 in both calendars, cancelled together,
partial failures settled like any ambiguous write; and cancelling from another installation
of the tenant by the booking's reference."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from meetings.world import (
    ANA,
    BO,
    MEETING,
    NOW,
    World,
    make_world,
    second_installation,
    shift,
)
from wfm_bridge.plugins.memory_fake.backend import NewActivity
from wfm_bridge.ports.errors import (
    NotFoundError,
    OutcomeUnknownError,
    UnavailableError,
    UnknownIdError,
)
from wfm_bridge.ports.models import Activity, ActivityType, MeetingStatus, ProviderPerson

AT_TEN = NOW + timedelta(hours=2)
LEAD = "olivia@example.com"  # a provider person without a schedule (a supervisor)


def ours(world: World, meeting_id: str) -> dict[str, Activity]:
    """The activities carrying ``meeting_id``'s reference, by calendar (agent id)."""
    return {
        a.agent_id: a
        for a in world.backend.activities.values()
        if a.description.endswith(f"(ref {meeting_id})")
    }


def fail_create(world: World, nth: int, error: Exception, *, after_apply: bool) -> None:
    """Make the ``nth`` create from now fail with ``error`` (after applying it, or before)."""
    real = world.backend.create
    count = {"n": 0}

    def create(new: NewActivity, **kwargs: Any) -> Activity:
        count["n"] += 1
        if count["n"] != nth:
            return real(new, **kwargs)
        if not after_apply:
            raise error
        real(new, **kwargs)
        raise error

    world.backend.create = create  # type: ignore[method-assign]


def test_a_facilitator_with_a_schedule_gets_the_1_1_too_and_cancel_removes_both() -> None:
    foreign = shift("agent-bo", NOW, 8)
    world = make_world(activities=(foreign,))

    meeting = world.meetings.book(ANA, AT_TEN, 30, "coaching", BO)

    held = ours(world, meeting.id)
    assert set(held) == {"agent-ana", "agent-bo"}
    assert meeting.facilitator_id == "agent-bo" and meeting.facilitator_person_id == "p-bo"
    assert meeting.provider_activity_id == held["agent-ana"].id
    assert [(c.id, c.agent_id) for c in meeting.companions] == [(held["agent-bo"].id, "agent-bo")]
    assert world.ledger.booked_activity_ids() == {a.id for a in held.values()}

    cancelled = world.meetings.cancel(meeting.id)

    assert cancelled.status is MeetingStatus.CANCELLED
    assert ours(world, meeting.id) == {}
    assert world.backend.activities == {foreign.id: foreign}
    assert world.backend.calls["delete_window"] == 0


def test_a_facilitator_without_a_schedule_is_named_but_only_the_agent_holds_it() -> None:
    productive = ActivityType(id="type-shift", name="Shift", productive=True)
    world = make_world(
        types=(productive, MEETING), checked=True, activities=(shift("agent-ana", NOW, 8),)
    )
    world.backend.people["p-olivia"] = ProviderPerson(
        person_id="p-olivia", agent_id=None, first_name="Olivia", email=LEAD
    )

    meeting = world.meetings.book(ANA, AT_TEN, 30, "", LEAD)  # not called off duty

    assert set(ours(world, meeting.id)) == {"agent-ana"}
    assert (meeting.facilitator_person_id, meeting.facilitator_id) == ("p-olivia", None)
    assert meeting.companions == []
    found = world.slots.search(ANA, NOW.date(), 1, 30, "UTC", LEAD)
    assert found.slots and "has no schedule" in found.basis


@pytest.mark.parametrize(
    ("error", "after_apply"),
    [
        (OutcomeUnknownError("no answer"), True),  # landed, the answer lost
        (OutcomeUnknownError("no answer"), False),  # never landed
    ],
)
def test_an_unanswered_facilitator_write_is_read_back_and_the_booking_made_whole(
    error: Exception, after_apply: bool
) -> None:
    world = make_world()
    fail_create(world, 2, error, after_apply=after_apply)  # the facilitator's activity

    meeting = world.meetings.book(ANA, AT_TEN, 30, "", BO)

    held = ours(world, meeting.id)
    assert meeting.status is MeetingStatus.BOOKED
    assert set(held) == {"agent-ana", "agent-bo"}
    assert {a.id for a in held.values()} == {
        meeting.provider_activity_id,
        *(c.id for c in meeting.companions),
    }


def test_a_refused_facilitator_write_removes_the_agents_again_and_books_nothing() -> None:
    world = make_world()
    fail_create(world, 2, UnavailableError("provider down"), after_apply=False)

    with pytest.raises(UnavailableError):
        world.meetings.book(ANA, AT_TEN, 30, "", BO)

    assert world.backend.activities == {}
    assert world.ledger.all() == []


def test_a_facilitator_copy_landing_late_is_swept_by_reconcile() -> None:
    world = make_world()
    meeting = world.meetings.book(ANA, AT_TEN, 30, "", BO)
    late = world.backend.create(  # a retry of the facilitator's write, applied late
        NewActivity(
            agent_id="agent-bo",
            type_id="type-meeting",
            start=meeting.start,
            end=meeting.end,
            description=f"One To One [Created via evaluagent] (ref {meeting.id})",
        ),
        allow_conflicts=True,
    )

    done = world.meetings.reconcile()

    assert done.swept == [late.id]
    assert set(ours(world, meeting.id)) == {"agent-ana", "agent-bo"}
    assert late.id not in world.backend.activities


def test_another_installation_cancels_by_reference_every_part_and_nothing_else() -> None:
    foreign = shift("agent-ana", NOW, 8)
    world = make_world(activities=(foreign,))
    meeting = world.meetings.book(ANA, AT_TEN, 30, "coaching", BO)
    other = world.meetings.book(BO, AT_TEN + timedelta(hours=2), 30)
    second = second_installation(world)

    cancelled = second.cancel(meeting.id, ANA, AT_TEN.date())

    assert cancelled.status is MeetingStatus.CANCELLED and cancelled.id == meeting.id
    assert ours(world, meeting.id) == {}
    assert world.backend.activities[foreign.id] == foreign
    assert set(ours(world, other.id)) == {"agent-bo"}
    assert second.cancel(meeting.id).status is MeetingStatus.CANCELLED  # now in its ledger
    assert world.meetings.cancel(meeting.id).status is MeetingStatus.CANCELLED  # gone: done


@pytest.mark.parametrize(
    ("meeting_id", "agent", "on", "says"),
    [
        ("mtg-0001", None, None, "--agent EMAIL"),  # the reference alone: ask to narrow
        ("mtg-0001", ANA, date(2025, 6, 5), "on 2025-06-05"),  # not on that day
        ("mtg-9999", ANA, None, "give it with --on"),  # no such reference nearby
        ("shift-agent-ana-1", ANA, None, "only meetings created by this product"),
    ],
)
def test_cancelling_what_this_installation_does_not_know_says_what_to_give(
    meeting_id: str, agent: str | None, on: date | None, says: str
) -> None:
    world = make_world(activities=(shift("agent-ana", NOW, 8),))
    world.meetings.book(ANA, AT_TEN, 30)  # mtg-0001, on 2025-06-02
    before = dict(world.backend.activities)
    cancel: Callable[..., object] = second_installation(world).cancel

    with pytest.raises(UnknownIdError) as refused:
        cancel(meeting_id, agent, on)

    assert says in str(refused.value)
    assert isinstance(refused.value, NotFoundError)
    assert world.backend.activities == before
