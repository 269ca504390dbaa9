"""Cancelling a 1:1: record the intent, cancel exactly its one booking, then record it.

The intent is a PENDING record with ``cancelled_at`` set, written before the provider call, so
the ledger never claims BOOKED for an activity that is gone: if the final CANCELLED write
fails, the meeting stays visibly pending and cancelling again (or ``reconcile``) finishes it.
A definite provider refusal restores the record as it was.
"""

from __future__ import annotations

from wfm_bridge.core.ledger import MeetingLedger
from wfm_bridge.core.meeting_rules import recorded
from wfm_bridge.core.meeting_writes import CalendarWrites
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import OutcomeUnknownError, UnavailableError, WfmError
from wfm_bridge.ports.models import Meeting, MeetingStatus


class Cancellation:
    """The cancelling half of MeetingService."""

    def __init__(
        self, provider_name: str, ledger: MeetingLedger, clock: Clock, writes: CalendarWrites
    ) -> None:
        self._provider = provider_name
        self._ledger = ledger
        self._clock = clock
        self._writes = writes

    def cancel(self, meeting: Meeting) -> Meeting:
        """Cancel this ledger meeting (caller holds its lock); cancelled ones are returned as is."""
        if meeting.status is MeetingStatus.CANCELLED:
            return meeting
        intent = meeting
        if meeting.cancelled_at is None:
            intent = meeting.model_copy(
                update={"status": MeetingStatus.PENDING, "cancelled_at": self._clock.now()}
            )
            self._ledger.put(intent)  # fails before anything happened: nothing to undo
        try:
            self._remove_booking(meeting)
        except WfmError as exc:
            if not isinstance(exc, OutcomeUnknownError) and self._restore(meeting, intent):
                raise  # a definite refusal: the meeting is exactly as it was
            raise self._still_pending(meeting, exc) from exc
        cancelled = intent.model_copy(update={"status": MeetingStatus.CANCELLED})
        try:
            self._ledger.put(cancelled)
        except Exception as exc:
            raise UnavailableError(
                f"meeting {meeting.id} was removed from {self._provider} but the ledger could "
                f"not record it ({exc}); it stays pending: run `wfm meetings cancel "
                f"{meeting.id}` again to finish"
            ) from exc
        return cancelled

    def _remove_booking(self, meeting: Meeting) -> None:
        """Cancel the meeting's one booking (read back first if it was never confirmed)."""
        booked = recorded(meeting)
        if booked is None:  # the booking itself was never confirmed
            booked = self._writes.read_back(meeting)
        if booked is not None:
            self._writes.cancel(booked)

    def _restore(self, meeting: Meeting, intent: Meeting) -> bool:
        """Put the record back as it was before this cancel; False when that fails."""
        if intent is meeting:
            return True
        try:
            self._ledger.put(meeting)
        except Exception:
            return False
        return True

    def _still_pending(self, meeting: Meeting, cause: WfmError) -> WfmError:
        message = (
            f"cancelling meeting {meeting.id} was not confirmed by {self._provider} ({cause}); "
            f"it stays pending: run `wfm meetings cancel {meeting.id}` again, it is safe to "
            "repeat"
        )
        if isinstance(cause, OutcomeUnknownError):
            return OutcomeUnknownError(message)
        return UnavailableError(message)
