"""Cancelling and listing: only our meetings, exactly one activity, by id."""

from __future__ import annotations

from datetime import timedelta

import pytest

from meetings.world import ANA, BO, NOW, make_world, shift
from wfm_bridge.ports.errors import (
    InvalidInputError,
    NotFoundError,
    OutcomeUnknownError,
    UnavailableError,
)
from wfm_bridge.ports.models import MeetingStatus

AT_TEN = NOW + timedelta(hours=2)


def test_cancel_deletes_exactly_the_one_activity_by_id() -> None:
    before = shift("agent-ana", NOW, 9)
    world = make_world(activities=(before,))
    meeting = world.meetings.book(ANA, AT_TEN, 30)
    world.clock.advance(timedelta(minutes=5))
    cancelled = world.meetings.cancel(meeting.id)
    assert cancelled.status is MeetingStatus.CANCELLED
    assert cancelled.cancelled_at == NOW + timedelta(minutes=5)
    assert world.backend.deleted_ids == [meeting.provider_activity_id]
    assert world.backend.activities == {before.id: before}
    assert world.backend.calls["delete_window"] == 0
    assert world.ledger.get(meeting.id) == cancelled


def test_cancelling_twice_succeeds_without_a_second_provider_call() -> None:
    world = make_world()
    meeting = world.meetings.book(ANA, AT_TEN, 30)
    first = world.meetings.cancel(meeting.id)
    calls = sum(world.backend.calls.values())
    assert world.meetings.cancel(meeting.id) == first
    assert sum(world.backend.calls.values()) == calls


def test_an_activity_already_gone_counts_as_cancelled() -> None:
    world = make_world()
    meeting = world.meetings.book(ANA, AT_TEN, 30)
    del world.backend.activities[meeting.provider_activity_id or ""]
    assert world.meetings.cancel(meeting.id).status is MeetingStatus.CANCELLED


def test_a_delete_timeout_is_repeated_by_id_and_gone_is_done() -> None:
    world = make_world()
    meeting = world.meetings.book(ANA, AT_TEN, 30)
    world.backend.fail_next("delete_activity", OutcomeUnknownError("timeout"), after_apply=True)
    assert world.meetings.cancel(meeting.id).status is MeetingStatus.CANCELLED
    assert world.backend.calls["delete_activity"] == 2
    assert world.backend.activities == {}


def test_a_failed_delete_keeps_the_meeting_booked() -> None:
    world = make_world()
    meeting = world.meetings.book(ANA, AT_TEN, 30)
    world.backend.fail_next("delete_activity", UnavailableError("provider down"))
    with pytest.raises(UnavailableError):
        world.meetings.cancel(meeting.id)
    assert world.ledger.get(meeting.id) == meeting
    assert meeting.provider_activity_id in world.backend.activities


def test_a_ledger_failure_before_the_delete_changes_nothing() -> None:
    world = make_world()
    meeting = world.meetings.book(ANA, AT_TEN, 30)
    world.state.fail_write(1, UnavailableError("disk full"))  # the cancel intent
    with pytest.raises(UnavailableError, match="disk full"):
        world.meetings.cancel(meeting.id)
    assert world.backend.calls["delete_activity"] == 0
    assert world.ledger.get(meeting.id) == meeting


def test_a_ledger_failure_after_the_delete_stays_pending_never_booked() -> None:
    world = make_world()
    meeting = world.meetings.book(ANA, AT_TEN, 30)
    world.state.fail_write(2, UnavailableError("disk full"))  # 1: intent, 2: CANCELLED
    with pytest.raises(UnavailableError, match=f"wfm meetings cancel {meeting.id}` again"):
        world.meetings.cancel(meeting.id)
    pending = world.ledger.get(meeting.id)
    assert pending is not None and pending.status is MeetingStatus.PENDING
    assert pending.cancelled_at is not None
    assert world.ledger.booked_activity_ids() == set()  # never BOOKED while gone
    assert world.backend.activities == {}
    assert world.meetings.cancel(meeting.id).status is MeetingStatus.CANCELLED


def test_an_unconfirmed_delete_stays_pending_and_reconcile_finishes_it() -> None:
    world = make_world()
    meeting = world.meetings.book(ANA, AT_TEN, 30, key="k")
    for _ in range(2):
        world.backend.fail_next("delete_activity", OutcomeUnknownError("timeout"))
    with pytest.raises(OutcomeUnknownError, match="stays pending"):
        world.meetings.cancel(meeting.id)
    assert meeting.provider_activity_id in world.backend.activities
    replayed = world.meetings.book(ANA, AT_TEN, 30, key="k")  # never re-created or revived
    assert replayed.status is MeetingStatus.PENDING and replayed.cancelled_at is not None
    [done] = world.meetings.reconcile().settled
    assert done.status is MeetingStatus.CANCELLED
    assert world.backend.activities == {}
    assert world.backend.calls["create_activity"] == 1


def test_other_ids_are_refused_and_nothing_is_deleted() -> None:
    foreign = shift("agent-ana", NOW, 9)
    world = make_world(activities=(foreign,))
    for other in (foreign.id, "mtg-does-not-exist"):
        with pytest.raises(NotFoundError, match="only meetings created by this product"):
            world.meetings.cancel(other)
    with pytest.raises(InvalidInputError):
        world.meetings.cancel("  ")
    assert world.backend.activities == {foreign.id: foreign}
    assert world.backend.calls["delete_activity"] == 0


def test_a_provider_activity_id_of_a_meeting_points_to_the_meeting_id() -> None:
    world = make_world()
    meeting = world.meetings.book(ANA, AT_TEN, 30)
    with pytest.raises(NotFoundError, match=f"wfm meetings cancel {meeting.id}"):
        world.meetings.cancel(meeting.provider_activity_id or "")


def test_cancelling_a_pending_meeting_reads_it_back_and_removes_it() -> None:
    world = make_world()
    world.backend.fail_next("create_activity", OutcomeUnknownError("t"), after_apply=True)
    world.backend.fail_next("list_activities", UnavailableError("read timed out"))
    with pytest.raises(OutcomeUnknownError):
        world.meetings.book(ANA, AT_TEN, 30)
    [pending] = world.ledger.all()
    assert world.meetings.cancel(pending.id).status is MeetingStatus.CANCELLED
    assert world.backend.activities == {}


def test_list_shows_every_meeting_with_its_status_in_start_order() -> None:
    world = make_world()
    late = world.meetings.book(ANA, AT_TEN + timedelta(hours=3), 30)
    early = world.meetings.book(BO, AT_TEN, 30)
    world.meetings.cancel(late.id)
    listed = world.meetings.list_meetings()
    assert [(m.id, m.status) for m in listed] == [
        (early.id, MeetingStatus.BOOKED),
        (late.id, MeetingStatus.CANCELLED),
    ]
    assert world.meetings.list_meetings(MeetingStatus.BOOKED) == [early]
    assert world.meetings.get(early.id) == early


def test_a_refusal_after_an_unconfirmed_delete_is_still_unconfirmed() -> None:
    world = make_world()
    meeting = world.meetings.book(ANA, AT_TEN, 30)
    world.backend.fail_next("delete_activity", OutcomeUnknownError("timeout"), after_apply=True)
    world.backend.fail_next("delete_activity", UnavailableError("provider down"))
    with pytest.raises(OutcomeUnknownError, match="stays pending"):
        world.meetings.cancel(meeting.id)
    assert world.backend.activities == {}
    assert world.ledger.booked_activity_ids() == set()  # not restored to BOOKED
    assert world.meetings.cancel(meeting.id).status is MeetingStatus.CANCELLED
