"""Cancelling a 1:1 another installation of the tenant booked: found by its reference.

Every booking carries the meeting id as its reference (core/meeting_rules.py), so ownership
comes from the provider's own copy, not from which ledger recorded it. A meeting id missing
from this ledger is looked up in the provider: in the named agent's calendar (one day, or
the days around now), then, to catch the facilitator's copy, in every agent's calendar
over the booking's own time. What is found is adopted into this ledger as a BOOKED meeting
and cancelled through the usual intent-first path, so a failure leaves it pending here and
``reconcile`` finishes it. Nothing without the reference is ever found, so nothing else can
be cancelled this way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from wfm_bridge.core.day_grid import parse_zone
from wfm_bridge.core.ledger import MeetingLedger
from wfm_bridge.core.meeting_rules import EmailMapper, agent_for
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import UnknownIdError
from wfm_bridge.ports.models import BookedOneToOne, Companion, Meeting, MeetingStatus
from wfm_bridge.ports.one_to_one_calendar import OneToOneCalendar

REFERENCE = re.compile(r"^mtg-[A-Za-z0-9]{1,64}$")  # the shape of the product's meeting ids
# A reference inside an activity's text (however the vendor's plugin wrote it there)
_MENTIONED = re.compile(r"(?<![A-Za-z0-9-])mtg-[A-Za-z0-9]{1,64}(?![A-Za-z0-9])")
AROUND = (timedelta(days=1), timedelta(days=14))  # searched without --on: before, after now


class Adoption:
    """Finds a 1:1 of the tenant by its reference and records it here, ready to cancel."""

    def __init__(
        self,
        calendar: OneToOneCalendar,
        mapper: EmailMapper,
        ledger: MeetingLedger,
        clock: Clock,
        *,
        title: str,
        agents: Callable[[], Sequence[str]],
        zone_of: Callable[[str], str],
    ) -> None:
        self._calendar = calendar
        self._mapper = mapper
        self._ledger = ledger
        self._clock = clock
        self._title = title
        self._agents = agents
        self._zone_of = zone_of

    def adopt(self, reference: str, agent_email: str | None, on: date | None) -> Meeting:
        """The provider's booking of ``reference`` as a BOOKED meeting of this ledger.

        ``UnknownIdError`` saying what to give (the agent, the day) when it is not found.
        """
        name = self._calendar.name
        if agent_email is None or not agent_email.strip():
            raise UnknownIdError(
                f"no meeting {reference!r} in this installation's ledger of tenant "
                f"{self._ledger.tenant!r}. If another installation booked it, name its agent "
                f"so it can be found in {name} by its reference: `wfm meetings cancel "
                f"{reference} --agent EMAIL [--on YYYY-MM-DD]` (`wfm schedule` shows both); "
                "only meetings created by this product can be cancelled (see `wfm meetings "
                "list`)"
            )
        email = agent_email.strip()
        agent_id = agent_for(self._mapper, email, name, "cancel")
        start, end, where = self._window(email, on)
        mine = [
            b
            for b in self._calendar.find(reference, agent_id, start, end)
            if b.agent_id == agent_id
        ]
        if not mine:
            hint = "" if on else "; if it is on another day, give it with --on YYYY-MM-DD"
            raise UnknownIdError(
                f"no 1:1 carrying the reference {reference} in {email}'s {name} calendar "
                f"{where}{hint}; only 1:1s created by this product (marked with their "
                "reference) can be cancelled"
            )
        main = min(mine, key=lambda b: b.id)
        others = [a for a in dict.fromkeys(self._agents()) if a != agent_id]
        every = self._calendar.find(reference, agent_id, main.start, main.end, others)
        return self._meeting(reference, email, main, every)

    def _window(self, email: str, on: date | None) -> tuple[datetime, datetime, str]:
        if on is None:
            now = self._clock.now()
            before, after = AROUND
            days = (before + after).days
            return now - before, now + after, f"in the {days} days around today"
        zone = parse_zone(self._zone_of(email))
        start = datetime.combine(on, time(0), zone).astimezone(UTC)
        end = datetime.combine(on + timedelta(days=1), time(0), zone).astimezone(UTC)
        return start, end, f"on {on.isoformat()} ({zone.key})"

    def _meeting(
        self, reference: str, email: str, main: BookedOneToOne, every: list[BookedOneToOne]
    ) -> Meeting:
        """Every part found (the agent's first, each once) as one booked meeting."""
        parts = {c.id: c for c in main.companions}
        for found in every:
            for one in (Companion(id=found.id, agent_id=found.agent_id), *found.companions):
                if one.id != main.id:
                    parts.setdefault(one.id, one)
        coach = next((c.agent_id for c in parts.values() if c.agent_id != main.agent_id), None)
        return Meeting(
            id=reference,
            tenant=self._ledger.tenant,
            agent_email=email,
            agent_id=main.agent_id,
            start=main.start,
            end=main.end,
            title=self._title,
            facilitator_id=coach,
            provider_activity_id=main.id,
            companions=list(parts.values()),
            status=MeetingStatus.BOOKED,
            created_at=self._clock.now(),
        )


def is_reference(text: str) -> bool:
    """Whether ``text`` has the shape of a booking reference this product writes."""
    return REFERENCE.fullmatch(text) is not None


def reference_in(text: str) -> str | None:
    """The last booking reference ``text`` mentions (an activity's description), if any.

    Only a hint for a face (what a click may ask to cancel): ``Adoption.adopt`` still asks
    the provider, which alone recognises its own bookings.
    """
    found = _MENTIONED.findall(text)
    return found[-1] if found else None
