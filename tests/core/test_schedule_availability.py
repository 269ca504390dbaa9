"""Every schedule block carries the availability the tenant's Classifier gives its type (the
one the slot finder and booking check use); `--tz agent` shows each employee's dates in their
own zone, DST days included; names and teams resolve to the employees meant."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from core_world import World, make_world, person
from hypothesis import given, settings
from hypothesis import strategies as st

from wfm_bridge.core.availability import Availability, Classifier
from wfm_bridge.core.employee_names import resolve_names
from wfm_bridge.core.schedules import ScheduleService
from wfm_bridge.core.teams import TeamMembers
from wfm_bridge.ports.errors import InvalidInputError, UnknownIdError
from wfm_bridge.ports.models import Activity, ActivityType, Employee, Team

START = date(2025, 3, 24)  # London and Chicago change clocks around here (Mar 9 / Mar 30)
ZONES = ("Europe/London", "America/Chicago", "Asia/Kolkata", "Pacific/Chatham", "UTC")
NAMES = ("Shift", "Open Time", "Break", "Lunch", "Meeting", "Training", "Time Off", "Phones")
STATES = [s for s in Availability if s is not Availability.OFF_DUTY]

kinds = st.builds(
    ActivityType,
    id=st.sampled_from(["t1", "t2", "t3", "t4"]),
    name=st.sampled_from(NAMES),
    productive=st.none() | st.booleans(),
    time_off=st.none() | st.booleans(),
    interruptible=st.none() | st.booleans(),
)
overrides = st.dictionaries(st.sampled_from(NAMES), st.sampled_from(STATES), max_size=3)


@st.composite
def schedules(draw: st.DrawFn) -> tuple[list[ActivityType], list[Activity]]:
    types = list({t.id: t for t in draw(st.lists(kinds, min_size=1, max_size=4))}.values())
    type_ids = [t.id for t in types] + ["t-unknown"]
    base = datetime.combine(START, datetime.min.time(), UTC) - timedelta(hours=14)
    activities = []
    for n in range(draw(st.integers(0, 25))):
        start = base + timedelta(minutes=15 * draw(st.integers(0, 4 * 24 * 8)))
        activities.append(Activity(
            id=f"a{n}", agent_id=draw(st.sampled_from(["ag1", "ag2"])),
            type_id=draw(st.sampled_from(type_ids)), start=start,
            end=start + timedelta(minutes=15 * draw(st.integers(1, 48))),
        ))
    return types, activities


def _world(types: list[ActivityType], activities: list[Activity], zones: tuple[str, str]) -> World:
    people = [
        person("p1", "ag1", "Ana", "Lee", "ana@example.com").model_copy(
            update={"timezone": zones[0], "team_ids": ["team-b"]}),
        person("p2", "ag2", "Bo", "Kim", "bo@example.com").model_copy(
            update={"timezone": None, "team_ids": ["team-b", "team-r"]}),
    ]
    employees = [
        Employee(host_id="h1", name="Ana Lee", email="ana@example.com"),
        Employee(host_id="h2", name="Bo Kim", email="bo@example.com", timezone=zones[1]),
    ]
    world = make_world(people, employees, types, activities)
    world.backend.teams = {"team-b": Team(id="team-b", name="Billing"),
                           "team-r": Team(id="team-r", name="Retention")}
    return world


@settings(max_examples=60, deadline=None)
@given(schedules(), overrides, st.sampled_from(ZONES), st.sampled_from(ZONES),
       st.sampled_from(("UTC", "agent", "America/Chicago")))
def test_every_block_has_the_classifiers_availability_and_sits_in_its_employees_zone(
    drawn: tuple[list[ActivityType], list[Activity]], given_overrides: dict[str, Availability],
    ana_zone: str, bo_zone: str, tz: str,
) -> None:
    types, activities = drawn
    world = _world(types, activities, (ana_zone, bo_zone))
    classifier = Classifier(given_overrides)
    service = ScheduleService(world.provider, world.mapper(), world.catalog(),
                              classifier=classifier)
    view = service.view(["ana@example.com", "bo@example.com"], START, 7, tz)
    by_id = {t.id: t for t in types}
    own = {"ana@example.com": ana_zone, "bo@example.com": bo_zone}
    for schedule in view.employees:
        zone_name = own[schedule.employee.email or ""] if tz == "agent" else tz
        assert view.zone_of(schedule) == zone_name
        zone = ZoneInfo(zone_name)
        assert [d.date for d in schedule.days] == [START + timedelta(days=i) for i in range(7)]
        for day in schedule.days:
            for block in day.blocks:
                assert block.availability is classifier.classify(by_id.get(block.activity_type_id))
                assert block.start.astimezone(zone).date() == day.date
                end = block.end.astimezone(zone)
                assert end.date() == day.date or end == datetime.combine(
                    day.date + timedelta(days=1), datetime.min.time(), zone)
    assert view.shifts is classifier.has_shifts(types)


def test_agent_zone_days_follow_the_dst_change_in_each_zone() -> None:
    shift = ActivityType(id="t1", name="Shift", productive=True)
    # 2025-03-30 is 23 hours long in London: local 09:00 is 08:00 UTC from then on
    at = [datetime(2025, 3, 29, 9, tzinfo=UTC), datetime(2025, 3, 30, 8, tzinfo=UTC)]
    world = _world([shift], [
        Activity(id=f"a{i}", agent_id="ag1", type_id="t1", start=s, end=s + timedelta(hours=8))
        for i, s in enumerate(at)
    ], ("Europe/London", "UTC"))
    view = ScheduleService(world.provider, world.mapper(), world.catalog()).view(
        ["ana@example.com"], START, 7, "agent")
    (ana,) = view.employees
    assert ana.timezone == "Europe/London" and view.timezone == "agent"
    starts = {d.date: [b.start.strftime("%H:%M") for b in d.blocks] for d in ana.days if d.blocks}
    assert starts == {date(2025, 3, 29): ["09:00"], date(2025, 3, 30): ["09:00"]}


def test_names_resolve_through_the_directory_with_candidates_or_closest_matches() -> None:
    people = [Employee(host_id="1", name="Ana Lee", email="ana@x.example"),
              Employee(host_id="2", name="Sam  Taylor", email="s1@x.example"),
              Employee(host_id="3", name="sam taylor", email="s2@x.example")]
    assert resolve_names(["  ana   LEE ", "b@x.example"], people) == ["ana@x.example",
                                                                       "b@x.example"]
    with pytest.raises(InvalidInputError, match=r"s1@x.example, s2@x.example"):
        resolve_names(["Sam Taylor"], people)
    with pytest.raises(UnknownIdError, match=r"closest: Ana Lee <ana@x.example>"):
        resolve_names(["Anna Lee"], people)


def test_a_team_gives_its_mapped_employees_and_an_unknown_team_lists_the_known() -> None:
    world = _world([], [], ("UTC", "UTC"))
    teams = TeamMembers(world.provider, world.mapper())
    assert teams.emails("  retention ") == ["bo@example.com"]
    assert teams.emails("Billing") == ["ana@example.com", "bo@example.com"]
    with pytest.raises(UnknownIdError, match=r"known teams: 'Billing', 'Retention'"):
        teams.emails("Sales")
