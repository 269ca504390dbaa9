"""Free slots: when could an agent take a 1:1 of a given length?

A slot lies wholly inside ``available`` time (core/availability.py) of the agent, and of the
facilitator when the facilitator maps to a provider person, counted in the agent's own time
zone (the days of the range, the step grid from each local midnight, the working hours that
stand in for shifts where a provider has none). It is never in the past. Slots are ranked by
least disruption: a clear stretch before one next to a break or one that leaves a sliver of
productive time, and spread across days. A day without a slot says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from wfm_bridge.core.activity_types import ActivityTypeCatalog
from wfm_bridge.core.availability import (
    Availability,
    Basis,
    Classifier,
    Interval,
    Timeline,
    intersect,
    timeline,
    working_hours,
)
from wfm_bridge.core.day_grid import is_agent_zone, parse_zone
from wfm_bridge.core.meeting_rules import EmailMapper, agent_for
from wfm_bridge.core.people_index import mapping_zone
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.models import Activity, MappingStatus
from wfm_bridge.ports.schedule_source import ScheduleSource, collect

MIN_DAYS, MAX_DAYS = 1, 14
SLIVER = timedelta(minutes=30)  # leftover productive time shorter than this is wasted


@dataclass(frozen=True)
class WorkingHours:
    """Daily working hours in the agent's zone, ``start < end`` on the same day."""

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


@dataclass(frozen=True)
class Slot:
    """A start time (agent's zone), its end, its rank (1 = best) and why it ranks there."""

    start: datetime
    end: datetime
    rank: int
    reason: str


@dataclass(frozen=True)
class SlotSearch:
    """The ranked slots of a search, the agent's zone, the basis, and days without a slot."""

    agent_email: str
    timezone: str
    basis: str
    slots: list[Slot]
    no_slot: dict[date, str] = field(default_factory=dict)
    staffing: str = "staffing impact not exposed by the provider"


class SlotFinder:
    """Finds start times for a 1:1 inside available time of the agent (and facilitator)."""

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
        classifier: Classifier | None = None,
        max_length: timedelta | None = None,
    ) -> None:
        if step <= timedelta(0):
            raise InvalidInputError("the slot step must be positive; set WFM_SLOT_STEP_MINUTES")
        self._provider = provider
        self._mapper = mapper
        self._catalog = catalog
        self._clock = clock
        self._hours = hours
        self._step = step
        self._classifier = classifier or Classifier(available_names=available)
        self._max_length = max_length if max_length is not None else hours.length

    def find(
        self,
        agent_email: str,
        first: date,
        days: int,
        minutes: int,
        tz: str,
        facilitator: str | None = None,
    ) -> list[datetime]:
        """Free start times in time order (shown in ``tz``), over ``days`` dates from
        ``first`` in the agent's zone (``tz`` when the agent's zone is unknown)."""
        where = parse_zone(tz)
        found = self.search(agent_email, first, days, minutes, tz, facilitator).slots
        return sorted(s.start.astimezone(where) for s in found)

    def zone_of(self, email: str, fallback: str) -> str:
        """The agent's own zone (provider person, else host employee), else ``fallback``."""
        return mapping_zone(self._mapper.map_email(email.strip()), fallback)

    def first_day(self, agent_email: str, tz: str) -> date:
        """The default first date of a search: today in the agent's own zone, the zone the
        search counts its days in (``tz`` when the agent's is unknown; ``agent``: UTC)."""
        zone = parse_zone(self.zone_of(agent_email, _unknown_zone(tz)))
        return self._clock.now().astimezone(zone).date()

    def search(
        self,
        agent_email: str,
        first: date,
        days: int,
        minutes: int,
        tz: str,
        facilitator: str | None = None,
    ) -> SlotSearch:
        """Ranked slots over ``days`` dates from ``first`` in the agent's own zone (``tz``,
        which may be ``agent``, when the agent's is unknown; ``agent`` then means UTC)."""
        unknown = _unknown_zone(tz)
        length = self._check(first, days, minutes)
        agent_id = agent_for(
            self._mapper, agent_email.strip(), self._provider.name, "find free slots"
        )
        zone = parse_zone(self.zone_of(agent_email, unknown))
        window = _window(first, days, zone, tz)
        types = self._catalog.all()
        basis = Basis(
            self._classifier.has_shifts(types.values()), (self._hours.start, self._hours.end)
        )
        people = [agent_id]
        coach = self._facilitator_id(facilitator)
        if coach is not None and coach != agent_id:
            people.append(coach)
        fetched = collect(
            self._provider.activities(
                people, window[0] - timedelta(days=1), window[1] + timedelta(days=1)
            )
        )
        fallback = None if basis.shifts else working_hours(first, days, zone, basis.hours)
        lines = {
            who: timeline(
                [a for a in fetched if a.agent_id == who], types, self._classifier, fallback
            )
            for who in people
        }
        free = lines[agent_id].available
        for who in people[1:]:
            free = intersect(free, lines[who].available)
        now = self._clock.now()
        starts = _grid(free, window, zone, length, self._step, max(now, window[0]))
        slots = _rank(starts, free, lines[agent_id], length, zone)
        days_with = {s.start.date() for s in slots}
        notes = {
            d: _why(d, zone, now, fetched, lines, agent_id, basis, length)
            for d in (first + timedelta(days=n) for n in range(days))
            if d not in days_with
        }
        described = basis.describe()
        if facilitator and facilitator.strip() and coach is None:
            described += (
                f"; the facilitator {facilitator.strip()} has no schedule in "
                f"{self._provider.name}, so only the agent's time counts"
            )
        return SlotSearch(agent_email.strip(), zone.key, described, slots, notes)

    def _facilitator_id(self, facilitator: str | None) -> str | None:
        if not facilitator or not facilitator.strip():
            return None
        mapping = self._mapper.map_email(facilitator.strip())
        person = mapping.person
        if mapping.status is MappingStatus.MAPPED and person is not None and person.agent_id:
            return person.agent_id
        return None  # not a provider person: only the agent's time counts

    def _check(self, first: date, days: int, minutes: int) -> timedelta:
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
        if (date.max - first).days <= days + 1 or first <= date.min + timedelta(days=2):
            raise InvalidInputError(
                f"the range starting {first.isoformat()} runs past the calendar's limits; "
                "give a date between years 1 and 9999"
            )
        length = timedelta(minutes=min(minutes, 10**6))  # 10**30 would overflow; both too long
        if length > self._max_length:
            raise InvalidInputError(
                f"a {minutes}-minute meeting does not fit: the longest 1:1 is "
                f"{int(self._max_length.total_seconds() // 60)} minutes (WFM_MAX_MEETING_MINUTES)"
            )
        return length


