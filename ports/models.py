"""DTOs that cross the ports: frozen pydantic v2 models, timezone-aware datetimes.

Provider-side objects (``ProviderPerson``, ``ActivityType``, ``Activity``) are vendor-neutral:
wire details such as unix seconds or id-keyed maps stay inside each provider plugin. The
schedule view's output types are the exception: slotted frozen dataclasses (``ReadModel``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from wfm_bridge.ports.bulk import construct
from wfm_bridge.ports.read_models import ReadModel


class Dto(BaseModel):
    """Base for every DTO: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --- host side ---------------------------------------------------------------------------


class Employee(Dto):
    """A host-side identity (an agent in the QA platform)."""

    host_id: str = Field(min_length=1)
    name: str = ""
    email: str | None = None
    agent_id: str | None = None  # the agent id the host knows for the provider, if any
    timezone: str | None = None


class QaScore(Dto):
    """A QA evaluation score recorded by the host; ``updated_at`` grows on re-scoring."""

    evaluation_id: str = Field(min_length=1)
    agent_email: str = Field(min_length=1)
    score: float = Field(allow_inf_nan=False)  # NaN/inf have no JSON form to send
    max_score: float = Field(gt=0, allow_inf_nan=False)
    scorecard: str = ""
    evaluated_at: AwareDatetime
    updated_at: AwareDatetime


# --- provider side -----------------------------------------------------------------------


class ProviderPerson(Dto):
    """A person in the WFM provider. Only people with an ``agent_id`` have schedules."""

    person_id: str = Field(min_length=1)
    agent_id: str | None = None
    first_name: str = ""
    last_name: str = ""
    email: str | None = None
    active: bool = True
    timezone: str | None = None

    @property
    def name(self) -> str:
        """Display name: first and last name joined."""
        return " ".join(p for p in (self.first_name.strip(), self.last_name.strip()) if p)


class ActivityType(Dto):
    """A kind of activity (Shift, Break, Lunch, Training...) and what the vendor says about it.

    ``productive``, ``time_off`` and ``interruptible`` are None where the vendor says nothing.
    """

    id: str = Field(min_length=1)
    name: str
    short_name: str | None = None
    color: str | None = None  # background colour, e.g. "#4a90d9"
    font_color: str | None = None
    productive: bool | None = None
    time_off: bool | None = None
    interruptible: bool | None = None  # may a 1:1 replace time of this type


class Activity(Dto):
    """One scheduled time block of one agent, ``start < end``."""

    id: str = Field(min_length=1)  # the id that deletes this one activity
    agent_id: str = Field(min_length=1)
    type_id: str = Field(min_length=1)
    start: AwareDatetime
    end: AwareDatetime
    description: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Activity:
        if self.end <= self.start:
            raise ValueError("activity end must be after its start")
        return self

    @classmethod
    def trusted(
        cls,
        id: str,
        agent_id: str,
        type_id: str,
        start: datetime,
        end: datetime,
        description: str,
    ) -> Self:
        """Unvalidated, for adapters' hot paths: ids non-empty, ``start < end`` aware, checked."""
        return construct(
            cls,
            {
                "id": id,
                "agent_id": agent_id,
                "type_id": type_id,
                "start": start,
                "end": end,
                "description": description,
            },
        )


class ActivityBatch(Dto):
    """Part of a listing (``ScheduleSource.activities``): activities to add, and ids handed
    over in earlier batches that no longer stand (those activities come again under new ids).
    """

    activities: list[Activity]
    withdrawn: list[str] = Field(default_factory=list)

    @classmethod
    def trusted(cls, activities: list[Activity], withdrawn: list[str]) -> Self:
        """Unvalidated, for adapters (activities built by ``Activity.trusted``)."""
        return construct(cls, {"activities": activities, "withdrawn": withdrawn})


class ScorePush(Dto):
    """A QA score as sent to the provider: upserted by ``evaluation_id``."""

    evaluation_id: str = Field(min_length=1)
    agent_id: str = Field(min_length=1)  # provider agent id
    score: float = Field(allow_inf_nan=False)
    max_score: float = Field(allow_inf_nan=False)
    scorecard: str = ""
    evaluated_at: AwareDatetime
    updated_at: AwareDatetime


# --- use case results --------------------------------------------------------------------


class MappingRule(StrEnum):
    """Which rule linked a host employee to a provider person."""

    AGENT_ID = "agent_id"
    EMAIL = "email"
    NAME = "name"


class MappingStatus(StrEnum):
    """Whether an employee is mapped."""

    MAPPED = "mapped"
    UNMAPPED = "unmapped"


class EmployeeMapping(Dto):
    """The mapping outcome of one host employee."""

    employee: Employee
    status: MappingStatus
    rule: MappingRule | None = None
    person: ProviderPerson | None = None
    reason: str | None = None  # why not mapped (inactive, ambiguous, no match...)


class RuleCheck(Dto):
    """One mapping rule's verdict for ``explain``."""

    rule: MappingRule
    matched: bool
    detail: str


class MappingExplanation(Dto):
    """Why an employee is (not) mapped: each rule's verdict and the cache's age."""

    employee: Employee
    outcome: EmployeeMapping
    checks: list[RuleCheck]
    cache_refreshed_at: AwareDatetime | None = None


# Output-only: what the schedule use case returns, never what it accepts. Slotted frozen
# dataclasses rather than pydantic models (a big view holds ~90k blocks): see read_models.


