"""ScheduleService: employees' schedules over 7..60 days, one entry per date.

Input is checked before any provider call. Employees are mapped (unmapped ones are listed with
the reason), then ONE ``activities`` stream covers every mapped agent over the whole range
(the provider adapter plans its own chunking; its batches are folded in as they arrive).
Blocks are shown in the viewer's zone (or, for ``tz="agent"``, each employee's own: the
provider person's zone, else the host employee's, else UTC), split at local midnight so each
piece sits under the date it covers. Each block carries its availability by the tenant's
``Classifier``; the view says what available time comes from (shifts, or working hours where
the provider has no shifts). Nothing about activities is stored: only activity types and
people are cached (by the catalog and the mapper).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time

from wfm_bridge.core.activity_types import ActivityTypeCatalog
from wfm_bridge.core.availability import Basis, Classifier
from wfm_bridge.core.day_grid import DayGrid, is_agent_zone, parse_zone
from wfm_bridge.core.mapping import EmployeeMapper
from wfm_bridge.core.people_index import mapping_zone, normalise_email
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
AGENT_FALLBACK = "UTC"  # --tz agent, for an employee whose zone nobody knows


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
    """Builds ``ScheduleView``s from the schedule source, the mapper and the activity catalog;
    ``classifier`` and ``hours`` are the tenant's (the slot finder's and booking check's)."""

    def __init__(
        self,
        provider: ScheduleSource,
        mapper: EmployeeMapper,
        catalog: ActivityTypeCatalog,
        created_here: Callable[[], set[str]] | None = None,
        classifier: Classifier | None = None,
        hours: tuple[time, time] = (time(9), time(17)),
    ) -> None:
        self._provider = provider
        self._mapper = mapper
        self._catalog = catalog
        self._created_here = created_here
        self._classifier = classifier or Classifier()
        self._hours = hours

    def first_day(self, emails: Sequence[str], tz: str, now: datetime) -> date:
        """The default first date of a view at ``now``: today in ``tz``; with ``agent``, the
        earliest of the employees' todays in their own zones (one date starts every
        employee's days, and so each one's today is shown)."""
        if not is_agent_zone(tz):
            return now.astimezone(parse_zone(tz)).date()
        keys = {normalise_email(e) for e in emails} - {""}
        zones = {mapping_zone(self._mapper.map_email(k), AGENT_FALLBACK) for k in keys}
        return min(now.astimezone(parse_zone(z)).date() for z in zones or {AGENT_FALLBACK})

    def view(self, emails: Sequence[str], start: date, days: int, tz: str) -> ScheduleView:
        """Schedules of these employees for ``days`` dates from ``start`` in zone ``tz``
        (``"agent"``: each employee's dates and times in their own zone)."""
        per_agent = is_agent_zone(tz)
        zone = None if per_agent else parse_zone(tz)
        check_range(start, days)
        wanted = unique_emails(emails)
        viewer = None if zone is None else DayGrid(start, days, zone)  # checked before calls

        mapped: list[tuple[Employee, str, str]] = []  # employee, agent id, zone
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
                own = mapping_zone(mapping, AGENT_FALLBACK) if zone is None else zone.key
                mapped.append((mapping.employee, agent_id, own))
            else:
                unmapped.append(
                    UnmappedEmployee(employee=mapping.employee, reason=mapping.reason or "")
                )

        grids = _grids(mapped, start, days, viewer)
        days_of, basis = self._days_by_agent(grids)
        schedules = [
            EmployeeSchedule(
                employee=employee,
                agent_id=agent_id,
                days=days_of[agent_id],
                timezone=grids[agent_id].zone.key if per_agent else None,
            )
            for employee, agent_id, _ in mapped
        ]
        return ScheduleView(
            start=start,
            days=days,
            timezone="agent" if per_agent else tz.strip(),
            employees=schedules,
            unmapped=unmapped,
            basis=basis.describe(),
        )

    def _days_by_agent(
        self, grids: dict[str, DayGrid]
    ) -> tuple[dict[str, list[ScheduleDay]], Basis]:
        """Each agent's days (one per date of its grid), from one provider listing, built
        batch by batch as the answers arrive; and what available time comes from."""
        if not grids:
            return {}, Basis(True, self._hours)
        window_start = min(g.window[0] for g in grids.values())
        window_end = max(g.window[1] for g in grids.values())
        days = ScheduleDays(grids, self._catalog, self._created_here, self._classifier)
        batches = self._provider.activities(sorted(grids), window_start, window_end)
        try:
            for batch in batches:
                days.add(batch)
        finally:
            close = getattr(batches, "close", None)
            if close is not None:  # stop the provider's requests if we failed
                close()
        types = days.types if days.types is not None else self._catalog.all()
        return days.days(), Basis(self._classifier.has_shifts(types.values()), self._hours)


def _grids(
    mapped: list[tuple[Employee, str, str]], start: date, days: int, viewer: DayGrid | None
) -> dict[str, DayGrid]:
    """Each agent's grid: the viewer's, or one per own zone (an agent two employees map to
    gets the first one's)."""
    by_zone: dict[str, DayGrid] = {}
    grids: dict[str, DayGrid] = {}
    for _, agent_id, own in mapped:
        if agent_id not in grids:
            grid = viewer or by_zone.get(own)
            if grid is None:
                grid = by_zone[own] = DayGrid(start, days, parse_zone(own))
            grids[agent_id] = grid
    return grids
