"""Booking a 1:1: validate, write the intent, create once (reading back on doubt), record.

The ledger gets a PENDING record before the provider call, so a booking of ours never exists
without a record; the booking carries the meeting id as its reference, so after an ambiguous
failure it is read back (``OneToOneCalendar.find``) instead of repeated. When the ledger
refuses the final BOOKED write, the booking is cancelled again: no orphan is left.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NoReturn

from wfm_bridge.core.availability_check import AvailabilityCheck
from wfm_bridge.core.ledger import MeetingLedger
from wfm_bridge.core.meeting_rules import BookingInput, EmailMapper, agent_for
from wfm_bridge.core.meeting_writes import CalendarWrites
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import (
    ConflictError,
    InvalidInputError,
    OutcomeUnknownError,
    ReusedKeyError,
    UnavailableError,
    WfmError,
)
from wfm_bridge.ports.models import BookedOneToOne, Meeting, MeetingStatus
from wfm_bridge.ports.one_to_one_calendar import OneToOneCalendar


class Booking:
    """The booking half of MeetingService."""

    def __init__(
        self,
        calendar: OneToOneCalendar,
        mapper: EmailMapper,
        ledger: MeetingLedger,
        clock: Clock,
        writes: CalendarWrites,
        *,
        title: str,
        max_length: timedelta,
        new_id: Callable[[], str],
        check: AvailabilityCheck | None = None,
        zone_of: Callable[[str], str] | None = None,
    ) -> None:
        self._provider = calendar
        self._mapper = mapper
        self._ledger = ledger
        self._clock = clock
        self._writes = writes
        self._title = title
        self._max_length = max_length
        self._new_id = new_id
        self._check = check
        self._zone_of = zone_of or (lambda email: "UTC")

    def book(
        self,
        agent_email: str,
        start: datetime,
        minutes: int,
        description: str = "",
        facilitator: str | None = None,
        key: str | None = None,
        force: bool = False,
    ) -> Meeting:
        """Book a 1:1; a retry with the same ``key`` returns the first booking, never a second,
        and so does an identical repeat (agent, facilitator, start, length) while it is live.
        Refused outside available time unless ``force`` (never deleting or trimming)."""
        request = BookingInput.parse(
            agent_email, start, minutes, description, facilitator, key, self._max_length
        )
        if request.key is not None:
            owner = self._existing(request.key)
            if owner is not None:
                return self._replay(owner, request)
        twin = self._live_twin(request)
        if twin is not None:
            return twin
        self._refuse_past(request.start)
        agent_id = agent_for(self._mapper, request.agent_email, self._provider.name)
        coach_person, coach_id = self._person(request.facilitator)
        if coach_id == agent_id:
            coach_person = coach_id = None  # the agent facilitates: one calendar
        if not force:
            self._refuse_unavailable(request, agent_id, coach_id)
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
            facilitator_id=coach_id,
            facilitator_person_id=coach_person,
            status=MeetingStatus.PENDING,
            idempotency_key=request.key,
            created_at=self._clock.now(),
        )
        with self._ledger.lock(meeting.id):
            self._ledger.put(meeting)  # intent first: no booking of ours without a record
            if request.key is not None and not self._claim(request.key, meeting):
                owner = self._existing(request.key)
            else:
                return self._drive(meeting)
        if owner is None:  # pragma: no cover - the claim failed, so an owner exists
            raise ConflictError(f"idempotency key {request.key!r} is in use; try again")
        return self._replay(owner, request)

    def _live_twin(self, request: BookingInput) -> Meeting | None:
        """A live meeting identical to ``request`` (booked, or pending without a cancel)."""
        for meeting in self._ledger.all():
            live = meeting.cancelled_at is None and meeting.status is not MeetingStatus.CANCELLED
            if live and request.same_slot(meeting):
                if meeting.status is MeetingStatus.PENDING:
                    return self._replay(meeting, request, key_check=False)
                return meeting
        return None

    def _person(self, email: str | None) -> tuple[str | None, str | None]:
        """The provider person id and agent id (None without a schedule) of ``email`` when it
        maps to a provider person, else (None, None)."""
        person = self._mapper.person_for(email) if email is not None else None
        return (person.person_id, person.agent_id) if person is not None else (None, None)

    def _refuse_unavailable(
        self, request: BookingInput, agent_id: str, coach_id: str | None
    ) -> None:
        if self._check is None:
            return
        people = {agent_id: ("", self._zone_of(request.agent_email))}
        if coach_id is not None and coach_id != agent_id and request.facilitator:
            people[coach_id] = (
                f"facilitator {request.facilitator}: ",
                self._zone_of(request.facilitator),
            )
        clashes = self._check.collisions(people, request.start, request.end)
        if clashes:
            raise InvalidInputError(
                f"cannot book {request.agent_email} at {request.start.isoformat()}: not "
                f"available ({'; '.join(clashes)}); pick a time from `wfm slots`, or book "
                "off schedule with --force (nothing is deleted or trimmed)"
            )

    def _existing(self, key: str) -> Meeting | None:
        owner_id = self._ledger.key_owner(key)
        if owner_id is None:
            return None
        owner = self._ledger.get(owner_id)
        if owner is None and self._ledger.key_owner(key) == owner_id:
            self._ledger.release_key(key)  # its booking was forgotten: the key is free again
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

    def _replay(self, meeting: Meeting, request: BookingInput, key_check: bool = True) -> Meeting:
        if key_check and not request.same_booking(meeting):
            raise ReusedKeyError(
                f"idempotency key {request.key!r} was already used for meeting {meeting.id} "
                f"({meeting.agent_email}, {meeting.start.isoformat()}); use a new key for a "
                "different booking"
            )
        if not _booking_pending(meeting):
            return meeting  # booked, cancelled or being cancelled: never create it again
        with self._ledger.lock(meeting.id):
            current = self._ledger.get(meeting.id) or meeting
            if not _booking_pending(current):
                return current
            found = self._writes.read_back(current)
            if found is not None:
                return self._record_booked(current, found)
            self._refuse_past(current.start)
            return self._drive(current)

    def settle(self, meeting: Meeting) -> Meeting | None:
        """Settle a pending booking (caller holds its lock): BOOKED if read back, else forgotten."""
        found = self._writes.read_back(meeting)
        if found is None:
            self._forget(meeting)
            return None
        return self._record_booked(meeting, found)

    def _drive(self, meeting: Meeting) -> Meeting:
        """Book the PENDING meeting in the calendar (reading back on doubt), then mark it BOOKED."""
        try:
            booked = self._writes.book(meeting)
        except OutcomeUnknownError:
            raise  # it may exist: the record stays PENDING until read back
        except WfmError as exc:  # proven never created (refused, or read back as absent)
            self._forget(meeting, maybe_sent=isinstance(exc, UnavailableError))
            raise
        return self._record_booked(meeting, booked)

    def _record_booked(self, meeting: Meeting, booked: BookedOneToOne) -> Meeting:
        done = meeting.model_copy(
            update={
                "status": MeetingStatus.BOOKED,
                "provider_activity_id": booked.id,
                "companions": booked.companions,
            }
        )
        try:
            self._ledger.put(done)
        except Exception as exc:
            self._undo(meeting, booked, exc)
        return done

    def _undo(self, meeting: Meeting, booked: BookedOneToOne, cause: Exception) -> NoReturn:
        """The ledger refused BOOKED: cancel the booking again so no orphan is left."""
        try:
            self._writes.cancel(booked)
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

    def _forget(self, meeting: Meeting, *, maybe_sent: bool = True) -> None:
        """Drop a booking refused by, or read back as absent from, the provider (record, key).

        When a booking may have been sent, a tombstone stays until the meeting ends: a booking
        still in flight when the read-back ran can land later, and `reconcile` then removes
        that copy as ours (core/meeting_sweep.py). Best effort: without it only that sweep
        is lost, so a failing tombstone write never keeps the booking pending.
        """
        if maybe_sent:
            with contextlib.suppress(WfmError):
                self._ledger.bury(meeting)
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


def _booking_pending(meeting: Meeting) -> bool:
    """PENDING without a cancel request: the provider may or may not hold it yet."""
    return meeting.status is MeetingStatus.PENDING and meeting.cancelled_at is None
