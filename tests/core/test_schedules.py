"""Schedule view: validation before any call, one entry per date, blocks split at local
midnight, nothing lost or invented, names from the catalog, nothing about activities stored."""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeAlias
from zoneinfo import ZoneInfo

import pytest
from core_world import World, make_world, person
from hypothesis import given
from hypothesis import strategies as st

from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.models import Activity, ActivityType, Employee

SHIFT = ActivityType(id="t1", name="Shift", color="#4a90d9")
LUNCH = ActivityType(id="t2", name="Lunch")
TYPES = [SHIFT, LUNCH]
ANA = person("p1", "a1", "Ana", "Lee", "ana@example.com")
BO = person("p2", "a2", "Bo", "Kim", "bo@example.com")
ANA_E = Employee(host_id="h1", name="Ana Lee", email="ana@example.com")
BO_E = Employee(host_id="h2", name="Bo Kim", email="bo@example.com")


def act(aid: str, agent: str, start: datetime, hours: float, type_id: str = "t1") -> Activity:
    return Activity(
        id=aid, agent_id=agent, type_id=type_id, start=start, end=start + timedelta(hours=hours)
    )


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def world_with(*activities: Activity) -> World:
    return make_world([ANA, BO], [ANA_E, BO_E], TYPES, activities)


# --- validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "tz"),
    [
        (date(2024, 6, 10), 6, "UTC"),
        (date(2024, 6, 10), 61, "UTC"),
        (date(2024, 6, 10), True, "UTC"),
        (date(2024, 6, 10), 7.5, "UTC"),
        ("2024-06-10", 14, "UTC"),
        (datetime(2024, 6, 10, tzinfo=UTC), 14, "UTC"),
        (date(9999, 12, 1), 60, "UTC"),
        (date(2024, 6, 10), 14, "Mars/Olympus"),
        (date(2024, 6, 10), 14, "../etc/passwd"),
        (date(2024, 6, 10), 14, ""),
    ],
)
def test_bad_input_is_refused_before_any_provider_call(start: Any, days: Any, tz: str) -> None:
    world = world_with()
    with pytest.raises(InvalidInputError):
        world.schedules().view(["ana@example.com"], start, days, tz)
    assert sum(world.backend.calls.values()) == 0


def test_range_error_recommends_7_to_14_days() -> None:
    with pytest.raises(InvalidInputError, match=r"7 to 60 days \(7-14 days is recommended\)"):
        world_with().schedules().view(["ana@example.com"], date(2024, 6, 10), 61, "UTC")


@pytest.mark.parametrize("emails", [[], ["  "], ["ana@example.com", ""]])
def test_missing_emails_are_refused_before_any_call(emails: list[str]) -> None:
    world = world_with()
    with pytest.raises(InvalidInputError):
        world.schedules().view(emails, date(2024, 6, 10), 7, "UTC")
    assert sum(world.backend.calls.values()) == 0


@given(st.integers(-100, 200).filter(lambda d: not 7 <= d <= 60))
def test_any_out_of_range_days_fail_before_any_call(days: int) -> None:
    world = world_with()
    with pytest.raises(InvalidInputError):
        world.schedules().view(["ana@example.com"], date(2024, 6, 10), days, "UTC")
    assert sum(world.backend.calls.values()) == 0


# --- examples ------------------------------------------------------------------------


def test_empty_days_are_present_and_empty() -> None:
    view = world_with().schedules().view(["ana@example.com"], date(2024, 6, 10), 14, "UTC")
    (ana,) = view.employees
    assert [d.date for d in ana.days] == [date(2024, 6, 10) + timedelta(i) for i in range(14)]
    assert all(d.blocks == [] for d in ana.days)
    assert (view.start, view.days, view.timezone, view.unmapped) == (
        date(2024, 6, 10),
        14,
        "UTC",
        [],
    )


def test_blocks_named_coloured_sorted_and_in_the_viewers_zone() -> None:
    day = datetime(2024, 6, 11, 13, 0, tzinfo=UTC)
    world = world_with(
        act("x2", "a1", day + timedelta(hours=3), 1, "t2"),
        act("x1", "a1", day, 8),
        act("x3", "a2", day, 8),
    )
    view = world.schedules().view(["ana@example.com"], date(2024, 6, 10), 7, "America/Chicago")
    blocks = view.employees[0].days[1].blocks
    assert [(b.activity, b.activity_id, b.color) for b in blocks] == [
        ("Shift", "x1", "#4a90d9"),
        ("Lunch", "x2", None),
    ]
    assert blocks[0].start.isoformat() == "2024-06-11T08:00:00-05:00"
    assert world.backend.calls["list_activities"] == 1


