"""Ambiguous failures: read back before retrying, and never leave an orphan activity."""

from __future__ import annotations

from datetime import timedelta

import pytest

from meetings.world import ANA, NOW, make_world, shift
from wfm_bridge.ports.errors import OutcomeUnknownError, UnavailableError
from wfm_bridge.ports.models import MeetingStatus

AT_TEN = NOW + timedelta(hours=2)


def _timeout() -> OutcomeUnknownError:
    return OutcomeUnknownError("no answer within 10 s")


def test_timeout_after_the_provider_applied_is_read_back_not_repeated() -> None:
    world = make_world()
    world.backend.fail_next("create_activity", _timeout(), after_apply=True)
    meeting = world.meetings.book(ANA, AT_TEN, 30, key="k")
    assert meeting.status is MeetingStatus.BOOKED
    assert world.backend.calls["create_activity"] == 1
    assert list(world.backend.activities) == [meeting.provider_activity_id]


def test_timeout_before_the_provider_applied_is_retried_once_read_back_shows_nothing() -> None:
    world = make_world()
    world.backend.fail_next("create_activity", _timeout(), after_apply=False)
    meeting = world.meetings.book(ANA, AT_TEN, 30)
    assert meeting.status is MeetingStatus.BOOKED
    assert world.backend.calls["create_activity"] == 2
    assert world.backend.calls["list_activities"] == 1  # the read-back came first
    assert list(world.backend.activities) == [meeting.provider_activity_id]


def test_every_attempt_unanswered_and_read_back_empty_means_nothing_is_booked() -> None:
    world = make_world()
    for _ in range(2):
        world.backend.fail_next("create_activity", _timeout(), after_apply=False)
    with pytest.raises(UnavailableError, match="nothing is booked") as caught:
        world.meetings.book(ANA, AT_TEN, 30, key="k")
    assert not isinstance(caught.value, OutcomeUnknownError)
    assert world.backend.activities == {}
    assert world.ledger.all() == []
    assert world.ledger.key_owner("k") is None


def test_timeout_with_a_failing_read_back_stays_pending_and_a_retry_settles_it() -> None:
    world = make_world()
    world.backend.fail_next("create_activity", _timeout(), after_apply=True)
    world.backend.fail_next("list_activities", UnavailableError("read timed out"))
    with pytest.raises(OutcomeUnknownError, match="pending"):
        world.meetings.book(ANA, AT_TEN, 30, key="k")
    [pending] = world.ledger.all()
    assert pending.status is MeetingStatus.PENDING
    assert len(world.backend.activities) == 1

    settled = world.meetings.book(ANA, AT_TEN, 30, key="k")
    assert settled.id == pending.id
    assert settled.status is MeetingStatus.BOOKED
    assert world.backend.calls["create_activity"] == 1
    assert list(world.backend.activities) == [settled.provider_activity_id]


def test_a_pending_meeting_that_never_reached_the_provider_is_created_on_retry() -> None:
    world = make_world()
    world.backend.fail_next("create_activity", _timeout(), after_apply=False)
    world.backend.fail_next("list_activities", UnavailableError("read timed out"))
    with pytest.raises(OutcomeUnknownError):
        world.meetings.book(ANA, AT_TEN, 30, key="k")
    assert world.backend.activities == {}

    settled = world.meetings.book(ANA, AT_TEN, 30, key="k")
    assert settled.status is MeetingStatus.BOOKED
    assert list(world.backend.activities) == [settled.provider_activity_id]


def test_reconcile_settles_pending_meetings_both_ways() -> None:
    world = make_world()
    world.backend.fail_next("create_activity", _timeout(), after_apply=True)
    world.backend.fail_next("list_activities", UnavailableError("read timed out"))
    with pytest.raises(OutcomeUnknownError):
        world.meetings.book(ANA, AT_TEN, 30)
    world.backend.fail_next("create_activity", _timeout(), after_apply=False)
    world.backend.fail_next("list_activities", UnavailableError("read timed out"))
    with pytest.raises(OutcomeUnknownError):
        world.meetings.book(ANA, AT_TEN + timedelta(hours=1), 30)
    assert [m.status for m in world.ledger.all()] == [MeetingStatus.PENDING] * 2

    settled = world.meetings.reconcile().settled
    assert [m.start for m in settled] == [AT_TEN]
    [kept] = world.ledger.all()  # the one that never reached the provider is forgotten
    assert kept.status is MeetingStatus.BOOKED
    assert list(world.backend.activities) == [kept.provider_activity_id]


def test_ledger_failure_after_creation_removes_the_activity_again() -> None:
    busy = shift("agent-ana", NOW, 9)
    world = make_world(activities=(busy,))
    world.state.fail_write(3, UnavailableError("disk full"))  # PENDING, key, then BOOKED
    with pytest.raises(UnavailableError, match="removed from memory_fake again"):
        world.meetings.book(ANA, AT_TEN, 30, key="k")
    assert world.backend.activities == {busy.id: busy}
    assert world.ledger.all() == []
    assert world.ledger.key_owner("k") is None
    assert world.backend.calls["delete_window"] == 0


def test_ledger_failure_and_failing_cleanup_stays_pending_for_reconcile() -> None:
    world = make_world()
    world.state.fail_write(3, UnavailableError("disk full"))
    world.backend.fail_next("delete_activity", UnavailableError("provider down"))
    with pytest.raises(UnavailableError, match="reconcile"):
        world.meetings.book(ANA, AT_TEN, 30, key="k")
    [pending] = world.ledger.all()
    assert pending.status is MeetingStatus.PENDING
    [booked] = world.meetings.reconcile().settled
    assert world.ledger.booked_activity_ids() == set(world.backend.activities)
    assert booked.id == pending.id


def test_a_duplicate_found_on_read_back_is_removed() -> None:
    world = make_world()
    meeting = world.meetings.book(ANA, AT_TEN, 30)
    original = world.backend.activities[meeting.provider_activity_id or ""]
    copy = original.model_copy(update={"id": "zz-copy"})
    world.backend.activities[copy.id] = copy
    pending = meeting.model_copy(update={"status": MeetingStatus.PENDING})
    world.ledger.put(pending)
    [settled] = world.meetings.reconcile().settled
    assert settled.provider_activity_id == original.id
    assert list(world.backend.activities) == [original.id]


def test_reconcile_skips_a_meeting_another_process_is_writing() -> None:
    world = make_world()
    world.backend.fail_next("create_activity", _timeout(), after_apply=True)
    world.backend.fail_next("list_activities", UnavailableError("read timed out"))
    with pytest.raises(OutcomeUnknownError):
        world.meetings.book(ANA, AT_TEN, 30)
    [pending] = world.ledger.all()
    with world.ledger.lock(pending.id):
        assert world.meetings.reconcile().settled == []
    assert world.ledger.get(pending.id) == pending
    assert [m.status for m in world.meetings.reconcile().settled] == [MeetingStatus.BOOKED]
