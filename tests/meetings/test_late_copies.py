"""Writes that land late: a create applied after the read-back that found nothing leaves a
stray copy carrying the meeting's marker; reconcile removes it, and nothing else.

Found by the chaos run (tests/chaos): a slow server applied a create whose client had timed
out; the read-back ran first, the retry created a second activity, and the late one stayed
as a duplicate (or as an orphan once the meeting was cancelled).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from meetings.world import ANA, NOW, World, make_world, shift
from wfm_bridge.ports.errors import OutcomeUnknownError, UnavailableError
from wfm_bridge.ports.models import Activity, Meeting, MeetingStatus

AT_TEN = NOW + timedelta(hours=2)


def _land_late_copy(world: World, meeting: Meeting, copy_id: str = "late-copy") -> Activity:
    """What the provider holds once an unanswered create of ``meeting`` is applied late."""
    [ours] = [a for a in world.backend.activities.values() if a.id == meeting.provider_activity_id]
    copy: Activity = ours.model_copy(update={"id": copy_id})
    world.backend.activities[copy.id] = copy
    return copy


def test_a_late_copy_of_a_booked_meeting_is_removed_and_the_booked_one_kept() -> None:
    foreign = shift("agent-ana", NOW, 9)
    world = make_world(activities=(foreign,))
    world.backend.fail_next("create_activity", OutcomeUnknownError("timeout"), after_apply=False)
    meeting = world.meetings.book(ANA, AT_TEN, 30, key="k")  # read back empty, created again
    copy = _land_late_copy(world, meeting)

    done = world.meetings.reconcile()
    assert done.settled == [] and done.swept == [copy.id]
    assert set(world.backend.activities) == {foreign.id, meeting.provider_activity_id}
    assert world.backend.deleted_ids == [copy.id]
    assert world.ledger.get(meeting.id) == meeting


def test_a_late_copy_of_a_cancelled_meeting_is_removed() -> None:
    world = make_world()
    meeting = world.meetings.book(ANA, AT_TEN, 30)
    copy = _land_late_copy(world, meeting)
    world.meetings.cancel(meeting.id)
    assert copy.id in world.backend.activities

    done = world.meetings.reconcile()

    assert world.backend.activities == {}
    assert done.swept == [copy.id]


def test_a_forgotten_booking_is_remembered_until_it_ends_so_its_late_copy_goes() -> None:
    world = make_world()
    for _ in range(2):
        world.backend.fail_next("create_activity", OutcomeUnknownError("t"), after_apply=False)
    with pytest.raises(UnavailableError, match="nothing is booked"):
        world.meetings.book(ANA, AT_TEN, 30, key="k")
    [tombstone] = world.ledger.tombstones()
    late = Activity(
        id="late",
        agent_id="agent-ana",
        type_id="type-meeting",
        start=tombstone.start,
        end=tombstone.end,
        description=f"{tombstone.title} (ref {tombstone.id})",
    )
    world.backend.activities[late.id] = late

    done = world.meetings.reconcile()

    assert world.backend.activities == {} and done.swept == ["late"]
    assert world.ledger.all() == []  # still no meeting: the booking failed
    world.clock.advance(timedelta(hours=3))  # the meeting's time has passed
    world.meetings.reconcile()
    assert world.ledger.tombstones() == []


def test_the_sweep_leaves_foreign_and_unknown_marked_activities_alone() -> None:
    foreign = shift("agent-ana", NOW, 9)
    stranger = Activity(
        id="other-install",
        agent_id="agent-ana",
        type_id="type-meeting",
        start=AT_TEN,
        end=AT_TEN + timedelta(minutes=30),
        description="One To One [Created via evaluagent] (ref mtg-not-ours)",
    )
    world = make_world(activities=(foreign, stranger))
    meeting = world.meetings.book(ANA, AT_TEN, 30)

    done = world.meetings.reconcile()

    assert done.swept == []
    assert set(world.backend.activities) == {foreign.id, stranger.id, meeting.provider_activity_id}
    assert world.backend.deleted_ids == []


def test_a_meeting_being_written_elsewhere_is_not_swept() -> None:
    world = make_world()
    meeting = world.meetings.book(ANA, AT_TEN, 30)
    copy = _land_late_copy(world, meeting)
    with world.ledger.lock(meeting.id):  # another process is cancelling it right now
        world.meetings.reconcile()
    assert copy.id in world.backend.activities
    world.meetings.reconcile()
    assert copy.id not in world.backend.activities
    assert world.ledger.get(meeting.id).status is MeetingStatus.BOOKED  # type: ignore[union-attr]
