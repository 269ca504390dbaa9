"""ScheduleService: employees' schedules over 7..60 days, one entry per date (DESIGN 1.2).

Input is checked before any provider call. Employees are mapped (unmapped ones are listed with
the reason), then ONE ``list_activities`` call covers every mapped agent over the whole range
(the provider adapter plans its own chunking). Blocks are shown in the viewer's zone, split at
local midnight so each piece sits under the date it covers. Nothing about activities is
stored: only activity types and people are cached (by the catalog and the mapper).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.activity_types import ActivityTypeCatalog
from core.day_grid import DayGrid, parse_zone
from core.mapping import EmployeeMapper
from core.people_index import normalise_email
from ports.bulk import gc_paused
from ports.errors import InvalidInputError
from ports.models import (
    Activity,
    ActivityType,
    Employee,
    EmployeeSchedule,
    MappingStatus,
    ScheduleDay,
    ScheduleView,
    TimeBlock,
    UnmappedEmployee,
)
from ports.provider import WfmProvider

MIN_DAYS, MAX_DAYS = 7, 60
RECOMMENDED = "7-14 days is recommended"


def check_range(start: object, days: object) -> None:
    """InvalidInputError unless ``start`` is a date and ``days`` is 7..60 inclusive."""
    if isinstance(days, bool) or not isinstance(days, int) or not MIN_DAYS <= days <= MAX_DAYS:
        raise InvalidInputError(
            f"the range must be {MIN_DAYS} to {MAX_DAYS} days ({RECOMMENDED}), got {days!r}"
        )
    if isinstance(start, datetime) or not isinstance(start, date):
        raise InvalidInputError(f"the start must be a date (YYYY-MM-DD), got {start!r}")
    if (date.max - start).days < days:
        raise InvalidInputError(f"the range starting {start.isoformat()} runs past year 9999")


def unique_emails(emails: Sequence[str] | str) -> list[str]:
    """Trimmed emails, first occurrence kept (case-insensitive); InvalidInputError if none."""
    items = [emails] if isinstance(emails, str) else list(emails)
    seen: set[str] = set()
    out: list[str] = []
    for email in items:
        key = normalise_email(email) if isinstance(email, str) else ""
        if not key:
            raise InvalidInputError(
                f"{email!r} is not an employee email; give e.g. ana@example.com"
            )
        if key not in seen:
            seen.add(key)
            out.append(email.strip())
    if not out:
        raise InvalidInputError("give at least one employee email")
    return out


class ScheduleService:
    """Builds ``ScheduleView``s from the provider, the mapper and the activity catalog."""

    def __init__(
        self,
        provider: WfmProvider,
        mapper: EmployeeMapper,
        catalog: ActivityTypeCatalog,
        created_here: Callable[[], set[str]] | None = None,
    ) -> None:
        self._provider = provider
        self._mapper = mapper
        self._catalog = catalog
        self._created_here = created_here

    def view(self, emails: Sequence[str], start: date, days: int, tz: str) -> ScheduleView:
        """Schedules of these employees for ``days`` dates from ``start`` in zone ``tz``."""
        zone = parse_zone(tz)
        check_range(start, days)
        wanted = unique_emails(emails)
        grid = DayGrid(start, days, zone)

        mapped: list[tuple[Employee, str]] = []
        unmapped: list[UnmappedEmployee] = []
        seen_hosts: set[str] = set()
        for email in wanted:
            mapping = self._mapper.map_email(email)
            if mapping.employee.host_id in seen_hosts:  # two emails, one employee
                continue
            seen_hosts.add(mapping.employee.host_id)
            if mapping.status is MappingStatus.MAPPED and mapping.person is not None:
                agent_id = mapping.person.agent_id
                assert agent_id is not None  # only agents map
                mapped.append((mapping.employee, agent_id))
            else:
                unmapped.append(
                    UnmappedEmployee(employee=mapping.employee, reason=mapping.reason or "")
                )

        with gc_paused():  # ~200k DTOs for a big view: see gc_paused
            days_of = self._days_by_agent(sorted({a for _, a in mapped}), grid)
            schedules = [
                EmployeeSchedule(employee=employee, agent_id=agent_id, days=days_of[agent_id])
                for employee, agent_id in mapped
            ]
            return ScheduleView(
                start=start, days=days, timezone=tz.strip(), employees=schedules, unmapped=unmapped
            )

    def _days_by_agent(self, agent_ids: list[str], grid: DayGrid) -> dict[str, list[ScheduleDay]]:
        """Each agent's days (one per date of the grid), from one provider call."""
        if not agent_ids:
            return {}
        window_start, window_end = grid.window
        wanted = set(agent_ids)
        activities = [
            a
            for a in self._provider.list_activities(agent_ids, window_start, window_end)
            if a.agent_id in wanted
        ]
        types = self._types_for(activities)
        ours = self._created_here() if (self._created_here and activities) else set()
        # Pieces stay plain tuples until sorted; each becomes one TimeBlock, built unvalidated
        # (``trusted``) from the Activity the port already validated: a 60-day view of 500
        # agents holds ~90k blocks, and validating each one cost more than fetching them all.
        pieces: dict[str, list[list[_Piece]]] = {
            agent: [[] for _ in grid.dates] for agent in agent_ids
        }
        seen: set[str] = set()
        for activity in activities:
            if activity.id in seen:  # an adapter must return each activity once; be sure
                continue
            seen.add(activity.id)
            days = pieces[activity.agent_id]
            for index, piece_start, piece_end in grid.split(activity.start, activity.end):
                days[index].append(
                    (piece_start, piece_end, activity.id, activity.type_id, activity.description)
                )
        blocks = _BlockMaker(types, ours, grid.zone)
        return {
            agent: [
                ScheduleDay.trusted(day, blocks.ordered(day_pieces))
                for day, day_pieces in zip(grid.dates, days, strict=True)
            ]
            for agent, days in pieces.items()
        }

    def _types_for(self, activities: list[Activity]) -> dict[str, ActivityType]:
        """Activity types by id; refreshed once when an activity uses a type not yet cached."""
        if not activities:
            return {}
        types = self._catalog.all()
        if any(a.type_id not in types for a in activities):
            self._catalog.refresh()  # a type created since the last daily refresh
            types = self._catalog.all()
        return types


