"""Where blocks go on a calendar: per date and employee, the time-of-day segments and tracks.

A block is drawn on every date of the range it touches (one crossing midnight appears as two
segments), whichever day of the view lists it; a block listed on several days is drawn once.
Positions are wall-clock minutes after local midnight in the lane's zone (0 to 1440): the
viewer's, or with ``--tz agent`` the employee's own. A 09:00 block sits at 9/24 of the row
even on daylight-saving days.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from wfm_bridge.host.render.palette import palette_colors, safe_color, text_color
from wfm_bridge.ports.models import Employee, EmployeeSchedule, ScheduleView, TimeBlock

DAY_MINUTES = 1440
MIN_WINDOW_HOURS = 6  # a narrower time axis would make short days look long
_MIN_MINUTES = 1.0  # a zero-length wall-clock span (DST fall-back) still gets drawn


@dataclass(frozen=True)
class Segment:
    """The part of one block that falls on one date, in minutes after local midnight."""

    block: TimeBlock
    start_min: float
    end_min: float
    continues_before: bool
    continues_after: bool
    track: int = 0


@dataclass(frozen=True)
class Window:
    """The hours of the day the calendar shows: whole hours covering every segment."""

    start_hour: int = 0
    end_hour: int = 24

    @property
    def hours(self) -> int:
        """How many hours wide the time axis is."""
        return self.end_hour - self.start_hour

    def percent(self, minutes: float) -> float:
        """Where ``minutes`` after midnight falls on the axis, 0 to 100."""
        return (minutes - self.start_hour * 60) / (self.hours * 60) * 100

    def ticks(self) -> list[int]:
        """The hours labelled on the axis: every hour up to 12 h wide, else every 3 h."""
        step = 1 if self.hours <= 12 else 3
        return [h for h in range(self.start_hour, self.end_hour + 1) if h % step == 0]


@dataclass
class Lane:
    """One employee on one date: the segments and how many stacked tracks they need."""

    employee: Employee
    date: date
    segments: list[Segment] = field(default_factory=list)
    tracks: int = 1
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))


@dataclass(frozen=True)
class Swatch:
    """A legend entry: one activity type, its colour and readable text colour."""

    type_id: str
    name: str
    color: str
    text: str


def range_dates(view: ScheduleView) -> list[date]:
    """Every date of the view's range, in order."""
    return [view.start + timedelta(days=i) for i in range(view.days)]


def _utc_span(block: TimeBlock) -> tuple[datetime, datetime]:
    return block.start.astimezone(UTC), block.end.astimezone(UTC)


def unique_blocks(schedule: EmployeeSchedule) -> list[TimeBlock]:
    """The employee's activities once each, in start order.

    A block listed on every day it touches counts once, and the per-day pieces of one
    activity (split at midnight by the use case) are joined back into one block.
    """
    seen: dict[tuple[str, datetime, datetime], TimeBlock] = {}
    for day in schedule.days:
        for block in day.blocks:
            seen.setdefault((block.activity_id, *_utc_span(block)), block)
    joined: list[TimeBlock] = []
    last_of: dict[str, int] = {}
    for block in sorted(seen.values(), key=lambda b: (b.activity_id, *_utc_span(b))):
        i = last_of.get(block.activity_id)
        if i is not None and _utc_span(joined[i])[1] == _utc_span(block)[0]:
            joined[i] = replace(joined[i], end=block.end)
            continue
        last_of[block.activity_id] = len(joined)
        joined.append(block)
    return sorted(joined, key=_utc_span)


def _wall_minutes(moment: datetime, zone: ZoneInfo) -> float:
    local = moment.astimezone(zone)
    return local.hour * 60 + local.minute + local.second / 60


def _segment(block: TimeBlock, day: date, zone: ZoneInfo) -> Segment | None:
    """The block's part on ``day``, or None when it does not touch that date."""
    day_start = datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
    day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    start, end = block.start.astimezone(UTC), block.end.astimezone(UTC)
    if end <= day_start or start >= day_end:
        return None
    before, after = start < day_start, end > day_end
    start_min = 0.0 if before else _wall_minutes(start, zone)
    end_min = float(DAY_MINUTES) if after else _wall_minutes(end, zone)
    if end == day_end:
        end_min = float(DAY_MINUTES)
    if end_min <= start_min:
        span = (min(end, day_end) - max(start, day_start)).total_seconds() / 60
        end_min = min(float(DAY_MINUTES), start_min + max(span, _MIN_MINUTES))
    return Segment(block, start_min, end_min, before, after)


def _stack(segments: list[Segment]) -> tuple[list[Segment], int]:
    """Give overlapping segments separate tracks (greedy interval colouring)."""
    ends: list[float] = []
    placed: list[Segment] = []
    for seg in sorted(segments, key=lambda s: (s.start_min, -s.end_min)):
        track = next((i for i, end in enumerate(ends) if end <= seg.start_min), len(ends))
        if track == len(ends):
            ends.append(seg.end_min)
        else:
            ends[track] = seg.end_min
        placed.append(
            Segment(
                seg.block,
                seg.start_min,
                seg.end_min,
                seg.continues_before,
                seg.continues_after,
                track,
            )
        )
    return placed, max(1, len(ends))


def lanes_by_date(view: ScheduleView) -> dict[date, list[Lane]]:
    """For each date of the range, one lane per employee (in the view's order), each in the
    employee's zone."""
    dates = range_dates(view)
    result: dict[date, list[Lane]] = {d: [] for d in dates}
    for schedule in view.employees:
        zone = ZoneInfo(view.zone_of(schedule))
        blocks = unique_blocks(schedule)
        for day in dates:
            segments = [s for b in blocks if (s := _segment(b, day, zone)) is not None]
            placed, tracks = _stack(segments)
            result[day].append(Lane(schedule.employee, day, placed, tracks, zone))
    return result


def time_window(lanes: dict[date, list[Lane]]) -> Window:
    """The whole hours spanning every segment (at least MIN_WINDOW_HOURS; all day if none)."""
    segments = [s for day in lanes.values() for lane in day for s in lane.segments]
    if not segments:
        return Window()
    lo = int(min(s.start_min for s in segments) // 60)
    hi = int(-(-max(s.end_min for s in segments) // 60))
    missing = MIN_WINDOW_HOURS - (hi - lo)
    if missing > 0:  # widen around the segments, staying inside the day
        hi = min(24, max(0, lo - missing // 2) + MIN_WINDOW_HOURS)
        lo = hi - MIN_WINDOW_HOURS
    return Window(lo, hi)


def legend(view: ScheduleView) -> list[Swatch]:
    """Activity types in the view with their colours, sorted by name."""
    names: dict[str, str] = {}
    provider: dict[str, str] = {}
    for schedule in view.employees:
        for block in unique_blocks(schedule):
            names.setdefault(block.activity_type_id, block.activity)
            color = safe_color(block.color)
            if color is not None:
                provider.setdefault(block.activity_type_id, color)
    fallback = palette_colors(t for t in names if t not in provider)
    swatches = []
    for type_id, name in names.items():
        color = provider.get(type_id) or fallback[type_id]
        swatches.append(Swatch(type_id, name, color, text_color(color)))
    return sorted(swatches, key=lambda s: (s.name.casefold(), s.type_id))


def block_color(block: TimeBlock, swatches: dict[str, Swatch]) -> str:
    """The block's own provider colour if valid, else its activity type's legend colour."""
    return safe_color(block.color) or swatches[block.activity_type_id].color
