"""Genesys Cloud's wire shapes (pydantic): what the plugin reads and what it sends.

Read models ignore fields they do not know (Genesys adds fields over time) but insist on the
ones the plugin relies on; anything else becomes a ``ProviderResponseError`` naming the
endpoint. Sent models refuse unknown fields and dump with Genesys's camelCase names and
``...Z`` instants; the tests check every sent body deserialises into the SDK's request model.
Schedules are the bulk of every answer, so shifts and activities are typed dicts validated in
pydantic-core, without a Python object per activity.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, Literal, NotRequired, TypeVar

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    SecretStr,
    StringConstraints,
)
from pydantic.alias_generators import to_camel
from typing_extensions import TypedDict

from wfm_bridge.plugins.vendor_http.answers import parse_answer

MAX_METRIC_ITEMS = 100
NonEmpty = Annotated[str, StringConstraints(min_length=1)]


def instant(moment: datetime) -> str:
    """An aware datetime as Genesys writes it: ``2024-06-10T13:00:00.000Z``."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


Instant = Annotated[AwareDatetime, PlainSerializer(instant, return_type=str)]


class Wire(BaseModel):
    """Base of read models: frozen, camelCase on the wire, unknown fields ignored."""

    model_config = ConfigDict(
        frozen=True, extra="ignore", alias_generator=to_camel, populate_by_name=True
    )


class Sent(BaseModel):
    """Base of sent models: frozen, camelCase on the wire, unknown fields refused."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", alias_generator=to_camel, populate_by_name=True
    )

    def body(self) -> dict[str, Any]:
        """The JSON body: camelCase names, None fields left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


T = TypeVar("T")


class TokenAnswer(BaseModel):
    """``POST /oauth/token`` (OAuth's own snake_case names)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    access_token: SecretStr
    token_type: str
    expires_in: int = Field(gt=0)


class Page(Wire, Generic[T]):
    """One page of an entity listing."""

    entities: list[T] = Field(default_factory=list)
    page_size: int | None = None
    page_number: int | None = None
    total: int | None = None
    page_count: int | None = None
    next_uri: str | None = None


class Ref(Wire):
    """``{id, selfUri}`` references (users, business units, schedules)."""

    id: NonEmpty


class User(Wire):
    """A user of ``GET /api/v2/users``."""

    id: NonEmpty
    name: str = ""
    email: str | None = None
    state: Literal["active", "inactive", "deleted"]


class BusinessUnitItem(Wire):
    """An entry of ``GET .../businessunits``."""

    id: NonEmpty
    name: str = ""


class Listing(Wire, Generic[T]):
    """An unpaged ``{entities: [...]}`` answer."""

    entities: list[T] = Field(default_factory=list)


class CoachingSettings(Wire):
    """``settings.coaching``: the activity code appointments get in the schedule."""

    default_activity_code: Ref | None = None


class BusinessUnitSettings(Wire):
    """The settings of a business unit (``expand=settings``)."""

    time_zone: NonEmpty
    start_day_of_week: str | None = None
    coaching: CoachingSettings | None = None


class BusinessUnit(Wire):
    """``GET .../businessunits/{id}``."""

    id: NonEmpty
    name: str = ""
    settings: BusinessUnitSettings | None = None


class ActivityCodeStyle(Wire):
    """How an activity code is drawn."""

    background_color: str | None = None
    text_color_theme: str | None = None


class ActivityCode(Wire):
    """An activity code of ``GET .../businessunits/{id}/activitycodes``."""

    id: NonEmpty
    name: str = ""
    active: bool = True
    default_code: bool = False
    category: NonEmpty
    length_in_minutes: int | None = None
    counts_as_paid_time: bool | None = None
    counts_as_work_time: bool | None = None
    interruptible: bool | None = None
    agent_time_off_selectable: bool | None = None
    style: ActivityCodeStyle | None = None


class ManagementUnit(Wire):
    """A management unit of ``GET .../businessunits/{id}/managementunits``."""

    id: NonEmpty
    name: str = ""
    time_zone: str | None = None
    business_unit: Ref | None = None


class ScheduleActivity(TypedDict):
    """``BuAgentScheduleActivity`` (``startDate`` kept as its ISO text: schedules.py reads
    ~150k of them per 60-day view, and one ``fromisoformat`` beats a pydantic datetime)."""

    startDate: NonEmpty
    lengthMinutes: Annotated[int, Field(ge=0)]
    activityCodeId: NonEmpty
    description: NotRequired[str | None]
    paid: NotRequired[bool | None]
    externalActivityId: NotRequired[str | None]
    externalActivityType: NotRequired[str | None]


class ScheduleShift(TypedDict):
    """``BuAgentScheduleShift``."""

    id: NonEmpty
    startDate: AwareDatetime
    lengthMinutes: Annotated[int, Field(ge=0)]
    activities: NotRequired[list[ScheduleActivity] | None]


class TimeOffMarker(TypedDict):
    """``BuFullDayTimeOffMarker``: a day off, in the business unit's dates."""

    businessUnitDate: date
    lengthMinutes: Annotated[int, Field(ge=0)]
    activityCodeId: NonEmpty
    startOffsetMinutes: NotRequired[int | None]
    description: NotRequired[str | None]


