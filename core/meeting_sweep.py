"""Sweeping stray copies: bookings carrying a meeting's reference that the ledger does not hold.

A booking whose answer never came can still be applied later, after the read-back that found
nothing (a slow server applies a request whose client already gave up, or the booking process
was killed with the request in flight). The copy that lands carries the meeting's reference,
so it is recognisably ours. For every meeting that has not ended (booked, cancelled, or
forgotten and kept as a tombstone) the sweep reads every calendar of it back (``find`` by
reference, the agent's and the facilitator's) and cancels each copy except the parts of the
one booking the ledger records for a BOOKED meeting. Only
bookings whose reference names a meeting of this ledger are ever touched; PENDING meetings
are left to settling, and a meeting another process is writing is skipped.
"""

from __future__ import annotations

from wfm_bridge.core.ledger import MeetingLedger
from wfm_bridge.core.meeting_rules import recorded_ids
from wfm_bridge.core.meeting_writes import CalendarWrites
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import BusyError
from wfm_bridge.ports.models import BookedOneToOne, MeetingStatus


class StraySweep:
    """Removes stray copies of one tenant's meetings (see the module docstring)."""

    def __init__(self, ledger: MeetingLedger, writes: CalendarWrites, clock: Clock) -> None:
        self._ledger = ledger
        self._writes = writes
        self._clock = clock

    def run(self) -> list[str]:
        """Cancel the stray copies of meetings that have not ended; returns their ids."""
        now = self._clock.now()
        buried = []
        for tombstone in self._ledger.tombstones():
            if tombstone.end > now:
                buried.append(tombstone)
            else:
                self._ledger.unbury(tombstone.id)  # ended: nothing can land for it any more
        settled = (m for m in self._ledger.all() if m.status is not MeetingStatus.PENDING)
        watched = [m for m in settled if m.end > now] + buried
        removed: list[str] = []
        for meeting in watched:
            for copy in self._writes.find(meeting):
                if copy.reference == meeting.id and self._remove_if_stray(meeting.id, copy):
                    removed.append(copy.id)
        return removed

    def _remove_if_stray(self, meeting_id: str, copy: BookedOneToOne) -> bool:
        """Cancel ``copy`` unless it is the meeting's recorded booking (under its lock)."""
        try:
            with self._ledger.lock(meeting_id):
                current = self._ledger.get(meeting_id)
                if current is None:
                    if not self._ledger.is_buried(meeting_id):
                        return False  # gone from the ledger without a tombstone: not judged
                elif current.status is MeetingStatus.PENDING or (
                    current.status is MeetingStatus.BOOKED and copy.id in recorded_ids(current)
                ):
                    return False
                self._writes.cancel(copy)
                return True
        except BusyError:
            return False  # another process is writing this meeting: the next sweep judges
