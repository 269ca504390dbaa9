"""Assembled's wire shapes (pydantic) and their conversion to the product's DTOs.

Unix seconds and id-keyed maps live here and nowhere else. Wire models ignore fields they do
not know (Assembled adds fields over time) but insist on the ones the product relies on; any
other shape becomes a ``ProviderResponseError`` naming the endpoint.

Activity ids: Assembled's ``id`` is what the bulk endpoint deletes, so it is the port's
``Activity.id``. Occurrences of a recurring activity share that ``id`` (their unique key is
``id_with_timestamps``); when one answer holds several occurrences of the same ``id``, each
gets its ``id_with_timestamps`` as port id instead, so ids stay unique. Deleting such an
occurrence key is refused (``NotSupportedError``): Assembled would delete the whole series.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, NotRequired, TypeVar

from pydantic import BaseModel, ConfigDict, StringConstraints
from typing_extensions import TypedDict

from wfm_bridge.plugins.vendor_http.answers import parse_answer
from wfm_bridge.ports.errors import InvalidInputError, ProviderResponseError
from wfm_bridge.ports.models import Activity, ActivityType, ProviderPerson, Team

# id_with_timestamps is "<id>-<start unix>-<end unix>"; a UUID never ends like this.
OCCURRENCE_KEY = re.compile(r"^(?P<id>.+)-(?P<start>\d{9,11})-(?P<end>\d{9,11})$")


class Wire(BaseModel):
    """Base of wire models: frozen, unknown fields ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class WirePerson(Wire):
    """A person as ``GET /v0/people`` sends it."""

    id: str
    agent_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    timezone: str | None = None
    teams: list[str] | None = None  # team ids
    deleted: bool = False
    staffable: bool | None = True


class PeoplePage(Wire):
    """One page of ``GET /v0/people``."""

    people: dict[str, WirePerson] | None = None
    total: int
    limit: int | None = None
    offset: int | None = None


class WireTeam(Wire):
    """A team as ``GET /v0/teams`` sends it (the shape is assumed: see the emulator)."""

    id: str
    name: str | None = None


class TeamsPage(Wire):
    """The answer of ``GET /v0/teams``: teams keyed by id, like every collection."""

    teams: dict[str, WireTeam] | None = None


class WireActivityType(Wire):
    """An activity type as ``GET /v0/activity_types`` sends it."""

    id: str
    name: str
    short_name: str | None = None
    productive: bool | None = None
    timeoff: bool | None = None
    background_color: str | None = None
    font_color: str | None = None


class ActivityTypesPage(Wire):
    """The answer of ``GET /v0/activity_types``."""

    activity_types: dict[str, WireActivityType] | None = None


NonEmpty = Annotated[str, StringConstraints(min_length=1)]


class WireActivity(TypedDict):
    """An activity as Assembled sends it (times in unix seconds).

    Activities are the bulk of every schedule (100k in a big one), so they are validated as
    typed dicts in pydantic-core, without a Python model object per activity.
    """

    id: NonEmpty
    agent_id: NonEmpty
    type_id: NonEmpty
    start_time: int
    end_time: int
    description: NotRequired[str | None]
    id_with_timestamps: NotRequired[str | None]


class ActivitiesPage(TypedDict):
    """The answer of ``GET /v0/activities`` (activity types are not requested)."""

    activities: NotRequired[dict[str, WireActivity] | None]


W = TypeVar("W")


def parse(model: type[W], content: bytes, endpoint: str) -> W:
    """Validate a JSON body; anything malformed is a ``ProviderResponseError`` naming it."""
    hint = "check the base URL and API version"
    return parse_answer(model, content, endpoint, vendor="Assembled", hint=hint)


# --- wire -> DTO ---------------------------------------------------------------------------


def to_person(wire: WirePerson) -> ProviderPerson:
    """A provider person; inactive when deleted or not staffable."""
    if not wire.id:
        raise ProviderResponseError("Assembled sent a person with an empty id; report it")
    return ProviderPerson(
        person_id=wire.id,
        agent_id=wire.agent_id or None,
        first_name=wire.first_name or "",
        last_name=wire.last_name or "",
        email=wire.email,
        active=not wire.deleted and wire.staffable is not False,
        timezone=wire.timezone,
        team_ids=[t for t in wire.teams or [] if t],
    )


def to_team(wire: WireTeam) -> Team:
    """A provider team (an unnamed one is shown by its id)."""
    if not wire.id:
        raise ProviderResponseError("Assembled sent a team with an empty id; report it")
    return Team(id=wire.id, name=(wire.name or "").strip() or wire.id)


def to_activity_type(wire: WireActivityType) -> ActivityType:
    """An activity type with its colours and attributes (Assembled says nothing about
    interruptible)."""
    if not wire.id:
        raise ProviderResponseError(
            f"Assembled sent activity type {wire.name[:80]!r} with an empty id; report it"
        )
    return ActivityType(
        id=wire.id,
        name=wire.name,
        short_name=wire.short_name,
        color=wire.background_color,
        font_color=wire.font_color,
        productive=wire.productive,
        time_off=wire.timeoff,
    )


def from_unix(seconds: int) -> datetime:
    """Unix seconds to an aware UTC datetime; ProviderResponseError outside years 1-9999."""
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise ProviderResponseError(
            "Assembled sent a time outside the years 1-9999; report it to Assembled"
        ) from exc