class UserId(TypedDict):
    """``UserReference`` inside schedules."""

    id: NonEmpty


class AgentSchedule(TypedDict):
    """``BuAgentScheduleSearchResponse``: one agent's shifts."""

    user: UserId
    shifts: NotRequired[list[ScheduleShift] | None]
    fullDayTimeOffMarkers: NotRequired[list[TimeOffMarker] | None]


class AgentSchedules(TypedDict):
    """``BuAgentSchedulesSearchResponse``: the result of a schedule search."""

    agentSchedules: NotRequired[list[AgentSchedule] | None]
    businessUnitTimeZone: NotRequired[str | None]


class SearchAnswer(Wire):
    """``BuAsyncAgentSchedulesSearchResponse``: the result, a download, or an operation."""

    status: Literal["Processing", "Complete", "Canceled", "Error"]
    operation_id: str | None = None
    result: AgentSchedules | None = None
    download_url: str | None = None


class CoachingAppointment(Wire):
    """``CoachingAppointmentResponse``."""

    id: NonEmpty
    name: str = ""
    description: str = ""
    date_start: AwareDatetime
    length_in_minutes: int = Field(gt=0)
    status: str | None = None
    facilitator: Ref | None = None
    attendees: list[Ref] = Field(default_factory=list)
    wfm_schedule: Ref | None = None


class MetricDefinition(Wire):
    """``ExternalMetricDefinition``."""

    id: NonEmpty
    name: str = ""
    unit: str | None = None
    precision: int | None = None
    enabled: bool = True


class MetricProcessed(Wire):
    """One applied item of an external-metric write."""

    user_id: str | None = None
    metric_id: str
    date_occurred: date
    value: float | None = None
    total_value: float | None = None


class MetricUnprocessed(Wire):
    """One refused item of an external-metric write, with why."""

    user_id: str | None = None
    metric_id: str | None = None
    date_occurred: date | None = None
    message: str = ""
    code: str = ""


class MetricWriteAnswer(Wire):
    """``ExternalMetricDataWriteResponse``."""

    processed_entities: list[MetricProcessed] = Field(default_factory=list)
    unprocessed_entities: list[MetricUnprocessed] = Field(default_factory=list)


# --- sent ---------------------------------------------------------------------------------


class ScheduleSearch(Sent):
    """``BuSearchAgentSchedulesRequest``."""

    start_date: Instant
    end_date: Instant
    user_ids: list[NonEmpty] | None = None


class NewAppointment(Sent):
    """``CreateCoachingAppointmentRequest``."""

    name: NonEmpty
    description: str = ""
    date_start: Instant
    length_in_minutes: int = Field(gt=0, le=1440)
    facilitator_id: NonEmpty | None = None
    attendee_ids: list[NonEmpty] = Field(min_length=1)
    add_to_schedule: bool = True


class MetricItem(Sent):
    """``ExternalMetricDataItem``: one user's value of one metric on one day (``Total``:
    the day's value, written again = unchanged)."""

    user_id: NonEmpty
    metric_id: NonEmpty
    date_occurred: date
    value: float = Field(allow_inf_nan=False)
    count: int | None = Field(default=None, ge=0)
    type: Literal["Total", "Cumulative"] = "Total"


class MetricWrite(Sent):
    """``ExternalMetricDataWriteRequest``: at most 100 items."""

    items: list[MetricItem] = Field(min_length=1, max_length=MAX_METRIC_ITEMS)


# --- parsing ------------------------------------------------------------------------------

W = TypeVar("W")


def parse(model: type[W], content: bytes, endpoint: str) -> W:
    """Validate a JSON body; anything malformed is a ``ProviderResponseError`` naming it."""
    hint = "check the region or base URL"
    return parse_answer(model, content, endpoint, vendor="Genesys Cloud", hint=hint)
