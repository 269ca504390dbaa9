"""The rules a booking must pass before anything is written, and how a meeting is handed over.

The provider gets a ``OneToOne``: the title and description people see in the WFM system, and
the meeting id as the booking reference by which the provider recognises its booking again
(a read-back after an ambiguous failure, the sweep of stray copies). What the vendor requires
of its account to book at all (an activity type, a calendar...) is checked by its plugin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from wfm_bridge.ports.errors import InvalidInputError, UnmappableError
from wfm_bridge.ports.models import (
    BookedOneToOne,
    EmployeeMapping,
    MappingStatus,
    Meeting,
    OneToOne,
    ProviderPerson,
)

MAX_DESCRIPTION = 1000
MAX_KEY = 128
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


class EmailMapper(Protocol):
    """The part of the employee mapper that booking needs."""

    def map_email(self, email: str) -> EmployeeMapping:
        """The mapping outcome of the host employee with this email."""
        ...

    def person_for(self, email: str) -> ProviderPerson | None:
        """The provider person (agent or not) the employee with this email is, if any."""
        ...


def title_for(host_name: str) -> str:
    """The meeting title shown in the WFM system."""
    return f"One To One [Created via {host_name.strip() or 'evaluagent'}]"


def one_to_one(meeting: Meeting) -> OneToOne:
    """What the provider is asked to book for a ledger meeting (its id is the reference)."""
    return OneToOne(
        reference=meeting.id,
        agent_id=meeting.agent_id,
        facilitator_id=meeting.facilitator_person_id,
        facilitator_agent_id=meeting.facilitator_id,
        start=meeting.start,
        end=meeting.end,
        title=meeting.title,
        description=meeting.description,
    )


def recorded(meeting: Meeting) -> BookedOneToOne | None:
    """The booking the ledger records for ``meeting`` (None before the provider confirmed)."""
    if meeting.provider_activity_id is None:
        return None
    return BookedOneToOne(
        id=meeting.provider_activity_id,
        reference=meeting.id,
        agent_id=meeting.agent_id,
        start=meeting.start,
        end=meeting.end,
        companions=meeting.companions,
    )


def holders(meeting: Meeting) -> list[str]:
    """Every agent whose calendar holds the meeting: its agent, then the facilitator's."""
    return one_to_one(meeting).holders


def recorded_ids(meeting: Meeting) -> set[str]:
    """Every provider id the ledger records for a BOOKED meeting (none otherwise)."""
    booked = recorded(meeting)
    return set(booked.ids) if booked is not None else set()


def calendar_notes(meeting: Meeting) -> list[str]:
    """Whose calendars hold the meeting, when a facilitator is named (empty otherwise)."""
    who = meeting.facilitator
    if not who:
        return []
    if meeting.facilitator_id:
        return [f"in the calendars of the agent and of the facilitator {who}"]
    if meeting.facilitator_person_id:
        return [
            f"the facilitator {who} has no schedule of his own, so only the agent's calendar "
            "holds it (and only the agent's time was checked)"
        ]
    return [
        f"the facilitator {who} is not a person of the WFM system, so only the agent's "
        "calendar holds it (and only the agent's time was checked)"
    ]


def _email(value: str, what: str) -> str:
    email = value.strip()
    if not _EMAIL.match(email):
        raise InvalidInputError(
            f"{what} {value!r} is not an email address; give e.g. ana@example.com"
        )
    return email


@dataclass(frozen=True)
class BookingInput:
    """A validated booking request (everything except time-dependent and provider checks)."""

    agent_email: str
    start: datetime
    end: datetime
    description: str
    facilitator: str | None
    key: str | None

    @classmethod
    def parse(
        cls,
        agent_email: str,
        start: datetime,
        minutes: int,
        description: str,
        facilitator: str | None,
        key: str | None,
        max_length: timedelta,
    ) -> BookingInput:
        """Validate the caller's input; InvalidInputError says what to fix."""
        email = _email(agent_email, "agent")
        if start.tzinfo is None or start.utcoffset() is None:
            raise InvalidInputError(
                f"the start {start.isoformat()} has no time zone; give an offset, e.g. "
                "2025-06-03T14:00+02:00"
            )
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
            raise InvalidInputError(
                f"the length must be a positive number of minutes, not {minutes!r}"
            )
        length = timedelta(minutes=min(minutes, 10**6))  # 10**30 would overflow; both too long
        if length > max_length:
            raise InvalidInputError(
                f"a {minutes}-minute meeting is longer than the longest 1:1 allowed "
                f"({int(max_length.total_seconds() // 60)} minutes, WFM_MAX_MEETING_MINUTES); "
                "book a shorter one"
            )
        text = description.strip()
        if len(text) > MAX_DESCRIPTION:
            raise InvalidInputError(
                f"the description has {len(text)} characters; keep it to {MAX_DESCRIPTION}"
            )
        who = _email(facilitator, "facilitator") if facilitator and facilitator.strip() else None
        token = key.strip() if key is not None else None
        if key is not None and not (token and len(token) <= MAX_KEY and token.isprintable()):
            raise InvalidInputError(
                f"the idempotency key must be 1 to {MAX_KEY} printable characters"
            )
        try:
            end = start + length
            for instant in (start, end):  # every later step (ledger, provider) works in UTC
                instant.astimezone(UTC)
        except OverflowError:
            raise InvalidInputError(
                f"a {minutes}-minute meeting from {start.isoformat()} runs past the calendar's "
                "limits (years 1-9999 in UTC); pick a time closer to today"
            ) from None
        return cls(email, start, end, text, who, token)

    def same_slot(self, meeting: Meeting) -> bool:
        """Same agent, facilitator, start and length (an identical repeat, key or not)."""
        return (
            meeting.agent_email.lower() == self.agent_email.lower()
            and (meeting.facilitator or "").lower() == (self.facilitator or "").lower()
            and meeting.start == self.start
            and meeting.end == self.end
        )

    def same_booking(self, meeting: Meeting) -> bool:
        """Whether ``meeting`` is what this request asks for (a genuine retry)."""
        return (
            meeting.agent_email.lower() == self.agent_email.lower()
            and meeting.start == self.start
            and meeting.end == self.end
            and meeting.description == self.description
        )


def agent_for(mapper: EmailMapper, email: str, provider: str, action: str = "book") -> str:
    """The provider agent id of the employee with ``email``; NotFoundError says why not."""
    mapping = mapper.map_email(email)
    person = mapping.person
    if mapping.status is MappingStatus.MAPPED and person is not None and person.agent_id:
        return person.agent_id
    if mapping.status is MappingStatus.MAPPED:
        reason = f"the {provider} person has no agent id, so it has no schedule"
    else:
        reason = mapping.reason or f"no {provider} agent matches"
    raise UnmappableError(
        f"cannot {action} for {email}: not mapped to a {provider} agent: {reason} "
        f"(`wfm mapping explain {email}` shows each rule); nothing was created"
    )
