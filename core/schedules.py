"""ScheduleService: employees' schedules over 7..60 days, one entry per date.

Input is checked before any provider call. Employees are mapped (unmapped ones are listed with
the reason), then ONE ``activities`` stream covers every mapped agent over the whole range
(the provider adapter plans its own chunking; its batches are folded in as they arrive).
Blocks are shown in the viewer's zone, split at local midnight so each piece sits under the
date it covers. Nothing about activities is stored: only activity types and people are
cached (by the catalog and the mapper).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from wfm_bridge.core.activity_types import ActivityTypeCatalog
from wfm_bridge.core.day_grid import DayGrid, parse_zone
from wfm_bridge.core.mapping import EmployeeMapper
from wfm_bridge.core.people_index import normalise_email
from wfm_bridge.core.schedule_days import ScheduleDays
from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.models import (
    Employee,
    EmployeeSchedule,
    MappingStatus,
    ScheduleDay,
    ScheduleView,
    UnmappedEmployee,
)
from wfm_bridge.ports.schedule_source import ScheduleSource

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
    """Builds ``ScheduleView``s from the schedule source, the mapper and the activity catalog."""

    def __init__(
        self,
        provider: ScheduleSource,
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

        days_of = self._days_by_agent(sorted({a for _, a in mapped}), grid)
        schedules = [
            EmployeeSchedule(employee=employee, agent_id=agent_id, days=days_of[agent_id])
            for employee, agent_id in mapped
        ]
        return ScheduleView(
            start=start, days=days, timezone=tz.strip(), employees=schedules, unmapped=unmapped
        )

    def _days_by_agent(self, agent_ids: list[str], grid: DayGrid) -> dict[str, list[ScheduleDay]]:
        """Each agent's days (one per date of the grid), from one provider listing, built
        batch by batch as the answers arrive."""
        if not agent_ids:
            return {}
        window_start, window_end = grid.window
        days = ScheduleDays(agent_ids, grid, self._catalog, self._created_here)
        batches = self._provider.activities(agent_ids, window_start, window_end)
        try:
            for batch in batches:
                days.add(batch)
        finally:
            close = getattr(batches, "close", None)
            if close is not None:  # stop the provider's requests if we failed
                close()
        return days.days()
