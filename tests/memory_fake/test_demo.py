"""The demo organisation: deterministic, realistic, and holding every mapping edge case."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from wfm_bridge.core.mapping import EmployeeMapper
from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend
from wfm_bridge.plugins.memory_fake.cache import InMemoryCache
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.demo import (
    ACTIVITY_TYPES,
    DEMO_AGENT_EMAIL,
    EDGE_CASES,
    HOLIDAY_OFFSET_DAYS,
    TEAMS,
    WEEKS,
    demo_activities,
    demo_anchor,
    demo_employees,
    demo_people,
)
from wfm_bridge.plugins.memory_fake.directory import InMemoryEmployeeDirectory
from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.models import Activity

ANCHOR = date(2024, 2, 26)  # ten weeks across the US (Mar 10) and UK (Mar 31) DST changes


@pytest.fixture(scope="module")
def activities() -> list[Activity]:
    """The demo schedule for ``ANCHOR`` (built once: it takes half a second)."""
    return demo_activities(ANCHOR)


@pytest.mark.parametrize(
    "today", [date(2024, 3, 11), date(2024, 3, 17), date(2026, 1, 1), date(2027, 12, 31)]
)
def test_today_always_falls_in_week_three(today: date) -> None:
    anchor = demo_anchor(today)

    assert anchor.weekday() == 0
    assert anchor + timedelta(weeks=2) <= today < anchor + timedelta(weeks=3)


def test_the_same_anchor_gives_the_same_data(activities: list[Activity]) -> None:
    assert demo_activities(ANCHOR) == activities
    assert demo_people() == demo_people()
    assert demo_employees() == demo_employees()


def test_another_anchor_moves_the_same_pattern_by_whole_weeks(
    activities: list[Activity],
) -> None:
    later = demo_activities(ANCHOR + timedelta(weeks=40))  # other DST dates, same wall times

    def pattern(acts: list[Activity], anchor: date) -> list[tuple[str, str, int, str]]:
        zones = {p.agent_id: ZoneInfo(p.timezone or "UTC") for p in demo_people()}
        return [
            (
                a.agent_id,
                a.type_id,
                (a.start.astimezone(zones[a.agent_id]).date() - anchor).days,
                a.start.astimezone(zones[a.agent_id]).strftime("%H:%M"),
            )
            for a in acts
        ]

    assert pattern(later, ANCHOR + timedelta(weeks=40)) == pattern(activities, ANCHOR)


def test_an_anchor_that_is_not_a_monday_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        demo_activities(ANCHOR + timedelta(days=1))


def test_people_look_like_assembled_people() -> None:
    people = demo_people()
    agents = [p for p in people if p.agent_id and p.active]

    assert len(agents) == 40
    assert all(p.person_id != p.agent_id for p in people)
    assert len({p.person_id for p in people}) == len(people)
    assert len({p.timezone for p in agents}) >= 4
    assert [p.name for p in people if p.agent_id is None] == ["Olivia Hart"]
    assert [p.name for p in people if not p.active] == ["Yuki Tanaka"]
    assert Counter(p.name for p in agents)["Sam Taylor"] == 2


def test_activity_types_include_exactly_named_meeting_with_colours() -> None:
    names = {t.name for t in ACTIVITY_TYPES}

    assert {"Shift", "Break", "Lunch", "Meeting", "Training", "Time Off"} <= names
    assert all(t.color and t.color.startswith("#") for t in ACTIVITY_TYPES)


def test_schedules_are_realistic(activities: list[Activity]) -> None:
    types = {t.id: t.name for t in ACTIVITY_TYPES}
    agents = {p.agent_id for p in demo_people() if p.agent_id and p.active}
    by_agent: dict[str, list[Activity]] = defaultdict(list)
    for a in activities:
        by_agent[a.agent_id].append(a)

    assert set(by_agent) == agents
    assert Counter(types[a.type_id] for a in activities).keys() == {
        "Shift",
        "Break",
        "Lunch",
        "Meeting",
        "Training",
        "Time Off",
    }
    assert len({a.id for a in activities}) == len(activities)
    first = datetime.combine(ANCHOR, datetime.min.time(), UTC) - timedelta(days=1)
    last = first + timedelta(weeks=WEEKS, days=2)
    assert all(first <= a.start < a.end <= last for a in activities)
    for acts in by_agent.values():
        acts.sort(key=lambda a: a.start)
        assert all(x.end <= y.start for x, y in pairwise(acts))


def test_shifts_start_at_the_same_local_time_across_dst_changes(
    activities: list[Activity],
) -> None:
    team = TEAMS[0]  # Billing, America/Chicago, 08:00 (+ the agent's own offset)
    zone = ZoneInfo(team.zone)
    ana = next(p for p in demo_people() if p.email == DEMO_AGENT_EMAIL)
    starts: dict[date, datetime] = {}
    for a in activities:
        if a.agent_id == ana.agent_id:
            local = a.start.astimezone(zone)
            starts[local.date()] = min(starts.get(local.date(), local), local)

    assert len({s.strftime("%H:%M") for s in starts.values()}) == 1
    assert len({s.utcoffset() for s in starts.values()}) == 2  # CST and CDT both present


def test_the_company_holiday_and_weekends_are_empty(activities: list[Activity]) -> None:
    holiday = ANCHOR + timedelta(days=HOLIDAY_OFFSET_DAYS)
    zones = {p.agent_id: ZoneInfo(p.timezone or "UTC") for p in demo_people()}
    weekday_team = {
        p.agent_id for p in demo_people() if p.timezone == "Europe/London" and p.agent_id
    }
    local_dates = [(a.agent_id, a.start.astimezone(zones[a.agent_id]).date()) for a in activities]

    assert all(d != holiday for _, d in local_dates)
    assert all(d.weekday() < 5 for agent, d in local_dates if agent in weekday_team)


def test_every_edge_case_maps_as_documented() -> None:
    clock = InMemoryClock(datetime(2024, 3, 12, tzinfo=UTC))
    backend = FakeWfmBackend(demo_people(), ACTIVITY_TYPES)
    directory = InMemoryEmployeeDirectory(demo_employees())
    mapper = EmployeeMapper(
        InMemoryProvider(backend), directory, InMemoryCache(clock), clock, "default"
    )
    outcomes = {m.employee.email: m for m in mapper.map_all()}

    for case in EDGE_CASES:
        got = outcomes[case.email]
        assert got.status == case.status, case
        if case.status == "mapped":
            assert got.rule == case.rule_or_reason, case
        else:
            reason = (got.reason or "").lower()
            others = {"inactive", "ambiguous"} - {case.rule_or_reason}
            assert reason and not any(word in reason for word in others), (case, reason)
            if case.rule_or_reason in {"inactive", "ambiguous"}:
                assert case.rule_or_reason in reason, (case, reason)
    ordinary = [m for m in outcomes.values() if (m.employee.email or "").endswith("@example.com")]
    assert sum(m.rule == "email" for m in ordinary) >= 34
    assert outcomes[DEMO_AGENT_EMAIL].status == "mapped"