def to_unix(when: datetime, *, up: bool = False) -> int:
    """An aware datetime to unix seconds, rounded down (or up when ``up``)."""
    ts = when.timestamp()
    return math.ceil(ts) if up else math.floor(ts)


@dataclass(frozen=True)
class ClippedPage:
    """One answer's activities, clipped, with their occurrence keys and Assembled ids.

    Parallel lists rather than a tuple per activity: 100k small tuples holding models are
    objects the cyclic GC keeps walking while a big schedule is being built.
    """

    keys: list[str] = field(default_factory=list)  # occurrence keys (id_with_timestamps)
    wire_ids: list[str] = field(default_factory=list)  # Assembled ids
    activities: list[Activity] = field(default_factory=list)


def clip_page(
    page: ActivitiesPage,
    start: datetime,
    end: datetime,
    endpoint: str,
    agents: Container[str] | None = None,
    times: dict[int, datetime] | None = None,
) -> ClippedPage:
    """One answer's activities overlapping ``[start, end)``, clipped to it, as DTOs (only
    those of ``agents`` when given; every activity is checked all the same).

    Zero-length blocks are dropped (nothing to show); one ending before it starts is an error.
    The page was validated as ``ActivitiesPage`` (non-empty ids, integer times) and the clip
    keeps ``start < end`` with aware datetimes, so the DTOs are built unvalidated. ``times``
    memoises unix seconds -> datetime across answers: schedules repeat a few shift times
    thousands of times, and the shared datetimes also hash once for their users.
    """
    lo, hi = start.timestamp(), end.timestamp()
    if times is None:
        times = {}
    out = ClippedPage()
    keys, wire_ids, activities = out.keys, out.wire_ids, out.activities
    make = Activity.trusted
    for map_key, w in (page.get("activities") or {}).items():
        w_start, w_end = w["start_time"], w["end_time"]
        if w_end < w_start:
            raise ProviderResponseError(
                f"Assembled sent activity {w['id']!r} ending before it starts from {endpoint}; "
                "report it to Assembled"
            )
        if not (w_start < hi and w_end > lo) or w_end == w_start:
            continue
        clipped_start = start if w_start < lo else times.get(w_start) or _at(times, w_start)
        clipped_end = end if w_end > hi else times.get(w_end) or _at(times, w_end)
        wire_id, agent_id = w["id"], w["agent_id"]
        if agents is not None and agent_id not in agents:
            continue
        activities.append(
            make(
                wire_id,
                agent_id,
                w["type_id"],
                clipped_start,
                clipped_end,
                w.get("description") or "",
            )
        )
        # The map key is the occurrence key (id_with_timestamps) when the body omits it.
        keys.append(w.get("id_with_timestamps") or map_key or f"{wire_id}-{w_start}-{w_end}")
        wire_ids.append(wire_id)
    return out


def _at(times: dict[int, datetime], seconds: int) -> datetime:
    when = times[seconds] = from_unix(seconds)
    return when


def merge_clipped(pages: Iterable[ClippedPage]) -> list[Activity]:
    """Each occurrence once, the first answer's copy first (slices overlap at their edges);
    ids unique (see the top)."""
    seen: set[str] = set()
    keys: list[str] = []
    wire_ids: list[str] = []
    activities: list[Activity] = []
    for page in pages:
        for key, wire_id, activity in zip(page.keys, page.wire_ids, page.activities, strict=True):
            if key not in seen:
                seen.add(key)
                keys.append(key)
                wire_ids.append(wire_id)
                activities.append(activity)
    if len(set(wire_ids)) == len(wire_ids):  # no recurring activity: every id is unique
        return activities
    shared = Counter(wire_ids)
    return [
        activity.model_copy(update={"id": key}) if shared[wire_id] > 1 else activity
        for key, wire_id, activity in zip(keys, wire_ids, activities, strict=True)
    ]


def to_created(wire: WireActivity) -> Activity:
    """The activity Assembled answered a create with."""
    if wire["end_time"] <= wire["start_time"]:
        raise ProviderResponseError(
            f"Assembled answered a create with an empty activity {wire['id']!r}; report it"
        )
    return Activity(
        id=wire["id"],
        agent_id=wire["agent_id"],
        type_id=wire["type_id"],
        start=from_unix(wire["start_time"]),
        end=from_unix(wire["end_time"]),
        description=wire.get("description") or "",
    )


# --- DTO -> wire ---------------------------------------------------------------------------


def create_body(
    agent_id: str, type_id: str, start: datetime, end: datetime, description: str
) -> dict[str, object]:
    """Body of ``POST /v0/activities``: always ``allow_conflicts: true`` (never delete others)."""
    start_time, end_time = to_unix(start), to_unix(end)
    if end_time <= start_time:
        raise InvalidInputError("an activity must last at least one second")
    return {
        "agent_id": agent_id,
        "type_id": type_id,
        "start_time": start_time,
        "end_time": end_time,
        "description": description,
        "allow_conflicts": True,
    }


def delete_body(activity_id: str) -> dict[str, object]:
    """Body of ``POST /v0/activities/bulk`` deleting exactly one activity by id."""
    return {"activities": [{"action": "delete", "activity": {"id": activity_id}}]}
