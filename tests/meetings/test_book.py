"""Booking a 1:1: what is created, what is refused, and that nothing else is touched."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta, timezone
from typing import Any

import pytest

from meetings.world import ANA, BO, MEETING, NOW, SHIFT, make_world, shift
from wfm_bridge.ports.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    NotSupportedError,
    UnavailableError,
)
from wfm_bridge.ports.models import Activity, ActivityType, MeetingStatus

AT_TEN = NOW + timedelta(hours=2)


def test_booking_creates_a_meeting_activity_next_to_overlapping_ones() -> None:
    busy = shift("agent-ana", NOW + timedelta(hours=1), 8)
    world = make_world(activities=(busy,))
    meeting = world.meetings.book(ANA, AT_TEN, 45, "  coaching on call 42 ", "lead@example.com")

    assert meeting.status is MeetingStatus.BOOKED
    assert (meeting.start, meeting.end) == (AT_TEN, AT_TEN + timedelta(minutes=45))
    assert meeting.title == "One To One [Created via evaluagent]"
    assert meeting.description == "coaching on call 42"
    assert meeting.facilitator == "lead@example.com"
    activity = world.backend.activities[meeting.provider_activity_id or ""]
    assert activity.type_id == MEETING.id
    assert activity.agent_id == "agent-ana"
    assert activity.description.startswith(
        "One To One [Created via evaluagent] - coaching on call 42"
    )
    assert world.backend.activities[busy.id] == busy  # the overlapping shift is untouched
    assert world.backend.deleted_ids == []
    assert world.ledger.get(meeting.id) == meeting
    assert world.ledger.booked_activity_ids() == {meeting.provider_activity_id}


def test_host_name_is_configurable_and_description_optional() -> None:
    world = make_world(host_name="QualityHub")
    meeting = world.meetings.book(BO, AT_TEN, 30)
    activity = world.backend.activities[meeting.provider_activity_id or ""]
    assert meeting.title == "One To One [Created via QualityHub]"
    assert activity.description.startswith("One To One [Created via QualityHub] (ref ")


def test_start_in_another_offset_is_the_same_instant() -> None:
    world = make_world()
    start = AT_TEN.astimezone(timezone(timedelta(hours=2)))
    meeting = world.meetings.book(ANA, start, 30)
    assert world.backend.activities[meeting.provider_activity_id or ""].start == AT_TEN


@pytest.mark.parametrize(
    "types",
    [
        (SHIFT,),
        (SHIFT, ActivityType(id="t-m", name="meeting")),
        (SHIFT, ActivityType(id="t-m", name="Meeting ")),
    ],
)
def test_without_a_type_named_exactly_meeting_nothing_is_created(
    types: tuple[ActivityType, ...],
) -> None:
    world = make_world(types=types)
    with pytest.raises(NotFoundError, match="'Meeting'"):
        world.meetings.book(ANA, AT_TEN, 30, key="k")
    assert world.backend.activities == {}
    assert world.ledger.all() == []
    assert world.ledger.key_owner("k") is None


def test_a_meeting_type_created_after_the_daily_cache_is_found() -> None:
    world = make_world(types=(SHIFT,))
    assert world.catalog.all()  # cached without Meeting
    world.backend.activity_types[MEETING.id] = MEETING
    meeting = world.meetings.book(ANA, AT_TEN, 30)
    assert meeting.status is MeetingStatus.BOOKED


@pytest.mark.parametrize(
    ("email", "reason"),
    [
        ("yuki@example.com", "inactive in memory_fake"),
        ("nobody@example.com", "no memory_fake agent matches"),
    ],
)
def test_an_unmapped_agent_is_refused_with_the_reason(email: str, reason: str) -> None:
    world = make_world()
    with pytest.raises(NotFoundError, match=reason) as caught:
        world.meetings.book(email, AT_TEN, 30)
    assert f"wfm mapping explain {email}" in str(caught.value)
    assert world.backend.calls["create_activity"] == 0
    assert world.ledger.all() == []


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"start": NOW - timedelta(minutes=1)}, "in the past"),
        ({"minutes": 0}, "positive"),
        ({"minutes": -30}, "positive"),
        ({"minutes": 8 * 60 + 1}, "longer than the longest 1:1"),
        ({"start": AT_TEN.replace(tzinfo=None)}, "no time zone"),
        ({"agent_email": "not-an-email"}, "not an email"),
        ({"description": "x" * 1001}, "1000"),
        ({"facilitator": "lead at example"}, "not an email"),
        ({"key": "   "}, "idempotency key"),
    ],
)
def test_bad_input_is_refused_before_any_write(kwargs: dict[str, Any], match: str) -> None:
    world = make_world()
    args = {"agent_email": ANA, "start": AT_TEN, "minutes": 30, **kwargs}
    with pytest.raises(InvalidInputError, match=match):
        world.meetings.book(**args)
    assert world.backend.calls["create_activity"] == 0
    assert world.state.writes == 0


def test_a_full_working_day_is_allowed() -> None:
    world = make_world()
    assert world.meetings.book(ANA, AT_TEN, 8 * 60).status is MeetingStatus.BOOKED


def test_the_same_key_never_creates_a_second_activity() -> None:
    world = make_world()
    first = world.meetings.book(ANA, AT_TEN, 30, "coaching", key="req-1")
    world.clock.advance(timedelta(hours=5))  # a late retry: the start is now in the past
    again = world.meetings.book(ANA, AT_TEN, 30, "coaching", key="req-1")
    assert again == first
    assert world.backend.calls["create_activity"] == 1
    assert len(world.backend.activities) == 1


def test_the_same_key_for_a_different_booking_is_a_conflict() -> None:
    world = make_world()
    first = world.meetings.book(ANA, AT_TEN, 30, "coaching", key="req-1")
    with pytest.raises(ConflictError, match=first.id):
        world.meetings.book(ANA, AT_TEN, 60, "coaching", key="req-1")
    assert len(world.backend.activities) == 1


def test_a_key_of_a_cancelled_meeting_returns_it_without_booking_again() -> None:
    world = make_world()
    first = world.meetings.book(ANA, AT_TEN, 30, key="req-1")
    world.meetings.cancel(first.id)
    again = world.meetings.book(ANA, AT_TEN, 30, key="req-1")
    assert again.status is MeetingStatus.CANCELLED
    assert world.backend.activities == {}
    assert world.backend.calls["create_activity"] == 1


def test_an_identical_repeat_returns_the_first_with_or_without_a_key() -> None:
    world = make_world()
    a = world.meetings.book(ANA, AT_TEN, 30)
    b = world.meetings.book(ANA, AT_TEN, 30)
    c = world.meetings.book(ANA, AT_TEN, 30, key="fresh")
    assert a.id == b.id == c.id
    assert len(world.backend.activities) == 1
    world.meetings.cancel(a.id)  # once cancelled, the same booking is a new meeting
    d = world.meetings.book(ANA, AT_TEN, 30)
    assert d.id != a.id and len(world.backend.activities) == 1


def test_another_length_or_facilitator_is_another_meeting() -> None:
    world = make_world()
    a = world.meetings.book(ANA, AT_TEN, 30)
    b = world.meetings.book(ANA, AT_TEN, 45)
    c = world.meetings.book(ANA, AT_TEN, 30, facilitator="coach@example.com")
    assert len({a.id, b.id, c.id}) == 3


def test_provider_refusal_leaves_nothing_behind() -> None:
    world = make_world()
    world.backend.fail_next("create_activity", UnavailableError("provider down"))
    with pytest.raises(UnavailableError, match="provider down"):
        world.meetings.book(ANA, AT_TEN, 30, key="k")
    assert world.backend.activities == {}
    assert world.ledger.all() == []
    assert world.ledger.key_owner("k") is None
    assert world.meetings.book(ANA, AT_TEN, 30, key="k").status is MeetingStatus.BOOKED


def test_a_ledger_failure_before_the_provider_call_creates_nothing() -> None:
    world = make_world()
    world.state.fail_write(1, UnavailableError("disk full"))
    with pytest.raises(UnavailableError, match="disk full"):
        world.meetings.book(ANA, AT_TEN, 30, key="k")
    assert world.backend.calls["create_activity"] == 0
    assert world.ledger.all() == []


def test_a_key_claim_failure_creates_nothing() -> None:
    world = make_world()
    world.state.fail_write(2, UnavailableError("disk full"))  # 1: PENDING record, 2: key
    with pytest.raises(UnavailableError, match="disk full"):
        world.meetings.book(ANA, AT_TEN, 30, key="k")
    assert world.backend.calls["create_activity"] == 0
    assert world.ledger.all() == []


def test_not_supported_operations_say_so() -> None:
    world = make_world()
    calls: tuple[Callable[[], object], ...] = (
        lambda: world.meetings.modify("mtg-1"),
        world.meetings.bulk_create,
        world.meetings.bulk_delete,
        world.meetings.sync_shifts,
    )
    for call in calls:
        with pytest.raises(NotSupportedError, match="not supported"):
            call()


def test_a_key_left_behind_by_a_forgotten_booking_is_free_again() -> None:
    world = make_world()
    assert world.ledger.claim_key("k", "mtg-gone")  # e.g. a crash after forgetting the record
    meeting = world.meetings.book(ANA, AT_TEN, 30, key="k")
    assert meeting.status is MeetingStatus.BOOKED
    assert world.ledger.key_owner("k") == meeting.id


SHIFTY = (
    ActivityType(id="type-shift", name="Shift", productive=True),
    ActivityType(id="type-break", name="Lunch"),
    ActivityType(id="type-meeting", name="Meeting"),
)


def _shift_world() -> Any:
    day = AT_TEN.replace(hour=0, minute=0)
    return make_world(
        types=SHIFTY,
        activities=(
            Activity(id="s1", agent_id="agent-ana", type_id="type-shift",
                     start=day.replace(hour=9), end=day.replace(hour=12)),
            Activity(id="l1", agent_id="agent-ana", type_id="type-break",
                     start=day.replace(hour=12), end=day.replace(hour=13)),
            Activity(id="s2", agent_id="agent-ana", type_id="type-shift",
                     start=day.replace(hour=13), end=day.replace(hour=17)),
        ),
        checked=True,
    )  # fmt: skip


def test_booking_off_duty_is_refused_naming_it_and_force_books_it() -> None:
    world = _shift_world()
    early = AT_TEN.replace(hour=17, minute=30)
    with pytest.raises(InvalidInputError, match="off duty") as refused:
        world.meetings.book(ANA, early, 30)
    assert refused.value.exit_code == 2
    assert len(world.backend.activities) == 3 and world.ledger.all() == []
    forced = world.meetings.book(ANA, early, 30, force=True)
    assert forced.status is MeetingStatus.BOOKED
    assert len(world.backend.activities) == 4  # nothing deleted or trimmed


def test_booking_over_lunch_or_another_one_to_one_names_the_collision() -> None:
    world = _shift_world()
    with pytest.raises(InvalidInputError, match="break: Lunch at 12:00"):
        world.meetings.book(ANA, AT_TEN.replace(hour=11, minute=45), 30)
    world.meetings.book(ANA, AT_TEN, 30)
    with pytest.raises(InvalidInputError, match=r"busy: Meeting One To One .* at 10:00"):
        world.meetings.book(ANA, AT_TEN.replace(minute=15), 30)
    assert world.meetings.book(ANA, AT_TEN.replace(hour=14), 30).status is MeetingStatus.BOOKED