def _unknown_zone(tz: str) -> str:
    """The zone counted in for an agent whose own zone nobody knows: ``tz`` (``agent``: UTC)."""
    return "UTC" if is_agent_zone(tz) else parse_zone(tz).key


def _window(first: date, days: int, zone: ZoneInfo, tz: str) -> Interval:
    try:
        start = datetime.combine(first, time(0), zone).astimezone(UTC)
        end = datetime.combine(first + timedelta(days=days), time(0), zone).astimezone(UTC)
    except OverflowError:  # year 1 or 9999 seen from a zone on the other side of UTC
        raise InvalidInputError(
            f"{days} days from {first.isoformat()} in {tz} run past the calendar's limits "
            "(years 1-9999 in UTC); pick dates closer to today"
        ) from None
    return start, end


def _grid(
    free: list[Interval],
    window: Interval,
    zone: ZoneInfo,
    length: timedelta,
    step: timedelta,
    earliest: datetime,
) -> list[datetime]:
    """Grid times (step counted from the local midnight) where ``length`` fits in ``free``."""
    out: list[datetime] = []
    for a, b in free:
        low = max(a, earliest)
        local = low.astimezone(zone)
        midnight = datetime.combine(local.date(), time(0), zone).astimezone(UTC)
        n = -((midnight - low) // step)  # ceil
        slot = midnight + n * step
        while slot + length <= b and slot < window[1]:
            if slot >= window[0]:
                out.append(slot)
            slot += step
    return out


def _rank(
    starts: list[datetime], free: list[Interval], line: Timeline, length: timedelta, zone: ZoneInfo
) -> list[Slot]:
    scored: list[tuple[int, datetime, str]] = []
    breaks = [(s, e) for s, e, st, _ in line.blocked if st is Availability.BREAK]
    for start in starts:
        end = start + length
        a, b = next(iv for iv in free if iv[0] <= start and end <= iv[1])
        notes = []
        if any(e == start or s == end for s, e in breaks):
            notes.append("next to a break")
        for left in (start - a, b - end):
            if timedelta(0) < left < SLIVER:
                notes.append(f"leaves a {int(left.total_seconds() // 60)}-minute stretch")
        scored.append((len(notes), start, "; ".join(notes) or "clear stretch of available time"))
    nth: dict[tuple[int, date], int] = {}
    keyed = []
    for disruptions, start, why in scored:
        day = start.astimezone(zone).date()
        n = nth.get((disruptions, day), 0)
        nth[(disruptions, day)] = n + 1
        keyed.append(((disruptions, n, start), start, why, n))
    keyed.sort(key=lambda k: k[0])
    out = []
    for rank, (_key, start, why, n) in enumerate(keyed, 1):
        spread = "first slot of its day" if n == 0 else f"slot {n + 1} of its day"
        out.append(
            Slot(
                start.astimezone(zone), (start + length).astimezone(zone), rank, f"{why}; {spread}"
            )
        )
    return out


def _why(
    day: date,
    zone: ZoneInfo,
    now: datetime,
    fetched: list[Activity],
    lines: dict[str, Timeline],
    agent_id: str,
    basis: Basis,
    length: timedelta,
) -> str:
    start = datetime.combine(day, time(0), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    if end <= now:
        return "in the past"
    mine = lines[agent_id]
    here = [a for a in fetched if a.agent_id == agent_id and a.start < end and start < a.end]
    states = {s for a0, b0, s, _ in mine.blocked if a0 < end and start < b0}
    free = [(max(a, start), min(b, end)) for a, b in mine.available if a < end and start < b]
    if basis.shifts and not here:
        return "off duty"
    if not free and states == {Availability.TIME_OFF}:
        return "time off"
    if not free:
        return "fully busy" if basis.shifts else "fully busy within working hours"
    if all(b - a < length for a, b in free):
        return f"no available stretch of {int(length.total_seconds() // 60)} minutes"
    if len(lines) > 1:
        return "the facilitator is not available at the same time"
    return "the available time has passed"
