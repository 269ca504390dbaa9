"""Kit suites: reading people, activity types and activities (reads, paging, time zones)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wfm_bridge.ports.models import Activity, Team
from wfm_bridge.ports.provider import Capability, capability_port
from wfm_bridge.ports.schedule_source import ScheduleSource, collect
from wfm_bridge.testing.builders import (
    BREAK,
    SHIFT,
    TRAINING,
    TYPES,
    ActivityKey,
    activity,
    agent_id,
    at,
    key,
    minute,
    person,
)
from wfm_bridge.testing.harness import ProviderHarness, teams_harness
from wfm_bridge.testing.suite import KitSuite, needs

CHICAGO = ZoneInfo("America/Chicago")
# Each example resets what it uses; one suite method runs for many vendor classes (executors).
_REUSED = [HealthCheck.function_scoped_fixture, HealthCheck.differing_executors]


def listed(
    provider: ScheduleSource, agents: list[str], start: datetime, end: datetime
) -> list[Activity]:
    """Every batch of one listing, folded."""
    return collect(provider.activities(agents, start, end))


def clipped(
    seeded: list[Activity], agents: list[str], start: datetime, end: datetime
) -> list[ActivityKey]:
    """What a listing must return: the agents' activities overlapping the window, clipped."""
    return sorted(
        key(a.model_copy(update={"start": max(a.start, start), "end": min(a.end, end)}))
        for a in seeded
        if a.agent_id in agents and a.start < end and a.end > start
    )


class ReadsSuite(KitSuite):
    """Declared ports implemented; credentials accepted; schedules read back exactly."""

    def test_the_provider_implements_every_capability_it_declares(
        self, harness: ProviderHarness
    ) -> None:
        provider = harness.provider()
        assert "schedules" in harness.capabilities
        for capability in harness.capabilities:
            assert isinstance(provider, capability_port(Capability(capability)))

    @needs("teams")
    def test_teams_are_listed_once_each_with_a_name(self, harness: ProviderHarness) -> None:
        seeded = [Team(id="team-red", name="Red"), Team(id="team-blue", name="Blue Crew"),
                  Team(id="team-none", name="Nobody Yet")]  # fmt: skip
        teams_harness(harness).seed_teams(seeded)

        teams = harness.provider().list_teams()

        assert len({t.id for t in teams}) == len(teams)
        assert all(t.id and t.name.strip() for t in teams)
        assert sorted((t.id, t.name) for t in teams) == sorted((t.id, t.name) for t in seeded)

    def test_good_credentials_are_accepted(self, harness: ProviderHarness) -> None:
        harness.provider().check_credentials()

    def test_activity_types_come_back_with_names_and_colours(
        self, harness: ProviderHarness
    ) -> None:
        harness.seed(activity_types=TYPES)

        got = {t.id: t for t in harness.provider().list_activity_types()}

        assert set(got) == {t.id for t in TYPES}
        assert got[TRAINING.id].name == "Training"
        assert (got[TRAINING.id].color, got[TRAINING.id].font_color) == ("#4a90d9", "#ffffff")
        assert got[SHIFT.id].name == "Shift"

    def test_long_window_returns_overnight_and_multi_day_activities_once(
        self, harness: ProviderHarness
    ) -> None:
        agent = agent_id(1)
        overnight = activity(agent, at(3, 22), at(4, 6))
        three_days = activity(agent, at(5, 0), at(8, 0), description="time off")
        harness.seed([person(1)], TYPES, [overnight, three_days])

        got = listed(harness.provider(), [agent], at(0, 0), at(20, 0))

        assert sorted(map(key, got)) == sorted(map(key, [overnight, three_days]))

    def test_activities_are_clipped_to_the_window(self, harness: ProviderHarness) -> None:
        agent = agent_id(1)
        long_one = activity(agent, at(0, 8), at(0, 12))
        before = activity(agent, at(0, 6), at(0, 10))  # ends exactly at the window start
        after = activity(agent, at(0, 11), at(0, 13))  # starts exactly at the window end
        harness.seed([person(1)], TYPES, [long_one, before, after])

        got = listed(harness.provider(), [agent], at(0, 10), at(0, 11))

        inside = long_one.model_copy(update={"start": at(0, 10), "end": at(0, 11)})
        assert [key(a) for a in got] == [key(inside)]

    def test_only_the_requested_agents_and_unknown_agents_are_empty(
        self, harness: ProviderHarness
    ) -> None:
        mine = activity(agent_id(1), at(0, 8), at(0, 16))
        theirs = activity(agent_id(2), at(0, 8), at(0, 16))
        harness.seed([person(1), person(2)], TYPES, [mine, theirs])
        provider = harness.provider()

        assert listed(provider, ["no-such-agent"], at(0, 0), at(1, 0)) == []
        assert listed(provider, [], at(0, 0), at(1, 0)) == []
        got = listed(provider, [agent_id(1), "no-such-agent"], at(0, 0), at(1, 0))
        assert [key(a) for a in got] == [key(mine)]

    @settings(suppress_health_check=_REUSED, max_examples=25)
    @given(case=st.data(), asked=st.sets(st.integers(min_value=0, max_value=4)))
    def test_listing_equals_the_overlapping_activities_clipped(
        self, harness: ProviderHarness, case: st.DataObject, asked: set[int]
    ) -> None:
        seeded, start, end = case.draw(schedules())
        harness.reset()
        harness.seed([person(n) for n in range(4)], TYPES, seeded)
        agents = [agent_id(n) for n in sorted(asked)]

        got = listed(harness.provider(), agents, start, end)

        assert sorted(map(key, got)) == clipped(seeded, agents, start, end)


