"""One-to-one meetings: book, cancel, list and reconcile, never destroying other activities.

The façade over ``core.booking`` and ``core.cancellation``. Every write records its intent
in the ledger (a PENDING meeting) before the provider call; PENDING therefore means "a
provider write is not confirmed yet": a booking when ``cancelled_at`` is None, else a cancel.
Only meetings this product created can be cancelled, each by cancelling exactly its booking
(every part: the agent's and the facilitator's); one another installation of the tenant
booked is found in the provider by its reference (core/meeting_adopt.py); one another
installation cancelled is found gone by ``verify`` (core/meeting_verify.py).
Not offered, by design: modifying, bulk create/delete, shift sync.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NoReturn

from wfm_bridge.core.availability_check import AvailabilityCheck
from wfm_bridge.core.booking import Booking
from wfm_bridge.core.cancellation import Cancellation
from wfm_bridge.core.ledger import MeetingLedger
from wfm_bridge.core.meeting_adopt import Adoption, is_reference
from wfm_bridge.core.meeting_rules import EmailMapper, title_for
from wfm_bridge.core.meeting_sweep import StraySweep
from wfm_bridge.core.meeting_verify import Presence, Verification
from wfm_bridge.core.meeting_writes import CalendarWrites
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import BusyError, InvalidInputError, NotSupportedError, UnknownIdError
from wfm_bridge.ports.models import Meeting, MeetingStatus
from wfm_bridge.ports.one_to_one_calendar import OneToOneCalendar

NOT_SUPPORTED: dict[str, str] = {
    "modify": (
        "modifying a meeting is not supported by design; cancel it (`wfm meetings cancel ID`) "
        "and book a new one"
    ),
    "bulk-create": (
        "bulk-creating meetings is not supported by design; book them one at a time with "
        "`wfm meetings book`"
    ),
    "bulk-delete": (
        "bulk-deleting is not supported by design (a window delete would also trim other "
        "activities); cancel meetings one at a time with `wfm meetings cancel ID`"
    ),
    "sync-shifts": (
        "syncing shifts is not supported by design; manage shifts in the WFM system itself"
    ),
}


def _new_meeting_id() -> str:
    return f"mtg-{uuid.uuid4().hex[:16]}"



@dataclass(frozen=True)
class Reconciliation:
    """What one ``reconcile`` did: the meetings it settled as BOOKED or CANCELLED, and the
    booking ids of the stray copies it removed."""

    settled: list[Meeting]
    swept: list[str]

class MeetingService:
    """Book, cancel, list and reconcile one tenant's one-to-ones in one WFM provider."""

    def __init__(
        self,
        calendar: OneToOneCalendar,
        mapper: EmailMapper,
        ledger: MeetingLedger,
        clock: Clock,
        *,
        host_name: str = "evaluagent",
        max_length: timedelta = timedelta(hours=2),
        new_id: Callable[[], str] = _new_meeting_id,
        attempts: int = 2,
        check: AvailabilityCheck | None = None,
        zone_of: Callable[[str], str] | None = None,
        agents: Callable[[], Sequence[str]] = lambda: (),
    ) -> None:
        self._provider = calendar
        self._ledger = ledger
        writes = CalendarWrites(calendar, attempts)
        self._adoption = Adoption(
            calendar,
            mapper,
            ledger,
            clock,
            title=title_for(host_name),
            agents=agents,
            zone_of=zone_of or (lambda email: "UTC"),
        )
        self._booking = Booking(
            calendar,
            mapper,
            ledger,
            clock,
            writes,
            title=title_for(host_name),
            max_length=max_length,
            new_id=new_id,
            check=check,
            zone_of=zone_of,
        )
        self._cancellation = Cancellation(calendar.name, ledger, clock, writes)
        self._sweep = StraySweep(ledger, writes, clock)
        self._verification = Verification(writes)

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
        """Book a 1:1; a retry with the same ``key`` (or an identical repeat while the first
        is live) returns the first booking, never a second. Outside available time refused
        unless ``force`` (booked "off schedule", still never deleting or trimming).

        Refused, with nothing created, when the input is invalid or in the past, the agent
        does not map, or the calendar refuses it (e.g. the account lacks what the vendor
        needs for 1:1s: its plugin's error says what).
        """
        return self._booking.book(agent_email, start, minutes, description, facilitator, key, force)

    # --- cancel, list, reconcile ---------------------------------------------------------

    def cancel(
        self, meeting_id: str, agent_email: str | None = None, on: date | None = None
    ) -> Meeting:
        """Cancel a meeting this product created: cancel exactly its booking (every part).

        A meeting id this ledger lacks (another installation of the tenant booked it) is
        looked up in the provider by its reference, in ``agent_email``'s calendar (on ``on``,
        or the days around today), and cancelled with every part found (core/meeting_adopt);
        without ``agent_email`` the refusal says to give it. Anything not carrying the
        reference is refused; cancelling twice makes no second provider call.
        """
        try:
            meeting = self._known(meeting_id)
        except UnknownIdError:
            clean = meeting_id.strip()
            if not is_reference(clean) or self._ledger.by_activity_id(clean) is not None:
                raise
            meeting = self._adoption.adopt(clean, agent_email, on)
            with self._ledger.lock(meeting.id):
                if self._ledger.get(meeting.id) is None:
                    self._ledger.put(meeting)  # recorded first: a failure stays pending here
        if meeting.status is MeetingStatus.CANCELLED:
            return meeting
        with self._ledger.lock(meeting.id):
            return self._cancellation.cancel(self._ledger.get(meeting.id) or meeting)

    def _known(self, meeting_id: str) -> Meeting:
        meeting_id = meeting_id.strip()
        if not meeting_id:
            raise InvalidInputError("give the id of a meeting (see `wfm meetings list`)")
        meeting = self._ledger.get(meeting_id)
        if meeting is not None:
            return meeting
        owner = self._ledger.by_activity_id(meeting_id)
        if owner is not None:
            raise UnknownIdError(
                f"{meeting_id} is the {self._provider.name} activity of meeting {owner.id}; "
                f"cancel it by meeting id: `wfm meetings cancel {owner.id}`"
            )
        raise UnknownIdError(
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

    def listed(
        self, status: MeetingStatus | None = None, verify: bool = False
    ) -> list[tuple[Meeting, Presence | None]]:
        """``list_meetings``, each with its presence in the provider when ``verify``
        (None otherwise, and for meetings not checked)."""
        meetings = self.list_meetings(status)
        return self.verify(meetings) if verify else [(m, None) for m in meetings]

    def verify(self, meetings: Sequence[Meeting]) -> list[tuple[Meeting, Presence | None]]:
        """Check each BOOKED meeting against the provider (core/meeting_verify.py), reading
        only: each is returned as recorded, with its presence (None: not BOOKED, not checked).
        One ``gone`` stays BOOKED until ``cancel`` settles it."""
        return self._verification.check(meetings)

    def reconcile(self) -> Reconciliation:
        """Settle PENDING meetings: finish requested cancels, read bookings back (BOOKED if
        found, forgotten if not). Meetings another process is writing right now are skipped.
        Then remove stray copies a late-landing write left of meetings that have not ended
        (core/meeting_sweep.py). Returns what this call settled and swept (its own figures,
        whatever runs alongside it)."""
        settled = self._settle_pending()
        return Reconciliation(settled, self._sweep.run())

    def _settle_pending(self) -> list[Meeting]:
        settled: list[Meeting] = []
        for pending in self.list_meetings(MeetingStatus.PENDING):
            try:
                with self._ledger.lock(pending.id):
                    done = self._settle(pending.id)
            except BusyError:
                continue  # in progress elsewhere: that process settles it
            if done is not None:
                settled.append(done)
        return settled

    def _settle(self, meeting_id: str) -> Meeting | None:
        current = self._ledger.get(meeting_id)
        if current is None or current.status is not MeetingStatus.PENDING:
            return None
        if current.cancelled_at is not None:
            return self._cancellation.cancel(current)
        return self._booking.settle(current)

    # --- not offered, by design ------------------------------------------------------------

    def modify(self, meeting_id: str) -> NoReturn:
        """Not supported: cancel and book again instead."""
        raise NotSupportedError(NOT_SUPPORTED["modify"])

    def bulk_create(self) -> NoReturn:
        """Not supported: book meetings one at a time."""
        raise NotSupportedError(NOT_SUPPORTED["bulk-create"])

    def bulk_delete(self) -> NoReturn:
        """Not supported: cancel meetings one at a time, by id."""
        raise NotSupportedError(NOT_SUPPORTED["bulk-delete"])

    def sync_shifts(self) -> NoReturn:
        """Not supported: shifts are managed in the WFM system."""
        raise NotSupportedError(NOT_SUPPORTED["sync-shifts"])
