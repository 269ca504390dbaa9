"""`meetings list --verify`: booked meetings checked against the provider; one another
installation cancelled is `gone`; the check only reads (the record stays booked until
`cancel` settles it: it may have been moved, or a read may lag); one partly gone stays booked;
pending ones are left to reconcile."""

from __future__ import annotations

from datetime import timedelta

import pytest

from meetings.world import ANA, BO, NOW, make_world, second_installation, shift
from wfm_bridge.core.meeting_verify import Presence
from wfm_bridge.ports.errors import OutcomeUnknownError
from wfm_bridge.ports.models import MeetingStatus

AT_TEN = NOW + timedelta(hours=2)


def test_a_meeting_another_installation_cancelled_is_gone_and_nothing_is_written() -> None:
    foreign = shift("agent-ana", NOW, 8)
    world = make_world(activities=(foreign,))
    kept = world.meetings.book(ANA, AT_TEN, 30)
    theirs = world.meetings.book(ANA, AT_TEN + timedelta(hours=2), 30, "coaching", BO)
    second_installation(world).cancel(theirs.id, ANA, AT_TEN.date())
    recorded = world.ledger.get(theirs.id)
    assert recorded is not None and recorded.status is MeetingStatus.BOOKED  # still says
    world.clock.advance(timedelta(minutes=3))
    writes = world.backend.calls["delete_activity"], world.backend.calls["create_activity"]

    listed = world.meetings.listed(verify=True)

    assert [(m.id, m.status, p) for m, p in listed] == [
        (kept.id, MeetingStatus.BOOKED, Presence.PRESENT),
        (theirs.id, MeetingStatus.BOOKED, Presence.GONE),
    ]
    assert world.ledger.get(theirs.id) == recorded  # a read writes nothing here
    assert (world.backend.calls["delete_activity"], world.backend.calls["create_activity"]) == (
        writes)  # nor to the provider
    assert world.backend.activities[foreign.id] == foreign
    settled = world.meetings.cancel(theirs.id)  # the booker settles it: gone counts as done
    assert settled.status is MeetingStatus.CANCELLED
    assert [(m.status, p) for m, p in world.meetings.listed(verify=True)] == [
        (MeetingStatus.BOOKED, Presence.PRESENT), (MeetingStatus.CANCELLED, None)]


def test_without_verify_nothing_is_read_and_the_ledger_is_shown_as_recorded() -> None:
    world = make_world()
    meeting = world.meetings.book(ANA, AT_TEN, 30)
    del world.backend.activities[meeting.provider_activity_id or ""]
    calls = sum(world.backend.calls.values())
    assert [(m.status, p) for m, p in world.meetings.listed()] == [(MeetingStatus.BOOKED, None)]
    assert sum(world.backend.calls.values()) == calls


def test_partly_gone_stays_booked_and_cancelling_removes_the_rest() -> None:
    world = make_world()
    meeting = world.meetings.book(ANA, AT_TEN, 30, "coaching", BO)
    (coach,) = meeting.companions
    del world.backend.activities[coach.id]  # the coach deleted his copy in the WFM system

    ((listed, presence),) = world.meetings.listed(MeetingStatus.BOOKED, verify=True)

    assert presence is Presence.PARTIAL and listed.status is MeetingStatus.BOOKED
    assert world.meetings.cancel(meeting.id).status is MeetingStatus.CANCELLED
    assert world.backend.activities == {}


def test_a_pending_meeting_is_left_to_reconcile() -> None:
    world = make_world()
    world.backend.fail_next("create_activity", OutcomeUnknownError("timeout"), after_apply=False)
    world.backend.fail_next("list_activities", OutcomeUnknownError("down"))
    with pytest.raises(OutcomeUnknownError, match="kept as pending"):
        world.meetings.book(ANA, AT_TEN, 30)
    (pending,) = world.ledger.all()
    assert pending.status is MeetingStatus.PENDING
    assert [(m.id, p) for m, p in world.meetings.listed(verify=True)] == [(pending.id, None)]
    assert world.ledger.get(pending.id) == pending
