"""Availability: what each moment of an agent's day is, the same for every vendor.

Each activity type is classified once (``Classifier``): a tenant override by type name wins,
then what the vendor says (time off; a break or lunch by name; interruptible; productive);
anything else, unknown types included, is ``busy``: booking over something we cannot name
is worse than offering one slot fewer. A moment covered by no activity is off duty, except
for a provider with no notion of shifts (no type classifies as ``available``): there the
agent's working hours, in the agent's own zone, stand in for the shift (``Basis``).

Where activities overlap (a vendor that lays a break over the shift), the strongest state
wins: time off, then break, then busy, then available.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.models import Activity, ActivityType, Availability

__all__ = [  # Availability lives in ports (schedule blocks carry it); core re-exports it
    "Availability", "Basis", "Classifier", "Interval", "Timeline", "intersect", "merge",
    "parse_overrides", "state_at", "subtract", "timeline", "working_hours",
]


_STRENGTH = {
    Availability.TIME_OFF: 3,
    Availability.BREAK: 2,
    Availability.BUSY: 1,
    Availability.AVAILABLE: 0,
}
_BREAK_WORDS = ("break", "lunch")
Interval = tuple[datetime, datetime]


def parse_overrides(text: str) -> dict[str, Availability]:
    """``"Open Time=available, Coaching=busy"`` to {name (casefolded): state}."""
    found: dict[str, Availability] = {}
    states = ", ".join(s.value for s in Availability if s is not Availability.OFF_DUTY)
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, state = part.rpartition("=")
        try:
            value = Availability(state.strip().lower())
        except ValueError:
            value = None
        if not sep or not name.strip() or value is None or value is Availability.OFF_DUTY:
            raise InvalidInputError(
                f"availability override {part!r} is not NAME=STATE with STATE one of "
                f'{states}; set e.g. WFM_AVAILABILITY="Open Time=available,Coaching=busy"'
            )
        found[name.strip().casefold()] = value
    return found


class Classifier:
    """Activity type -> availability (tenant overrides by type name first)."""

    def __init__(
        self,
        overrides: Mapping[str, Availability] | None = None,
        available_names: Iterable[str] = (),
    ) -> None:
        self._overrides = {k.strip().casefold(): v for k, v in (overrides or {}).items()}
        for name in available_names:
            if name.strip():
                self._overrides.setdefault(name.strip().casefold(), Availability.AVAILABLE)

    def classify(self, kind: ActivityType | None) -> Availability:
        """The availability of time spent in an activity of this type."""
        if kind is None:
            return Availability.BUSY
        override = self._overrides.get(kind.name.strip().casefold())
        if override is not None:
            return override
        if kind.time_off:
            return Availability.TIME_OFF
        lowered = kind.name.casefold()
        if any(word in lowered for word in _BREAK_WORDS):
            return Availability.BREAK
        if kind.interruptible is not None:
            return Availability.AVAILABLE if kind.interruptible else Availability.BUSY
        return Availability.AVAILABLE if kind.productive else Availability.BUSY

    def has_shifts(self, types: Iterable[ActivityType]) -> bool:
        """Whether any type is available time (else working hours stand in for shifts)."""
        return any(self.classify(t) is Availability.AVAILABLE for t in types)


@dataclass(frozen=True)
class Basis:
    """Where available time comes from: shifts, or working hours in the agent's zone."""

    shifts: bool
    hours: tuple[time, time] = (time(9), time(17))

    def describe(self) -> str:
        """One line for output."""
        if self.shifts:
            return "shifts"
        start, end = self.hours
        return (
            f"working hours {start:%H:%M}-{end:%H:%M} in the agent's zone (the provider "
            "has no shifts)"
        )


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, merged (touching intervals join)."""
    out: list[Interval] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def subtract(base: list[Interval], cut: list[Interval]) -> list[Interval]:
    """``base`` minus ``cut`` (both merged)."""
    out: list[Interval] = []
    j = 0
    for a, b in base:
        start = a
        while j < len(cut) and cut[j][1] <= start:
            j += 1
        k = j
        while k < len(cut) and cut[k][0] < b:
            if cut[k][0] > start:
                out.append((start, cut[k][0]))
            start = max(start, cut[k][1])
            k += 1
        if start < b:
            out.append((start, b))
    return out


def intersect(left: list[Interval], right: list[Interval]) -> list[Interval]:
    """Where both merged lists hold."""
    out: list[Interval] = []
    i = j = 0
    while i < len(left) and j < len(right):
        a, b = max(left[i][0], right[j][0]), min(left[i][1], right[j][1])
        if a < b:
            out.append((a, b))
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return out


def working_hours(
    first: date, days: int, zone: ZoneInfo, hours: tuple[time, time]
) -> list[Interval]:
    """The working hours of ``days`` dates from ``first`` in ``zone``, in UTC."""
    out = []
    for n in range(days):
        day = first + timedelta(days=n)
        start = datetime.combine(day, hours[0], zone).astimezone(UTC)
        end = datetime.combine(day, hours[1], zone).astimezone(UTC)
        if start < end:
            out.append((start, end))
    return out


@dataclass(frozen=True)
class Timeline:
    """One agent's available time, and what covers the rest, over a window."""

    available: list[Interval]
    blocked: list[tuple[datetime, datetime, Availability, Activity]]  # non-available activities

    def collisions(self, start: datetime, end: datetime) -> list[tuple[Availability, Activity]]:
        """Non-available activities overlapping ``[start, end)``, by start."""
        return [(s, a) for a0, b0, s, a in self.blocked if a0 < end and start < b0]

    def covers(self, start: datetime, end: datetime) -> bool:
        """Whether ``[start, end)`` lies wholly inside available time."""
        return any(a <= start and end <= b for a, b in self.available)


def timeline(
    activities: Iterable[Activity],
    types: Mapping[str, ActivityType],
    classifier: Classifier,
    fallback: list[Interval] | None = None,
) -> Timeline:
    """Available = available activities (or ``fallback`` working hours) minus every other."""
    free: list[Interval] = []
    blocked: list[tuple[datetime, datetime, Availability, Activity]] = []
    for a in activities:
        state = classifier.classify(types.get(a.type_id))
        if state is Availability.AVAILABLE:
            free.append((a.start, a.end))
        else:
            blocked.append((a.start, a.end, state, a))
    blocked.sort(key=lambda x: (x[0], -_STRENGTH[x[2]]))
    base = merge(free) if fallback is None else merge(fallback)
    return Timeline(subtract(base, merge((s, e) for s, e, _, _ in blocked)), blocked)


def state_at(
    instant: datetime,
    activities: Iterable[Activity],
    types: Mapping[str, ActivityType],
    classifier: Classifier,
) -> Availability:
    """The state of one moment: the strongest covering activity's, else off duty."""
    states = [
        classifier.classify(types.get(a.type_id)) for a in activities if a.start <= instant < a.end
    ]
    if not states:
        return Availability.OFF_DUTY
    return max(states, key=lambda s: _STRENGTH[s])
