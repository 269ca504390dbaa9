"""Free slots: when could an agent take a 1:1 of a given length?

A slot starts on the step grid counted from the start of working hours (in the viewer's
zone), ends within working hours, is not in the past, and overlaps no activity of the agent
except those whose type is configured as available (e.g. "Open Time"). Unknown activity
types count as busy: suggesting a time on top of something we cannot name is worse than
suggesting one slot fewer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from wfm_bridge.core.activity_types import ActivityTypeCatalog
from wfm_bridge.core.day_grid import parse_zone
from wfm_bridge.core.meeting_rules import EmailMapper, agent_for
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.models import Activity, ActivityType
from wfm_bridge.ports.schedule_source import ScheduleSource, collect

MIN_DAYS, MAX_DAYS = 1, 14


@dataclass(frozen=True)
class WorkingHours:
    """Daily working hours in the viewer's zone, ``start < end`` on the same day."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidInputError(
                f"working hours {self} end before they start; overnight hours are not "
                "supported, set e.g. WFM_WORK_HOURS=09:00-17:00"
            )

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    @classmethod
    def parse(cls, text: str) -> WorkingHours:
        """``"09:00-17:00"`` to WorkingHours; InvalidInputError for anything else."""
        try:
            first, last = (time.fromisoformat(p.strip()) for p in text.split("-"))
        except ValueError as exc:
            raise InvalidInputError(
                f"working hours {text!r} are not HH:MM-HH:MM; set e.g. WFM_WORK_HOURS=09:00-17:00"
            ) from exc
        return cls(first, last)

    @property
    def length(self) -> timedelta:
        """How long a working day is."""
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)


def _busy(activities: Iterable[Activity]) -> list[tuple[datetime, datetime]]:
    """Busy intervals, sorted and merged."""
    merged: list[tuple[datetime, datetime]] = []
    for a in sorted(activities, key=lambda a: a.start):
        if merged and a.start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], a.end))
        else:
            merged.append((a.start, a.end))
    return merged


class SlotFinder:
    """Finds start times for a 1:1 where the agent has no conflicting activity."""

    def __init__(
        self,
        provider: ScheduleSource,
        mapper: EmailMapper,
        catalog: ActivityTypeCatalog,
        clock: Clock,
        *,
        hours: WorkingHours = WorkingHours(time(9), time(17)),
        step: timedelta = timedelta(minutes=15),
        available: Iterable[str] = (),
    ) -> None:
        if step <= timedelta(0):
            raise InvalidInputError("the slot step must be positive; set WFM_SLOT_STEP_MINUTES")
        self._provider = provider
        self._mapper = mapper
        self._catalog = catalog
        self._clock = clock
        self._hours = hours
        self._step = step
        self._available = {name.strip().casefold() for name in available if name.strip()}

    def find(
        self, agent_email: str, first: date, days: int, minutes: int, tz: str
    ) -> list[datetime]:
        """Sorted free start times (in ``tz``) over ``days`` dates from ``first``."""
        where = parse_zone(tz)
        if isinstance(days, bool) or not isinstance(days, int) or not MIN_DAYS <= days <= MAX_DAYS:
            raise InvalidInputError(
                f"the range must be {MIN_DAYS} to {MAX_DAYS} days, not {days!r}"
            )
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
            raise InvalidInputError(
                f"the length must be a positive number of minutes, not {minutes!r}"
            )
        if isinstance(first, datetime) or not isinstance(first, date):
            raise InvalidInputError(f"the first date must be a date (YYYY-MM-DD), got {first!r}")
        if (date.max - first).days <= days:
            raise InvalidInputError(f"the range starting {first.isoformat()} runs past year 9999")
        length = timedelta(minutes=min(minutes, 10**6))  # 10**30 would overflow; both too long
        if length > self._hours.length:
            raise InvalidInputError(
                f"a {minutes}-minute meeting does not fit in working hours {self._hours}"
            )
        agent_id = agent_for(
            self._mapper, agent_email.strip(), self._provider.name, "find free slots"
        )
        try:
            window_start = datetime.combine(first, time(0), where).astimezone(UTC)
            window_end = datetime.combine(first + timedelta(days=days), time(0), where)
            window_end.astimezone(UTC)
        except OverflowError:  # year 1 or 9999 seen from a zone on the other side of UTC
            raise InvalidInputError(
                f"{days} days from {first.isoformat()} in {tz} run past the calendar's limits "
                "(years 1-9999 in UTC); pick dates closer to today"
            ) from None
        activities = collect(self._provider.activities([agent_id], window_start, window_end))
        types = self._catalog.all()
        busy = _busy(a for a in activities if self._is_busy(types.get(a.type_id)))
        now = self._clock.now()
        found: list[datetime] = []
        for offset in range(days):
            day = first + timedelta(days=offset)
            found.extend(self._day(day, where, length, busy, now))
        return found

    def _is_busy(self, kind: ActivityType | None) -> bool:
        return kind is None or kind.name.strip().casefold() not in self._available

    def _day(
        self,
        day: date,
        where: ZoneInfo,
        length: timedelta,
        busy: list[tuple[datetime, datetime]],
        now: datetime,
    ) -> list[datetime]:
        # Step in UTC: wall-clock arithmetic would skew slots on a DST change day.
        start = datetime.combine(day, self._hours.start, where).astimezone(UTC)
        end = datetime.combine(day, self._hours.end, where).astimezone(UTC)
        slots: list[datetime] = []
        i = 0
        slot = start
        while slot + length <= end:
            while i < len(busy) and busy[i][1] <= slot:
                i += 1
            clash = i < len(busy) and busy[i][0] < slot + length
            if not clash and slot >= now:
                slots.append(slot.astimezone(where))
            slot += self._step
        return slots
