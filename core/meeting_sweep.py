"""Sweeping stray copies: activities carrying a meeting's marker that the ledger does not hold.

A create whose answer never came can still be applied later, after the read-back that found
nothing (a slow server applies a request whose client already gave up, or the booking process
was killed with the request in flight). The copy that lands carries the meeting's marker, so
it is recognisably ours. For every meeting that has not ended (booked, cancelled, or forgotten
and kept as a tombstone) the sweep reads the provider back and deletes, by id, each activity
with that meeting's marker except the one activity the ledger records for a BOOKED meeting.
Only activities whose marker names a meeting of this ledger are ever touched; PENDING
meetings are left to settling, and a meeting another process is writing is skipped.
"""

from __future__ import annotations

from collections import defaultdict

from wfm_bridge.core.ledger import MeetingLedger
from wfm_bridge.core.meeting_rules import is_meeting_activity
from wfm_bridge.core.meeting_writes import ProviderWrites
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import BusyError
from wfm_bridge.ports.models import Activity, Meeting, MeetingStatus
from wfm_bridge.ports.provider import WfmProvider


class StraySweep:
    """Removes stray copies of one tenant's meetings (see the module docstring)."""

    def __init__(
        self, provider: WfmProvider, ledger: MeetingLedger, writes: ProviderWrites, clock: Clock
    ) -> None:
        self._provider = provider
        self._ledger = ledger
        self._writes = writes
        self._clock = clock

    def run(self) -> list[str]:
        """Delete the stray copies of meetings that have not ended; returns their ids."""
        now = self._clock.now()
        buried = []
        for tombstone in self._ledger.tombstones():
            if tombstone.end > now:
                buried.append(tombstone)
            else:
                self._ledger.unbury(tombstone.id)  # ended: nothing can land for it any more
        settled = (m for m in self._ledger.all() if m.status is not MeetingStatus.PENDING)
        watched = [m for m in settled if m.end > now] + buried
        if not watched:
            return []
        by_agent: defaultdict[str, list[Meeting]] = defaultdict(list)
        for m in watched:
            by_agent[m.agent_id].append(m)
        start = min(m.start for m in watched)
        end = max(m.end for m in watched)
        removed: list[str] = []
        for activity in self._provider.list_activities(sorted(by_agent), start, end):
            owner = next(
                (m for m in by_agent.get(activity.agent_id, ()) if _marks(activity, m)), None
            )
            if owner is not None and self._remove_if_stray(owner.id, activity):
                removed.append(activity.id)
        return removed

    def _remove_if_stray(self, meeting_id: str, activity: Activity) -> bool:
        """Delete ``activity`` unless it is the meeting's recorded one (under its lock)."""
        try:
            with self._ledger.lock(meeting_id):
                current = self._ledger.get(meeting_id)
                if current is None:
                    if not self._ledger.is_buried(meeting_id):
                        return False  # gone from the ledger without a tombstone: not judged
                elif current.status is MeetingStatus.PENDING or (
                    current.status is MeetingStatus.BOOKED
                    and current.provider_activity_id == activity.id
                ):
                    return False
                self._writes.delete(activity.id)
                return True
        except BusyError:
            return False  # another process is writing this meeting: the next sweep judges


def _marks(activity: Activity, meeting: Meeting) -> bool:
    return is_meeting_activity(activity.description, meeting.id)
