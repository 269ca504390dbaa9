"""Checking the ledger's BOOKED meetings against the provider: is each 1:1 still there?

Another installation of the tenant may cancel a 1:1 this one booked (by its reference,
core/meeting_adopt.py), or someone may delete it in the WFM system itself; this ledger would
still say BOOKED. A check reads every calendar the meeting belongs in (``find`` by its
reference over its own time, as a read-back does) and compares with the parts the ledger
records: all there is ``present``, none ``gone``, some ``partial``.

A ``gone`` meeting is settled here as CANCELLED, under its lock and only while it is still
BOOKED (a PENDING write is ``reconcile``'s, a meeting another process is writing is skipped).
Nothing is written to the provider: what is gone needs no removal, and whatever might still
carry the reference elsewhere (an activity someone moved) is not this check's to delete. A
``partial`` meeting stays BOOKED: cancelling it removes the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from wfm_bridge.core.ledger import MeetingLedger
from wfm_bridge.core.meeting_rules import recorded_ids
from wfm_bridge.core.meeting_writes import CalendarWrites
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import BusyError
from wfm_bridge.ports.models import Meeting, MeetingStatus


class Presence(StrEnum):
    """What the provider holds of a BOOKED meeting's recorded parts."""

    PRESENT = "present"
    GONE = "gone"  # settled here as cancelled
    PARTIAL = "partial"  # some part gone: cancelling removes the rest


class Verification:
    """Checks BOOKED meetings against the calendar (see the module docstring)."""

    def __init__(self, ledger: MeetingLedger, writes: CalendarWrites, clock: Clock) -> None:
        self._ledger = ledger
        self._writes = writes
        self._clock = clock

    def check(self, meetings: Sequence[Meeting]) -> list[tuple[Meeting, Presence | None]]:
        """Each meeting as the ledger now has it, with its presence (None: not checked, as
        it was not BOOKED or another process is writing it)."""
        return [self._one(m) if m.status is MeetingStatus.BOOKED else (m, None) for m in meetings]

    def _one(self, meeting: Meeting) -> tuple[Meeting, Presence | None]:
        try:
            with self._ledger.lock(meeting.id):
                current = self._ledger.get(meeting.id)
                if current is None or current.status is not MeetingStatus.BOOKED:
                    return current or meeting, None
                presence = self._presence(current)
                if presence is Presence.GONE:
                    current = current.model_copy(update={
                        "status": MeetingStatus.CANCELLED, "cancelled_at": self._clock.now()})
                    self._ledger.put(current)  # one atomic write: BOOKED -> CANCELLED
                return current, presence
        except BusyError:
            return meeting, None  # being written elsewhere: that process settles it

    def _presence(self, meeting: Meeting) -> Presence:
        wanted = recorded_ids(meeting)
        found: set[str] = set()
        for booked in self._writes.find(meeting):
            found.update(booked.ids)
        there = wanted & found
        if there == wanted:
            return Presence.PRESENT
        return Presence.PARTIAL if there else Presence.GONE