class PagingSuite(KitSuite):
    """Listings that take several pages or batches hand over everything exactly once."""

    def test_people_come_back_from_every_page_each_exactly_once(
        self, harness: ProviderHarness
    ) -> None:
        n = harness.paging_people
        people = [person(i) for i in range(n)]
        people += [person(n, active=False), person(n + 1, agent=False)]
        harness.seed(people=people)

        got = harness.provider().list_people()

        # Each person once, under an id of its own; that id is the server's to give (a vendor
        # whose user id is also the agent id names an agent by it), so people are matched by
        # their email, unique among the seeded ones.
        assert len({p.person_id for p in got}) == len(got) == len(people)
        assert all(p.person_id for p in got)
        by_email = {p.email: p for p in got}
        assert sorted(by_email, key=str) == sorted((p.email for p in people), key=str)
        for expected in people:
            found = by_email[expected.email]
            assert found.agent_id == expected.agent_id
            assert (found.first_name, found.last_name) == (expected.first_name, expected.last_name)
            assert found.email == expected.email
            assert found.active == expected.active

    @needs("teams")
    def test_people_carry_their_team_from_every_page(self, harness: ProviderHarness) -> None:
        red, blue, empty = (Team(id=f"team-{c}", name=c.title()) for c in ("red", "blue", "none"))
        n = harness.paging_people  # most in one team: its members take several pages too
        people = [
            person(i).model_copy(update={"team_ids": [blue.id if i % 4 == 0 else red.id]})
            for i in range(n)
        ]
        people += [person(n), person(n + 1, agent=False).model_copy(update={"team_ids": [red.id]})]
        harness.seed(people=people[: n // 2])
        teams_harness(harness).seed_teams([red, blue, empty])  # members seeded before and after
        harness.seed(people=people[n // 2 :])

        got = {p.email: p.team_ids for p in harness.provider().list_people()}

        assert got == {p.email: p.team_ids for p in people}

    def test_activities_of_many_agents_come_back_each_exactly_once(
        self, harness: ProviderHarness
    ) -> None:
        agents = 120
        seeded = []
        for n in range(agents):
            seeded.append(activity(agent_id(n), at(0, 8), at(0, 16)))
            seeded.append(activity(agent_id(n), at(1, 8), at(1, 12), BREAK.id, "after"))
        harness.seed([person(n) for n in range(agents)], TYPES, seeded)

        everyone = [agent_id(n) for n in range(agents)]
        got = listed(harness.provider(), everyone, at(0, 0), at(3, 0))

        assert sorted(map(key, got)) == sorted(map(key, seeded))

    @settings(suppress_health_check=_REUSED, max_examples=15)
    @given(case=st.data(), asked=st.sets(st.integers(min_value=0, max_value=4)))
    def test_batches_hand_each_activity_over_once_and_withdraw_only_earlier_ids(
        self, harness: ProviderHarness, case: st.DataObject, asked: set[int]
    ) -> None:
        seeded, start, end = case.draw(schedules())
        harness.reset()
        harness.seed([person(n) for n in range(4)], TYPES, seeded)
        agents = [agent_id(n) for n in sorted(asked)]

        folded: dict[str, Activity] = {}
        for batch in harness.provider().activities(agents, start, end):
            for gone in batch.withdrawn:
                del folded[gone]
            for a in batch.activities:
                assert a.id not in folded
                folded[a.id] = a

        assert sorted(map(key, folded.values())) == clipped(seeded, agents, start, end)


class TimeZoneSuite(KitSuite):
    """Times are aware instants; windows in any zone and across DST mean the same."""

    def test_times_are_aware_and_a_window_in_any_zone_means_the_same_instants(
        self, harness: ProviderHarness
    ) -> None:
        seeded = activity(agent_id(1), at(0, 14), at(0, 22))
        harness.seed([person(1)], TYPES, [seeded])
        provider = harness.provider()

        start_local = at(0, 0).astimezone(CHICAGO)
        in_chicago = listed(provider, [agent_id(1)], start_local, start_local + timedelta(1))
        in_utc = listed(provider, [agent_id(1)], at(0, 0), at(1, 0))

        assert all(a.start.tzinfo is not None and a.end.tzinfo is not None for a in in_chicago)
        assert sorted(map(key, in_chicago)) == sorted(map(key, in_utc)) == [key(seeded)]

    def test_a_window_crossing_a_dst_change_keeps_local_wall_times(
        self, harness: ProviderHarness
    ) -> None:
        # US clocks spring forward on 2024-03-10 at 02:00 in Chicago.
        def local(day: int, hour: int) -> datetime:
            return datetime(2024, 3, day, hour, tzinfo=CHICAGO)

        shifts = [activity(agent_id(1), local(d, 9), local(d, 17)) for d in (8, 9, 10, 11, 12)]
        night = activity(agent_id(1), local(10, 1), local(10, 4))  # 2 real hours
        harness.seed([person(1)], TYPES, [*shifts, night])

        got = listed(harness.provider(), [agent_id(1)], local(9, 0), local(12, 0))

        assert sorted(map(key, got)) == sorted(map(key, [*shifts[1:4], night]))
        for a in got:
            if a.id != night.id:
                assert a.start.astimezone(CHICAGO).hour == 9
                assert _duration(a) == timedelta(hours=8)
        (got_night,) = [a for a in got if a.id == night.id]
        assert _duration(got_night) == timedelta(hours=2)


def _duration(a: Activity) -> timedelta:
    # in UTC: subtracting two datetimes of the same zone would give wall-clock time
    return a.end.astimezone(UTC) - a.start.astimezone(UTC)


_minutes = st.integers(min_value=0, max_value=3 * 24 * 60)


@st.composite
def schedules(draw: st.DrawFn) -> tuple[list[Activity], datetime, datetime]:
    """Up to 12 activities of 4 agents over three days, and a window of up to four days."""
    items = []
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        start = draw(_minutes)
        length = draw(st.integers(min_value=1, max_value=36 * 60))
        agent = agent_id(draw(st.integers(min_value=0, max_value=3)))
        items.append(activity(agent, minute(start), minute(start + length)))
    window_start = draw(_minutes)
    window_length = draw(st.integers(min_value=1, max_value=4 * 24 * 60))
    return items, minute(window_start), minute(window_start + window_length)
