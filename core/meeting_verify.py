"""Checking the ledger's BOOKED meetings against the provider: is each 1:1 still there?

Another installation of the tenant may cancel a 1:1 this one booked (by its reference,
core/meeting_adopt.py), or someone may delete it in the WFM system itself; this ledger would
still say BOOKED. A check reads every calendar the meeting belongs in (``find`` by its
reference over its own time, as a read-back does) and compares with the parts the ledger
records: all there is ``present``, none ``gone``, some ``partial``.

The check only reads: nothing is written to the ledger or the provider. A meeting not found
over its own time may have been cancelled elsewhere, but it may also have been moved in the
WFM system, or a lagging read may not show it yet; settling it as cancelled here would stop
this installation from ever removing what it created. So a ``gone`` meeting stays BOOKED and
is shown as gone; ``wfm meetings cancel`` settles it (a part already gone counts as removed,
and a moved one is removed by its id). A ``partial`` meeting stays BOOKED too: cancelling it
removes the rest. PENDING meetings are ``reconcile``'s and are not checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from wfm_bridge.core.meeting_rules import recorded_ids
from wfm_bridge.core.meeting_writes import CalendarWrites
from wfm_bridge.ports.models import Meeting, MeetingStatus


class Presence(StrEnum):
    """What the provider holds of a BOOKED meeting's recorded parts."""

    PRESENT = "present"
    GONE = "gone"  # not found over its time: cancelled elsewhere, moved, or not visible yet
    PARTIAL = "partial"  # some part gone: cancelling removes the rest


class Verification:
    """Checks BOOKED meetings against the calendar (see the module docstring)."""

    def __init__(self, writes: CalendarWrites) -> None:
        self._writes = writes

    def check(self, meetings: Sequence[Meeting]) -> list[tuple[Meeting, Presence | None]]:
        """Each meeting with its presence (None: not checked, as it is not BOOKED)."""
        return [
            (m, self._presence(m) if m.status is MeetingStatus.BOOKED else None) for m in meetings
        ]

    def _presence(self, meeting: Meeting) -> Presence:
        wanted = recorded_ids(meeting)
        found: set[str] = set()
        for booked in self._writes.find(meeting):
            found.update(booked.ids)
        there = wanted & found
        if there == wanted:
            return Presence.PRESENT
        return Presence.PARTIAL if there else Presence.GONE