def test_a_block_crossing_local_midnight_is_split_across_dst_day() -> None:
    # Europe/London springs forward on 2024-03-31: that date lasts 23 hours.
    start = datetime(2024, 3, 30, 22, 0, tzinfo=UTC)  # 22:00 GMT on the 30th
    world = world_with(act("night", "a1", start, 26))  # until 00:00 UTC on 1 April
    view = world.schedules().view(["ana@example.com"], date(2024, 3, 25), 14, "Europe/London")
    pieces = {
        d.date: [(b.start.isoformat(), b.end.isoformat()) for b in d.blocks]
        for d in view.employees[0].days
        if d.blocks
    }
    assert pieces == {
        date(2024, 3, 30): [("2024-03-30T22:00:00+00:00", "2024-03-31T00:00:00+00:00")],
        date(2024, 3, 31): [("2024-03-31T00:00:00+00:00", "2024-04-01T00:00:00+01:00")],
        date(2024, 4, 1): [("2024-04-01T00:00:00+01:00", "2024-04-01T01:00:00+01:00")],
    }


def test_repeated_hour_is_ordered_by_instant_not_wall_time() -> None:
    # America/New_York falls back on 2024-11-03: 01:00-02:00 happens twice.
    first = act("x-first", "a1", datetime(2024, 11, 3, 5, 30, tzinfo=UTC), 0.25)  # 01:30 EDT
    second = act("x-second", "a1", datetime(2024, 11, 3, 6, 15, tzinfo=UTC), 0.25)  # 01:15 EST
    world = world_with(second, first)
    view = world.schedules().view(["ana@example.com"], date(2024, 11, 1), 7, "America/New_York")
    blocks = view.employees[0].days[2].blocks
    assert [(b.activity_id, b.start.isoformat()) for b in blocks] == [
        ("x-first", "2024-11-03T01:30:00-04:00"),
        ("x-second", "2024-11-03T01:15:00-05:00"),
    ]


def test_unmapped_are_listed_with_reasons_and_duplicates_collapse() -> None:
    world = world_with(act("x1", "a1", datetime(2024, 6, 10, 9, tzinfo=UTC), 1))
    view = world.schedules().view(
        [
            "ana@example.com",
            " ANA@example.com",
            "nobody@example.com",
            "bo@example.com",
            "nobody@example.com",
        ],
        date(2024, 6, 10),
        7,
        "UTC",
    )
    assert [s.employee.host_id for s in view.employees] == ["h1", "h2"]
    assert [(u.employee.email, bool(u.reason)) for u in view.unmapped] == [
        ("nobody@example.com", True)
    ]
    assert world.backend.calls["list_activities"] == 1


def test_no_mapped_employee_means_no_activity_call() -> None:
    world = world_with()
    view = world.schedules().view(["nobody@example.com"], date(2024, 6, 10), 7, "UTC")
    assert view.employees == [] and len(view.unmapped) == 1
    assert world.backend.calls["list_activities"] == 0


def test_unknown_type_refreshes_catalog_once_then_says_unknown() -> None:
    world = world_with(act("x1", "a1", datetime(2024, 6, 10, 9, tzinfo=UTC), 1, "tZ"))
    view = world.schedules().view(["ana@example.com"], date(2024, 6, 10), 7, "UTC")
    block = view.employees[0].days[0].blocks[0]
    assert (block.activity, block.activity_type_id) == ("Unknown activity (tZ)", "tZ")
    assert world.backend.calls["list_activity_types"] == 2


def test_created_here_marks_meetings_booked_through_the_product() -> None:
    when = datetime(2024, 6, 10, 9, tzinfo=UTC)
    world = world_with(act("mine", "a1", when, 1), act("theirs", "a1", when, 2))
    world.created.add("mine")
    blocks = world.schedules().view(["ana@example.com"], date(2024, 6, 10), 7, "UTC")
    flags = {b.activity_id: b.created_here for b in blocks.employees[0].days[0].blocks}
    assert flags == {"mine": True, "theirs": False}


