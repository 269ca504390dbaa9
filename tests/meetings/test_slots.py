"""Free slots: sound (every slot is free, in hours, on the grid, not past) and complete."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meetings.world import ANA, BREAK, MEETING, NOW, SHIFT, TYPES, make_world, shift
from wfm_bridge.core.availability import Availability, Classifier
from wfm_bridge.core.slots import WorkingHours
from wfm_bridge.ports.errors import InvalidInputError, NotFoundError
from wfm_bridge.ports.models import Activity, ActivityType

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

ZONES = [
    "UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Adelaide",
    "America/Chicago", "Pacific/Chatham",
]  # fmt: skip
HOURS = ["09:00-17:00", "08:30-12:00", "00:00-23:59", "13:15-18:45"]
DST_DAYS = [date(2025, 3, 9), date(2025, 3, 30), date(2025, 10, 26), date(2025, 11, 2), MONDAY]
STATES = [a.value for a in Availability if a is not Availability.OFF_DUTY]


@st.composite
def typesets(draw: st.DrawFn) -> tuple[ActivityType, ...]:
    """The world's type names with arbitrary vendor attributes."""
    flag = st.sampled_from([None, True, False])
    return tuple(
        ActivityType(
            id=t.id,
            name=t.name,
            productive=draw(flag),
            time_off=draw(flag),
            interruptible=draw(flag),
        )
        for t in TYPES
    )


@st.composite
def schedules(draw: st.DrawFn, around: datetime) -> tuple[Activity, ...]:
    """Random activities of Ana around a few days, overlaps and odd lengths allowed."""
    return tuple(
        _activity(
            n,
            draw(st.sampled_from([t.id for t in TYPES] + ["type-gone"])),
            around + timedelta(minutes=draw(st.integers(-24 * 60, 4 * 24 * 60))),
            draw(st.integers(1, 12 * 60)),
        )
        for n in range(draw(st.integers(0, 25)))
    )


@given(
    data=st.data(),
    base=st.sampled_from(DST_DAYS),
    now_shift=st.integers(-48 * 60, 72 * 60),
    days=st.integers(1, 5),
    minutes=st.sampled_from([5, 15, 30, 45, 60, 90, 210]),
    step=st.sampled_from([5, 15, 30, 60]),
    tz=st.sampled_from(ZONES),
    hours=st.sampled_from(HOURS),
    types=typesets(),
    overrides=st.dictionaries(st.sampled_from([t.name for t in TYPES]), st.sampled_from(STATES)),
)
def test_no_slot_ever_intersects_non_available_time(
    data: st.DataObject,
    base: date,
    now_shift: int,
    days: int,
    minutes: int,
    step: int,
    tz: str,
    hours: str,
    types: tuple[ActivityType, ...],
    overrides: dict[str, str],
) -> None:
    around = datetime.combine(base, time(0), UTC)
    activities = data.draw(schedules(around))
    now = around + timedelta(minutes=now_shift)
    work = WorkingHours.parse(hours)
    classifier = Classifier({k: Availability(v) for k, v in overrides.items()})
    world = make_world(
        activities=activities, now=now, hours=work, step_minutes=step, types=types,
        classifier=classifier,
    )  # fmt: skip
    first = base - timedelta(days=1)
    zone = ZoneInfo(tz)
    result = world.slots.search(ANA, first, days, minutes, tz)

    by_id = {t.id: t for t in types}
    state = {a.id: classifier.classify(by_id.get(a.type_id)) for a in activities}
    shifts = classifier.has_shifts(types)
    length = timedelta(minutes=minutes)
    window = {first + timedelta(days=n) for n in range(days)}
    starts = [s.start.astimezone(UTC) for s in result.slots]  # wall times repeat at fall-back
    assert len(starts) == len(set(starts))
    assert sorted(s.rank for s in result.slots) == list(range(1, len(starts) + 1))
    for slot in result.slots:
        start, end = slot.start, slot.end
        assert (
            end.astimezone(UTC) - start.astimezone(UTC) == length and start >= now and slot.reason
        )
        assert str(start.tzinfo) == tz and start.date() in window  # the agent's zone and days
        for a in activities:  # overlaps nothing that is not available
            if a.start < end and start < a.end:
                assert state[a.id] is Availability.AVAILABLE
        if shifts:  # wholly covered by available activities, minute by minute
            probe = start
            while probe < end:
                assert any(
                    a.start <= probe < a.end and state[a.id] is Availability.AVAILABLE
                    for a in activities
                )
                probe += timedelta(minutes=1)
        else:  # inside working hours of the agent's day
            local = start.astimezone(zone)
            opens = datetime.combine(local.date(), work.start, zone)
            closes = datetime.combine(local.date(), work.end, zone)
            assert opens <= start and end <= closes
    assert set(result.no_slot) == window - {s.start.date() for s in result.slots}
