"""ScheduleService: employees' schedules over 7..60 days, one entry per date (DESIGN 1.2).

Input is checked before any provider call. Employees are mapped (unmapped ones are listed with
the reason), then ONE ``list_activities`` call covers every mapped agent over the whole range
(the provider adapter plans its own chunking). Blocks are shown in the viewer's zone, split at
local midnight so each piece sits under the date it covers. Nothing about activities is
stored: only activity types and people are cached (by the catalog and the mapper).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from core.activity_types import ActivityTypeCatalog
from core.day_grid import DayGrid, parse_zone
from core.mapping import EmployeeMapper
from core.people_index import normalise_email
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

        buckets = self._blocks_by_agent(sorted({a for _, a in mapped}), grid)
        schedules = [
            EmployeeSchedule(
                employee=employee,
                agent_id=agent_id,
                days=[
                    ScheduleDay(date=day, blocks=_ordered(blocks))
                    for day, blocks in zip(
                        grid.dates, buckets.get(agent_id, [[] for _ in grid.dates]), strict=True
                    )
                ],
            )
            for employee, agent_id in mapped
        ]
        return ScheduleView(
            start=start, days=days, timezone=tz.strip(), employees=schedules, unmapped=unmapped
        )

    def _blocks_by_agent(
        self, agent_ids: list[str], grid: DayGrid
    ) -> dict[str, list[list[TimeBlock]]]:
        """Each agent's blocks per date index, from one provider call."""
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
        buckets: dict[str, list[list[TimeBlock]]] = {
            agent: [[] for _ in grid.dates] for agent in agent_ids
        }
        seen: set[str] = set()
        for activity in activities:
            if activity.id in seen:  # an adapter must return each activity once; be sure
                continue
            seen.add(activity.id)
            kind = types.get(activity.type_id)
            for index, piece_start, piece_end in grid.split(activity.start, activity.end):
                buckets[activity.agent_id][index].append(
                    _block(activity, kind, piece_start, piece_end, grid, activity.id in ours)
                )
        return buckets

    def _types_for(self, activities: list[Activity]) -> dict[str, ActivityType]:
        """Activity types by id; refreshed once when an activity uses a type not yet cached."""
        if not activities:
            return {}
        types = self._catalog.all()
        if any(a.type_id not in types for a in activities):
            self._catalog.refresh()  # a type created since the last daily refresh
            types = self._catalog.all()
        return types


def _block(
    activity: Activity,
    kind: ActivityType | None,
    start: datetime,
    end: datetime,
    grid: DayGrid,
    created_here: bool,
) -> TimeBlock:
    return TimeBlock(
        start=start.astimezone(grid.zone),
        end=end.astimezone(grid.zone),
        activity=kind.name if kind else f"Unknown activity ({activity.type_id})",
        activity_id=activity.id,
        activity_type_id=activity.type_id,
        color=kind.color if kind else None,
        description=activity.description,
        created_here=created_here,
    )


def _ordered(blocks: list[TimeBlock]) -> list[TimeBlock]:
    # Compare instants in UTC: datetimes sharing one ZoneInfo compare by wall time, which
    # misorders the repeated hour when clocks go back.
    return sorted(
        blocks, key=lambda b: (b.start.astimezone(UTC), b.end.astimezone(UTC), b.activity_id)
    )
