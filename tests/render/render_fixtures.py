"""Schedule views for the renderer tests, built from wall-clock specs with known answers.

Each fixture returns the view and the segments a calendar must draw, computed by plain
minute arithmetic on the spec (independent of the renderer's datetime logic): a block from
22:00 lasting 240 minutes is (1320, 1440) on its date and (0, 120) on the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from wfm_bridge.ports.models import (
    Employee,
    EmployeeSchedule,
    ScheduleDay,
    ScheduleView,
    TimeBlock,
    UnmappedEmployee,
)

# activity type id -> (name, provider colour or None); "oncall" has an unsafe colour.
TYPES: dict[str, tuple[str, str | None]] = {
    "shift": ("Shift", "#4a90d9"),
    "break": ("Break", "#F5A623"),
    "lunch": ("Lunch", None),
    "meeting": ("Meeting", None),
    "training": ("Training", "#2b2"),
    "oncall": ("On call", "red;background:url(http://evil.test/x.png)"),
}
NASTY = 'Review <script>alert("x")</script> & "quotes" \'too\''


@dataclass(frozen=True)
class Spec:
    """One block: day offset in the range, wall-clock start, length in minutes, type."""

    day: int
    start: str
    minutes: int
    type_id: str
    description: str = ""
    created_here: bool = False
    listed_on_every_day: bool = False  # also list it on the next day it touches
    split_at_midnight: bool = False  # listed as per-day pieces, as the schedule use case does


@dataclass(frozen=True)
class Case:
    """A fixture: the view, the segments a calendar must draw, each employee's activities."""

    view: ScheduleView
    segments: list[Expected]
    activities: list[tuple[str, TimeBlock]]  # (host id, whole activity), as specified

    @property
    def hours(self) -> tuple[int, int]:
        """The whole hours the time axis must span: first start to last end, rounded out."""
        if not self.segments:
            return 0, 24
        lo = min(x.start_min for x in self.segments) // 60
        hi = -(-max(x.end_min for x in self.segments) // 60)
        assert hi - lo >= 6, "fixtures span at least six hours: no widening involved"
        return lo, hi


@dataclass(frozen=True)
class Expected:
    """A segment the calendar must draw."""

    employee: str
    date: date
    activity_id: str
    start_min: int
    end_min: int


def _blocks(specs: list[Spec], start: date, zone: ZoneInfo, who: str) -> list[TimeBlock]:
    blocks = []
    for n, spec in enumerate(specs):
        name, color = TYPES[spec.type_id]
        begin = datetime.combine(
            start + timedelta(days=spec.day), time.fromisoformat(spec.start), tzinfo=zone
        )
        blocks.append(
            TimeBlock(
                start=begin,
                end=begin + timedelta(minutes=spec.minutes),  # wall-clock arithmetic
                activity=name,
                activity_id=f"{who}-a{n}",
                activity_type_id=spec.type_id,
                color=color,
                description=spec.description,
                created_here=spec.created_here,
            )
        )
    return blocks


def _expected(specs: list[Spec], start: date, days: int, who: str) -> list[Expected]:
    out = []
    for n, spec in enumerate(specs):
        hh, mm = (int(p) for p in spec.start.split(":"))
        lo, hi, day = hh * 60 + mm, hh * 60 + mm + spec.minutes, spec.day
        while hi > 0 and day < days:
            out.append(Expected(who, start + timedelta(days=day), f"{who}-a{n}", lo, min(hi, 1440)))
            lo, hi, day = 0, hi - 1440, day + 1
    return out


def _schedule(
    employee: Employee, specs: list[Spec], start: date, days: int, zone: ZoneInfo
) -> tuple[EmployeeSchedule, list[tuple[str, TimeBlock]]]:
    blocks = _blocks(specs, start, zone, employee.host_id)
    listed: dict[int, list[TimeBlock]] = {d: [] for d in range(days)}
    for spec, block in zip(specs, blocks, strict=True):
        if spec.split_at_midnight:
            midnight = datetime.combine(block.start.date() + timedelta(days=1), time(), zone)
            listed[spec.day].append(block.model_copy(update={"end": midnight}))
            if spec.day + 1 < days:
                listed[spec.day + 1].append(block.model_copy(update={"start": midnight}))
            continue
        listed[spec.day].append(block)
        if spec.listed_on_every_day and spec.day + 1 < days:
            listed[spec.day + 1].append(block)
    schedule = EmployeeSchedule(
        employee=employee,
        agent_id=f"agent-{employee.host_id}",
        days=[
            ScheduleDay(
                date=start + timedelta(days=d), blocks=sorted(listed[d], key=lambda b: b.start)
            )
            for d in range(days)
        ],
    )
    return schedule, [(employee.host_id, b) for b in blocks]


def _workday(day: int, late: int = 0) -> list[Spec]:
    """A shift split by lunch, with a break drawn over the afternoon shift (overlap)."""
    h = 8 + late
    return [
        Spec(day, f"{h:02d}:00", 240, "shift"),
        Spec(day, f"{h + 4:02d}:00", 45, "lunch"),
        Spec(day, f"{h + 4:02d}:45", 255, "shift"),
        Spec(day, f"{h + 7:02d}:00", 15, "break"),
    ]


def one_by_sixty() -> Case:
    """One employee over 60 days in London (crosses the spring DST change); weekends empty."""
    start, days, zone = date(2025, 3, 3), 60, ZoneInfo("Europe/London")
    specs: list[Spec] = []
    for d in range(days):
        if (start + timedelta(days=d)).weekday() < 5:
            specs += _workday(d)
    specs += [
        Spec(2, "10:00", 30, "meeting", "One To One [Created via evaluagent] " + NASTY, True),
        Spec(4, "22:00", 240, "oncall", "night cover"),  # Friday night into Saturday
        Spec(59, "23:00", 120, "training"),  # last day: runs past the range's end
    ]
    alice = Employee(host_id="alice", name="Alice Lidell", email="alice@example.com")
    schedule, activities = _schedule(alice, specs, start, days, zone)
    view = ScheduleView(
        start=start, days=days, timezone="Europe/London", employees=[schedule], unmapped=[]
    )
    return Case(view, _expected(specs, start, days, "alice"), activities)


def twenty_by_seven() -> Case:
    """Twenty employees over a week in New York, staggered shifts, some days off."""
    start, days, zone = date(2025, 6, 2), 7, ZoneInfo("America/New_York")
    schedules, expected, activities = [], [], []
    for i in range(20):
        who = f"e{i:02d}"
        specs: list[Spec] = []
        for d in range(days):
            if (d + i) % 7 in (5, 6):  # two days off, rotating
                continue
            specs += _workday(d, late=i % 6)
        if i == 3:
            specs.append(Spec(1, "14:00", 60, "meeting", "1:1 " + NASTY, created_here=True))
        if i == 7:  # a night shift listed on both days it touches
            specs.append(Spec(2, "20:00", 480, "oncall", listed_on_every_day=True))
        if i == 11:  # a night shift split at midnight into one piece per day
            specs.append(Spec(4, "21:30", 300, "oncall", "split", split_at_midnight=True))
        employee = Employee(host_id=who, name=f"Agent {i:02d} Example", email=f"{who}@x.test")
        schedule, blocks = _schedule(employee, specs, start, days, zone)
        schedules.append(schedule)
        activities += blocks
        expected += _expected(specs, start, days, who)
    unmapped = [
        UnmappedEmployee(
            employee=Employee(host_id="ghost", name="Gus <Ghost>", email="gus@x.test"),
            reason="inactive in Assembled",
        ),
        UnmappedEmployee(employee=Employee(host_id="amb", name="Sam Smith"), reason="ambiguous"),
    ]
    view = ScheduleView(
        start=start,
        days=days,
        timezone="America/New_York",
        employees=schedules,
        unmapped=unmapped,
    )
    return Case(view, expected, activities)


def daytime_three() -> Case:
    """Three employees in Kolkata (UTC+05:30) working daytime only: the axis zooms in."""
    start, days, zone = date(2025, 11, 3), 7, ZoneInfo("Asia/Kolkata")
    schedules, expected, activities = [], [], []
    for i, who in enumerate(("ravi", "meera", "arjun")):
        specs = [s for d in range(5) for s in _workday(d, late=i + 1)]
        specs.append(Spec(5, "10:30", 90, "training", "Saturday course"))
        if i == 1:
            specs.append(Spec(2, "11:15", 30, "meeting", "1:1 coaching", created_here=True))
        employee = Employee(host_id=who, name=who.title(), email=f"{who}@x.test")
        schedule, blocks = _schedule(employee, specs, start, days, zone)
        schedules.append(schedule)
        activities += blocks
        expected += _expected(specs, start, days, who)
    view = ScheduleView(
        start=start, days=days, timezone="Asia/Kolkata", employees=schedules, unmapped=[]
    )
    return Case(view, expected, activities)


def empty_week() -> ScheduleView:
    """Two employees with nothing scheduled for a week (UTC)."""
    start = date(2025, 1, 6)
    schedules = [
        EmployeeSchedule(
            employee=Employee(host_id=h, name=h.title()),
            agent_id=f"agent-{h}",
            days=[ScheduleDay(date=start + timedelta(days=d), blocks=[]) for d in range(7)],
        )
        for h in ("bo", "cy")
    ]
    return ScheduleView(start=start, days=7, timezone="UTC", employees=schedules, unmapped=[])