# (piece start in UTC, piece end in UTC, activity id, type id, description). Pieces are
# ordered by instants in UTC: datetimes sharing one ZoneInfo compare by wall time, which
# misorders the repeated hour when clocks go back.
_Piece = tuple[datetime, datetime, str, str, str]


class _InZone(dict[datetime, datetime]):
    """UTC instants in the viewer's zone, each converted once: schedules reuse a few times
    (shifts start on the hour) across thousands of blocks."""

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__()
        self.zone = zone

    def __missing__(self, instant: datetime) -> datetime:
        local = self[instant] = instant.astimezone(self.zone)
        return local


class _BlockMaker:
    """Turns one date's pieces into its TimeBlocks, in order, in the viewer's zone."""

    def __init__(self, types: dict[str, ActivityType], ours: set[str], zone: ZoneInfo) -> None:
        self._types = types
        self._ours = ours
        self._local = _InZone(zone)
        self._labels: dict[str, tuple[str, str | None]] = {}

    def _label(self, type_id: str) -> tuple[str, str | None]:
        kind = self._types.get(type_id)
        label = (kind.name, kind.color) if kind else (f"Unknown activity ({type_id})", None)
        self._labels[type_id] = label
        return label

    def ordered(self, pieces: list[_Piece]) -> list[TimeBlock]:
        """The pieces as blocks sorted by (start, end, activity id)."""
        if len(pieces) > 1:
            # Whole tuples compare like (start, end, id): ids are unique, so nothing further
            # is ever compared.
            pieces.sort()
        local, labels, ours, make = self._local, self._labels, self._ours, TimeBlock.trusted
        out: list[TimeBlock] = []
        for start, end, activity_id, type_id, description in pieces:
            name, color = labels.get(type_id) or self._label(type_id)
            out.append(
                make(
                    local[start],
                    local[end],
                    name,
                    activity_id,
                    type_id,
                    color,
                    description,
                    activity_id in ours,
                )
            )
        return out
