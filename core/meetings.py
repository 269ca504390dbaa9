"""One-to-one meetings: book, cancel and list, never destroying anybody else's activities.

Booking writes its intent to the ledger (PENDING) before the provider call, so an activity of
ours never exists without a record; the activity's description ends with a marker holding the
meeting id, so after an ambiguous failure the booking is read back instead of repeated.
Cancelling deletes exactly the one activity we created, by id.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NoReturn

from core.ledger import MeetingLedger
from core.meeting_rules import (
    BookingInput,
    EmailMapper,
    MeetingTypeSource,
    agent_for,
    meeting_type_id,
    provider_description,
    title_for,
)
from core.meeting_writes import ProviderWrites
from ports.clock import Clock
from ports.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    NotSupportedError,
    OutcomeUnknownError,
    UnavailableError,
    WfmError,
)
from ports.models import Activity, Meeting, MeetingStatus
from ports.provider import WfmProvider


def _new_meeting_id() -> str:
    return f"mtg-{uuid.uuid4().hex[:16]}"


class MeetingService:
    """Book, cancel, list and reconcile one tenant's one-to-ones in one WFM provider."""

    def __init__(
        self,
        provider: WfmProvider,
        mapper: EmailMapper,
        catalog: MeetingTypeSource,
        ledger: MeetingLedger,
        clock: Clock,
        *,
        host_name: str = "evaluagent",
        max_length: timedelta = timedelta(hours=8),
        new_id: Callable[[], str] = _new_meeting_id,
        attempts: int = 2,
    ) -> None:
        self._provider = provider
        self._mapper = mapper
        self._catalog = catalog
        self._ledger = ledger
        self._clock = clock
        self._title = title_for(host_name)
        self._max_length = max_length
        self._new_id = new_id
        self._writes = ProviderWrites(provider, attempts)

    # --- book --------------------------------------------------------------------------

    def book(
        self,
        agent_email: str,
        start: datetime,
        minutes: int,
        description: str = "",
        facilitator: str | None = None,
        key: str | None = None,
    ) -> Meeting:
        """Book a 1:1; a retry with the same ``key`` returns the first booking, never a second."""
        request = BookingInput.parse(
            agent_email, start, minutes, description, facilitator, key, self._max_length
        )
        if request.key is not None:
            owner = self._existing(request.key)
            if owner is not None:
                return self._replay(owner, request)
        self._refuse_past(request.start)
        agent_id = agent_for(self._mapper, request.agent_email, self._provider.name)
        type_id = meeting_type_id(self._catalog, self._provider.name)
        meeting = Meeting(
            id=self._new_id(),
            tenant=self._ledger.tenant,
            agent_email=request.agent_email,
            agent_id=agent_id,
            start=request.start,
            end=request.end,
            title=self._title,
            description=request.description,
            facilitator=request.facilitator,
            status=MeetingStatus.PENDING,
            idempotency_key=request.key,
            created_at=self._clock.now(),
        )
        with self._ledger.lock(meeting.id):
            self._ledger.put(meeting)  # intent first: no activity of ours without a record
            if request.key is not None and not self._claim(request.key, meeting):
                owner = self._existing(request.key)
            else:
                return self._drive(meeting, type_id)
        if owner is None:  # pragma: no cover - the claim failed, so an owner exists
            raise ConflictError(f"idempotency key {request.key!r} is in use; try again")
        return self._replay(owner, request)

    def _existing(self, key: str) -> Meeting | None:
        owner_id = self._ledger.key_owner(key)
        if owner_id is None:
            return None
        owner = self._ledger.get(owner_id)
        if owner is None:  # a crash left the key behind its record: the key is free again
            self._ledger.release_key(key)
        return owner

    def _claim(self, key: str, meeting: Meeting) -> bool:
        try:
            claimed = self._ledger.claim_key(key, meeting.id)
        except Exception:
            self._ledger.remove(meeting.id)
            raise
        if not claimed:
            self._ledger.remove(meeting.id)
        return claimed

    def _replay(self, meeting: Meeting, request: BookingInput) -> Meeting:
        if not request.same_booking(meeting):
            raise ConflictError(
                f"idempotency key {request.key!r} was already used for meeting {meeting.id} "
                f"({meeting.agent_email}, {meeting.start.isoformat()}); use a new key for a "
                "different booking"
            )
        if meeting.status is not MeetingStatus.PENDING:
            return meeting
        with self._ledger.lock(meeting.id):
            current = self._ledger.get(meeting.id) or meeting
            if current.status is not MeetingStatus.PENDING:
                return current
            found = self._writes.read_back(current)
            if found is not None:
                return self._record_booked(current, found)
            self._refuse_past(current.start)
            type_id = meeting_type_id(self._catalog, self._provider.name)
            return self._drive(current, type_id)

    def _drive(self, meeting: Meeting, type_id: str) -> Meeting:
        """Create the PENDING meeting's activity (reading back on doubt), then mark it BOOKED."""
        try:
            activity = self._writes.create(meeting, type_id, provider_description(meeting))
        except OutcomeUnknownError:
            raise  # it may exist: the record stays PENDING until read back
        except WfmError:
            self._forget(meeting)  # proven never created
            raise
        return self._record_booked(meeting, activity)

    def _record_booked(self, meeting: Meeting, activity: Activity) -> Meeting:
        booked = meeting.model_copy(
            update={"status": MeetingStatus.BOOKED, "provider_activity_id": activity.id}
        )
        try:
            self._ledger.put(booked)
        except Exception as exc:
            self._undo(meeting, activity, exc)
        return booked

    def _undo(self, meeting: Meeting, activity: Activity, cause: Exception) -> NoReturn:
        """The ledger refused BOOKED: remove the activity again so no orphan is left."""
        try:
            self._writes.delete(activity.id)
        except WfmError as exc:
            raise UnavailableError(
                f"meeting {meeting.id} was created in {self._provider.name} but could not be "
                f"recorded ({cause}), and removing it again failed ({exc}); it stays pending: "
                "run `wfm meetings reconcile` to settle it"
            ) from cause
        self._forget(meeting)
        raise UnavailableError(
            f"could not record meeting {meeting.id} in the meeting ledger ({cause}); the "
            f"activity was removed from {self._provider.name} again, so nothing is booked; "
            "try again"
        ) from cause

    def _forget(self, meeting: Meeting) -> None:
        """Drop a booking proven never to exist in the provider (record and key)."""
        try:
            if meeting.idempotency_key and (
                self._ledger.key_owner(meeting.idempotency_key) == meeting.id
            ):
                self._ledger.release_key(meeting.idempotency_key)
            self._ledger.remove(meeting.id)
        except WfmError:  # a leftover PENDING record is settled by `reconcile`
            pass

    def _refuse_past(self, start: datetime) -> None:
        now = self._clock.now()
        if start < now:
            raise InvalidInputError(
                f"the meeting start {start.isoformat()} is in the past (now "
                f"{now.isoformat(timespec='minutes')}); pick a future time"
            )

    # --- cancel, list, reconcile ---------------------------------------------------------

    def cancel(self, meeting_id: str) -> Meeting:
        """Cancel a meeting created here: delete exactly its one activity, by id."""
        meeting = self._known(meeting_id)
        if meeting.status is MeetingStatus.CANCELLED:
            return meeting
        with self._ledger.lock(meeting.id):
            meeting = self._ledger.get(meeting.id) or meeting
            if meeting.status is MeetingStatus.CANCELLED:
                return meeting
            activity_id = meeting.provider_activity_id
            if meeting.status is MeetingStatus.PENDING:
                found = self._writes.read_back(meeting)
                activity_id = found.id if found is not None else None
            if activity_id is not None:
                self._writes.delete(activity_id)
            cancelled = meeting.model_copy(
                update={"status": MeetingStatus.CANCELLED, "cancelled_at": self._clock.now()}
            )
            try:
                self._ledger.put(cancelled)
            except Exception as exc:
                raise UnavailableError(
                    f"meeting {meeting.id} was removed from {self._provider.name} but the "
                    f"ledger could not be updated ({exc}); run `wfm meetings cancel "
                    f"{meeting.id}` again to finish"
                ) from exc
            return cancelled

    def _known(self, meeting_id: str) -> Meeting:
        meeting_id = meeting_id.strip()
        if not meeting_id:
            raise InvalidInputError("give the id of a meeting (see `wfm meetings list`)")
        meeting = self._ledger.get(meeting_id)
        if meeting is not None:
            return meeting
        owner = self._ledger.by_activity_id(meeting_id)
        if owner is not None:
            raise NotFoundError(
                f"{meeting_id} is the {self._provider.name} activity of meeting {owner.id}; "
                f"cancel it by meeting id: `wfm meetings cancel {owner.id}`"
            )
        raise NotFoundError(
            f"no meeting {meeting_id!r} in tenant {self._ledger.tenant!r}: only meetings "
            "created by this product can be cancelled (see `wfm meetings list`); change other "
            f"activities in {self._provider.name} itself"
        )

    def get(self, meeting_id: str) -> Meeting:
        """One meeting of the ledger; NotFoundError when this product did not create it."""
        return self._known(meeting_id)

    def list_meetings(self, status: MeetingStatus | None = None) -> list[Meeting]:
        """The tenant's meetings from the ledger (optionally one status), by start time."""
        return [m for m in self._ledger.all() if status is None or m.status is status]

    def reconcile(self) -> list[Meeting]:
        """Settle PENDING meetings by reading them back; returns the ones settled as BOOKED."""
        settled: list[Meeting] = []
        for pending in self.list_meetings(MeetingStatus.PENDING):
            with self._ledger.lock(pending.id):
                current = self._ledger.get(pending.id)
                if current is None or current.status is not MeetingStatus.PENDING:
                    continue
                found = self._writes.read_back(current)
                if found is None:
                    self._forget(current)
                else:
                    settled.append(self._record_booked(current, found))
        return settled

    # --- not offered, by design ------------------------------------------------------------

    def modify(self, meeting_id: str) -> NoReturn:
        """Not supported: cancel and book again instead."""
        raise NotSupportedError(
            "modifying a meeting is not supported by design; cancel it "
            f"(`wfm meetings cancel {meeting_id}`) and book a new one"
        )

    def bulk_create(self) -> NoReturn:
        """Not supported: book meetings one at a time."""
        raise NotSupportedError(
            "bulk-creating meetings is not supported by design; book them one at a time "
            "with `wfm meetings book`"
        )

    def bulk_delete(self) -> NoReturn:
        """Not supported: cancel meetings one at a time, by id."""
        raise NotSupportedError(
            "bulk-deleting activities is not supported by design (a window delete would also "
            "trim other activities); cancel meetings one at a time with `wfm meetings cancel`"
        )

    def sync_shifts(self) -> NoReturn:
        """Not supported: shifts are managed in the WFM system."""
        raise NotSupportedError(
            "syncing shifts is not supported by design; manage shifts in the WFM system itself"
        )