@dataclass(slots=True, frozen=True, init=False)
class TimeBlock(ReadModel):
    """One block in a schedule view, in the viewer's time zone."""

    start: AwareDatetime
    end: AwareDatetime
    activity: str
    activity_id: str
    activity_type_id: str
    color: str | None = None
    description: str = ""
    created_here: bool = False  # a meeting booked through this product

    def __init__(
        self,
        start: datetime,
        end: datetime,
        activity: str,
        activity_id: str,
        activity_type_id: str,
        color: str | None = None,
        description: str = "",
        created_here: bool = False,
    ) -> None:
        # What the frozen dataclass __init__ does, at half its cost (~0.7 us instead of 1.3:
        # it goes through object.__setattr__ per field); a big view builds ~90k blocks.
        _set_start(self, start)
        _set_end(self, end)
        _set_activity(self, activity)
        _set_activity_id(self, activity_id)
        _set_activity_type_id(self, activity_type_id)
        _set_color(self, color)
        _set_description(self, description)
        _set_created_here(self, created_here)


def _slot(name: str) -> Callable[[TimeBlock, object], None]:
    """The setter of one of TimeBlock's slots (on the class @dataclass(slots=True) made)."""
    setter: Callable[[TimeBlock, object], None] = TimeBlock.__dict__[name].__set__
    return setter


_set_start, _set_end, _set_activity = _slot("start"), _slot("end"), _slot("activity")
_set_activity_id, _set_activity_type_id = _slot("activity_id"), _slot("activity_type_id")
_set_color, _set_description = _slot("color"), _slot("description")
_set_created_here = _slot("created_here")


_Date = date  # the field below shadows the name inside the class


@dataclass(slots=True, frozen=True)
class ScheduleDay(ReadModel):
    """One calendar date (viewer's time zone) with its blocks in start order."""

    date: _Date
    blocks: list[TimeBlock]


@dataclass(slots=True, frozen=True)
class EmployeeSchedule(ReadModel):
    """One mapped employee's days: exactly one entry per date of the range."""

    employee: Employee
    agent_id: str
    days: list[ScheduleDay]


@dataclass(slots=True, frozen=True)
class UnmappedEmployee(ReadModel):
    """An employee whose schedule could not be shown, with the reason."""

    employee: Employee
    reason: str


@dataclass(slots=True, frozen=True)
class ScheduleView(ReadModel):
    """The answer to 'show me these employees' schedules'."""

    start: date
    days: int
    timezone: str
    employees: list[EmployeeSchedule]
    unmapped: list[UnmappedEmployee]


class OneToOne(Dto):
    """A one-to-one to book in the WFM system, carrying the product's booking reference.

    People are provider ids: the agent; the facilitator when he is a provider person
    (``facilitator_id``, his person id, the one a vendor names as an appointment's
    facilitator) and, when he has a schedule of his own, his agent id
    (``facilitator_agent_id``: his calendar then holds the 1:1 too); any other attendees.
    ``title`` and ``description`` are what people see in the WFM system; the vendor
    recognises its booking again by ``reference`` alone.
    """

    reference: str = Field(min_length=1)
    agent_id: str = Field(min_length=1)
    facilitator_id: str | None = None
    facilitator_agent_id: str | None = None
    attendee_ids: list[str] = Field(default_factory=list)
    start: AwareDatetime
    end: AwareDatetime
    title: str = Field(min_length=1)
    description: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> OneToOne:
        if self.end <= self.start:
            raise ValueError("a one-to-one must end after it starts")
        return self

    @property
    def holders(self) -> list[str]:
        """Every agent whose calendar holds the 1:1: the agent, then the facilitator."""
        extra = self.facilitator_agent_id
        return [self.agent_id] + ([extra] if extra and extra != self.agent_id else [])


class Companion(Dto):
    """Where a booked 1:1 sits in another calendar than the agent's (the facilitator's):
    that agent and the vendor's id that removes it there (the booking's own ``id`` where one
    appointment sits in every calendar)."""

    id: str = Field(min_length=1)
    agent_id: str = Field(min_length=1)


class BookedOneToOne(Dto):
    """A one-to-one as the WFM system holds it; ``id`` is the vendor's handle that cancels it
    in the agent's calendar (for an activity-based vendor, the agent's activity id the
    schedule view shows), ``companions`` where it sits in other calendars (the
    facilitator's), each removed with it.

    ``find`` answers with one entry per thing it finds: ``agent_id`` is then the calendar
    it was found in (the agent's, or one of the others asked about)."""

    id: str = Field(min_length=1)
    reference: str = Field(min_length=1)
    agent_id: str = Field(min_length=1)
    start: AwareDatetime
    end: AwareDatetime
    companions: list[Companion] = Field(default_factory=list)

    @property
    def holders(self) -> list[str]:
        """Every agent whose calendar holds this booking: its own, then its companions'."""
        return list(dict.fromkeys([self.agent_id, *(c.agent_id for c in self.companions)]))

    @property
    def ids(self) -> list[str]:
        """Every vendor id this booking holds (its own first), each once."""
        return list(dict.fromkeys([self.id, *(c.id for c in self.companions)]))


class MeetingStatus(StrEnum):
    """Lifecycle of a meeting created through this product."""

    PENDING = "pending"  # intent recorded, provider write not confirmed yet
    BOOKED = "booked"
    CANCELLED = "cancelled"


class Meeting(Dto):
    """A one-to-one created through this product, as kept in the meeting ledger."""

    id: str
    tenant: str
    agent_email: str
    agent_id: str
    start: AwareDatetime
    end: AwareDatetime
    title: str
    description: str = ""
    facilitator: str | None = None
    facilitator_id: str | None = None  # the facilitator's provider agent id, when he has one
    facilitator_person_id: str | None = None  # the facilitator's provider person id, if any
    provider_activity_id: str | None = None  # BookedOneToOne.id, once the provider confirmed
    companions: list[Companion] = Field(default_factory=list)  # BookedOneToOne.companions
    status: MeetingStatus
    idempotency_key: str | None = None
    created_at: AwareDatetime
    cancelled_at: datetime | None = None
