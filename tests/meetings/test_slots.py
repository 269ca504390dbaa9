"""Free slots: sound (every slot is free, in hours, on the grid, not past) and complete."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meetings.world import ANA, BREAK, MEETING, NOW, OPEN, SHIFT, TYPES, make_world, shift
from wfm_bridge.core.slots import WorkingHours
from wfm_bridge.ports.errors import InvalidInputError, NotFoundError
from wfm_bridge.ports.models import Activity

MONDAY = NOW.date()


def _at(hh: int, mm: int = 0, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time(hh, mm), UTC)


def _activity(n: int, type_id: str, start: datetime, minutes: int) -> Activity:
    return Activity(
        id=f"a-{n}",
        agent_id="agent-ana",
        type_id=type_id,
        start=start,
        end=start + timedelta(minutes=minutes),
    )


def test_free_time_around_breaks_and_meetings_when_shifts_count_as_available() -> None:
    world = make_world(
        activities=(
            shift("agent-ana", _at(9), 8),
            _activity(1, BREAK.id, _at(10, 30), 15),
            _activity(2, MEETING.id, _at(11), 60),
            _activity(3, SHIFT.id, _at(16), 30),
        ),
        available=("shift",),  # names match case-insensitively
        step_minutes=30,
    )
    found = world.slots.find(ANA, MONDAY, 1, 60, "UTC")
    assert [s.strftime("%H:%M") for s in found] == [
        "09:00", "09:30", "12:00", "12:30", "13:00", "13:30", "14:00", "14:30", "15:00",
        "15:30", "16:00",
    ]  # fmt: skip


def test_by_default_no_activity_is_free_time() -> None:
    world = make_world(activities=(shift("agent-ana", _at(9), 8),))
    assert world.slots.find(ANA, MONDAY, 1, 30, "UTC") == []
    tuesday = world.slots.find(ANA, MONDAY + timedelta(days=1), 1, 480, "UTC")
    assert tuesday == [_at(9, day=MONDAY + timedelta(days=1))]


def test_slots_already_started_are_not_offered() -> None:
    world = make_world(now=_at(10, 7))
    found = world.slots.find(ANA, MONDAY, 1, 405, "UTC")  # 10:00 has started; 10:30 is too late
    assert found == [_at(10, 15)]


def test_a_booked_meeting_is_no_longer_free() -> None:
    world = make_world(step_minutes=60)
    before = world.slots.find(ANA, MONDAY, 1, 60, "UTC")
    world.meetings.book(ANA, _at(13), 60, "coaching")
    after = world.slots.find(ANA, MONDAY, 1, 60, "UTC")
    assert sorted(set(before) - set(after)) == [_at(13)]


def test_an_activity_of_an_unknown_type_is_busy() -> None:
    world = make_world(activities=(_activity(1, "type-gone", _at(9), 60),), step_minutes=60)
    assert _at(9) not in world.slots.find(ANA, MONDAY, 1, 60, "UTC")


def test_working_hours_are_in_the_viewers_zone_across_a_dst_change() -> None:
    sunday = date(2025, 3, 30)  # Europe/London springs forward at 01:00 UTC
    world = make_world(now=_at(0, day=sunday - timedelta(days=1)), step_minutes=60)
    found = world.slots.find(ANA, sunday - timedelta(days=1), 2, 480, "Europe/London")
    assert [s.isoformat() for s in found] == [
        "2025-03-29T09:00:00+00:00",
        "2025-03-30T09:00:00+01:00",
    ]


@pytest.mark.parametrize(
    ("days", "minutes", "tz", "match"),
    [
        (0, 30, "UTC", "1 to 14 days"),
        (15, 30, "UTC", "1 to 14 days"),
        (1, 0, "UTC", "positive"),
        (1, 481, "UTC", "does not fit"),
        (1, 30, "Mars/Olympus", "unknown time zone"),
    ],
)
def test_bad_input_is_refused(days: int, minutes: int, tz: str, match: str) -> None:
    world = make_world()
    with pytest.raises(InvalidInputError, match=match):
        world.slots.find(ANA, MONDAY, days, minutes, tz)
    assert world.backend.calls["list_activities"] == 0


def test_bad_working_hours_are_refused() -> None:
    for text in ("17:00-09:00", "9 to 5", "09:00"):
        with pytest.raises(InvalidInputError, match="working hours"):
            WorkingHours.parse(text)


def test_an_unmapped_agent_is_refused_with_the_reason() -> None:
    world = make_world()
    with pytest.raises(
        NotFoundError, match=r"cannot find free slots for yuki@example\.com.*inactive"
    ):
        world.slots.find("yuki@example.com", MONDAY, 1, 30, "UTC")


# --- the property ------------------------------------------------------------------------

ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Adelaide"]
HOURS = ["09:00-17:00", "08:30-12:00", "00:00-23:59", "13:15-18:45"]


@st.composite
def schedules(draw: st.DrawFn) -> tuple[Activity, ...]:
    """Random activities of Ana around the first few days, overlaps and odd lengths allowed."""
    return tuple(
        _activity(
            n,
            draw(st.sampled_from([t.id for t in TYPES] + ["type-gone"])),
            NOW + timedelta(minutes=draw(st.integers(-24 * 60, 5 * 24 * 60))),
            draw(st.integers(1, 10 * 60)),
        )
        for n in range(draw(st.integers(0, 25)))
    )


@given(
    activities=schedules(),
    now_shift=st.integers(-48 * 60, 72 * 60),
    first_shift=st.integers(-2, 3),
    days=st.integers(1, 14),
    minutes=st.sampled_from([5, 15, 30, 45, 60, 90, 210]),
    step=st.sampled_from([5, 15, 30, 60]),
    tz=st.sampled_from(ZONES),
    hours=st.sampled_from(HOURS),
    available=st.sets(st.sampled_from([SHIFT.name, OPEN.name, MEETING.name.upper()])),
)
def test_slots_are_exactly_the_free_grid_times(
    activities: tuple[Activity, ...],
    now_shift: int,
    first_shift: int,
    days: int,
    minutes: int,
    step: int,
    tz: str,
    hours: str,
    available: set[str],
) -> None:
    now = NOW + timedelta(minutes=now_shift)
    work = WorkingHours.parse(hours)
    world = make_world(
        activities=activities, now=now, hours=work, step_minutes=step, available=tuple(available)
    )
    first = MONDAY + timedelta(days=first_shift)
    found = world.slots.find(ANA, first, days, minutes, tz)

    free_names = {n.casefold() for n in available}
    names = {t.id: t.name.casefold() for t in TYPES}
    busy = [a for a in activities if names.get(a.type_id) not in free_names]
    length = timedelta(minutes=minutes)
    zone = ZoneInfo(tz)
    expected = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        opens = datetime.combine(day, work.start, zone).astimezone(UTC)
        closes = datetime.combine(day, work.end, zone).astimezone(UTC)
        candidate = opens
        while candidate + length <= closes:
            clash = any(a.start < candidate + length and a.end > candidate for a in busy)
            if candidate >= now and not clash:
                expected.append(candidate)
            candidate += timedelta(minutes=step)

    assert found == sorted(set(found))  # sorted, no duplicates
    assert all(str(s.tzinfo) == tz for s in found)  # in the viewer's zone
    assert [s.astimezone(UTC) for s in found] == expected
    for s in found:
        assert s >= now
        assert not any(a.start < s + length and a.end > s for a in busy)