def test_warm_cache_fetches_no_people_or_types_and_stores_no_activities() -> None:
    world = world_with(act("x1", "a1", datetime(2024, 6, 10, 9, tzinfo=UTC), 1))
    world.schedules().view(["ana@example.com"], date(2024, 6, 10), 7, "UTC")
    world.schedules().view(["ana@example.com"], date(2024, 6, 10), 7, "UTC")
    assert world.backend.calls["list_people"] == 1
    assert world.backend.calls["list_activity_types"] == 1
    assert world.backend.calls["list_activities"] == 2
    assert {ns for ns, _, _ in world.cache.writes} <= {"acme:mapping", "acme:activity_types"}
    assert "x1" not in json.dumps([value for _, _, value in world.cache.writes])


# --- properties ----------------------------------------------------------------------

ZONES = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "America/Sao_Paulo",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "America/Havana",
]
NEAR_DST = [
    date(2024, 3, 5),
    date(2024, 3, 28),
    date(2024, 10, 24),
    date(2018, 10, 30),
    date(2024, 3, 31),
    date(2024, 9, 1),
    date(2011, 11, 1),
]


Scenario: TypeAlias = tuple[str, date, int, list[Activity]]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    tz = draw(st.sampled_from(ZONES))
    start = draw(st.sampled_from(NEAR_DST) | st.dates(date(2010, 1, 1), date(2035, 12, 1)))
    days = draw(st.integers(7, 60))
    origin = datetime.combine(start, time(12), UTC)
    activities = [
        Activity(
            id=f"x{i}",
            agent_id=draw(st.sampled_from(["a1", "a2", "a3"])),  # a3 belongs to nobody asked
            type_id=draw(st.sampled_from(["t1", "t2", "tZ"])),
            start=(
                s := origin + timedelta(minutes=draw(st.integers(-3 * 1440, (days + 2) * 1440)))
            ),
            end=s + timedelta(minutes=draw(st.integers(1, 3 * 1440))),
        )
        for i in range(draw(st.integers(0, 25)))
    ]
    return tz, start, days, activities


@given(scenarios())
def test_every_date_once_nothing_lost_or_invented_nothing_in_a_wrong_date(
    scenario: Scenario,
) -> None:
    tz, start, days, activities = scenario
    zone = ZoneInfo(tz)
    world = world_with(*activities)
    view = world.schedules().view(["ana@example.com", "bo@example.com"], start, days, tz)
    assert world.backend.calls["list_activities"] == 1

    lo = datetime.combine(start, time(0), zone).astimezone(UTC)
    hi = datetime.combine(start + timedelta(days), time(0), zone).astimezone(UTC)
    expected = {
        a.id: (max(a.start, lo), min(a.end, hi))
        for a in activities
        if a.agent_id in {"a1", "a2"} and a.start < hi and a.end > lo
    }
    pieces: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for schedule in view.employees:
        assert [d.date for d in schedule.days] == [start + timedelta(i) for i in range(days)]
        for day in schedule.days:
            # UTC throughout: datetimes sharing a ZoneInfo compare and subtract by wall time
            keys = [(utc(b.start), utc(b.end), b.activity_id) for b in day.blocks]
            assert keys == sorted(keys)
            for b in day.blocks:
                assert utc(b.start) < utc(b.end)
                assert b.start.tzinfo == zone and b.end.tzinfo == zone
                assert b.start.astimezone(zone).date() == day.date
                last_instant = utc(b.end) - timedelta(microseconds=1)
                assert last_instant.astimezone(zone).date() == day.date
                assert world.backend.activities[b.activity_id].agent_id == schedule.agent_id
                pieces[b.activity_id].append((utc(b.start), utc(b.end)))
    assert set(pieces) == set(expected)
    for aid, (clip_start, clip_end) in expected.items():
        spans = sorted(pieces[aid])
        assert spans[0][0] == clip_start and spans[-1][1] == clip_end
        assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    for agent in ("a1", "a2"):
        shown = sum(
            (
                utc(b.end) - utc(b.start)
                for s in view.employees
                if s.agent_id == agent
                for d in s.days
                for b in d.blocks
            ),
            timedelta(),
        )
        truth = sum(
            (
                e - s
                for aid, (s, e) in expected.items()
                if world.backend.activities[aid].agent_id == agent
            ),
            timedelta(),
        )
        assert shown == truth
