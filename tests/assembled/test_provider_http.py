"""AssembledProvider over real HTTP to the emulator: rate limits, faults, ambiguous writes.

The provider and the emulator's rate limiter share one InMemoryClock, so waiting for tokens
or for a Retry-After advances fake time on both sides and no test sleeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.assembled.emulator.seed import seed
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer
from wfm_bridge.plugins.assembled.planner import agent_groups
from wfm_bridge.plugins.assembled.progress import PlanProgress
from wfm_bridge.plugins.assembled.provider import AssembledProvider
from wfm_bridge.plugins.emulation.faults import Fault
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.errors import AuthError, NotFoundError, OutcomeUnknownError
from wfm_bridge.ports.models import Activity, ActivityType, OneToOne, ProviderPerson
from wfm_bridge.ports.schedule_source import collect

from .support import KEY, T0, http_provider

PEOPLE = [
    ProviderPerson(person_id=f"p{i}", agent_id=f"agent-{i:03d}", email=f"a{i}@example.com")
    for i in range(200)
]
TYPES = [ActivityType(id="shift", name="Shift"), ActivityType(id="mtg", name="Meeting")]
MEETING = OneToOne(
    reference="mtg-http",
    agent_id="agent-001",
    start=T0 + timedelta(hours=2),
    end=T0 + timedelta(hours=3),
    title="One To One",
)
DAY = (T0, T0 + timedelta(days=1))


def shifts(days: int, agents: int = 200) -> list[Activity]:
    return [
        Activity(
            id=f"s-{i}-{d}",
            agent_id=f"agent-{i:03d}",
            type_id="shift",
            start=T0 + timedelta(days=d),
            end=T0 + timedelta(days=d, hours=8),
        )
        for i in range(agents)
        for d in range(days)
    ]


class World:
    """An emulator with its rate limiter on the test's fake clock."""

    def __init__(self, clock: InMemoryClock, server: EmulatorServer) -> None:
        self.clock = clock
        self.server = server
        self.emulator = server.emulator

    def provider(self, **options: Any) -> AssembledProvider:
        return http_provider(self.server, clock=self.clock, **options)

    def requests(self, prefix: str = "") -> dict[str, int]:
        with self.emulator.state.lock:
            counts = dict(self.emulator.state.ledger.requests)
        return {k: v for k, v in counts.items() if k.startswith(prefix)}


@pytest.fixture
def world() -> Iterator[World]:
    clock = InMemoryClock(T0)
    emulator = Emulator(
        EmulatorConfig(keys=(KEY,), rate=5, burst=20),
        monotonic=lambda: clock.now().timestamp(),
    )
    seed(emulator.state, PEOPLE, TYPES, shifts(3, agents=5))
    with EmulatorServer(emulator) as server:
        yield World(clock, server)


def test_the_client_limiter_never_trips_the_server_limit(world: World) -> None:
    provider = world.provider(rate="5", burst="20")

    for _ in range(30):
        provider.list_activity_types()

    assert world.requests() == {"GET /v0/activity_types 200": 30}
    elapsed = (world.clock.now() - T0).total_seconds()
    assert elapsed == pytest.approx((30 - 19) / 5, abs=0.01)  # burst (minus headroom), then 5/s


def test_an_over_eager_client_is_held_back_by_429_and_retry_after(world: World) -> None:
    provider = world.provider(rate="1000", burst="1000")

    for _ in range(40):
        provider.list_activity_types()

    counts = world.requests()
    assert counts["GET /v0/activity_types 200"] == 40 and counts["GET /v0/activity_types 429"] > 0
    assert 1.0 in world.clock.slept  # the emulator's Retry-After


def test_429_without_retry_after_backs_off_and_recovers(world: World) -> None:
    world.emulator.configure(retry_after_on_limit=False)
    provider = world.provider(rate="1000", burst="1000", max_attempts="6")

    for _ in range(30):
        provider.list_activity_types()

    assert world.requests()["GET /v0/activity_types 200"] == 30


def test_5xx_and_dropped_connections_on_reads_are_retried_transparently(world: World) -> None:
    world.emulator.faults.add(Fault("status", status=503, path="/v0/people"))
    world.emulator.faults.add(Fault("drop", path="/v0/people"))

    people = world.provider(page_size="500").list_people()

    assert len(people) == 200
    assert world.requests("GET /v0/people") == {
        "GET /v0/people 503": 1,
        "GET /v0/people dropped": 1,
        "GET /v0/people 200": 1,
    }


def test_a_create_whose_answer_never_comes_is_outcome_unknown_and_found_on_read_back(
    world: World,
) -> None:
    world.emulator.faults.add(Fault("hang", seconds=30, method="POST"))
    provider = world.provider(timeout="0.3")

    with pytest.raises(OutcomeUnknownError):
        provider.book(MEETING)

    assert world.emulator.state.ledger.arrivals["POST /v0/activities"] == 1  # sent once
    (found,) = provider.find(MEETING.reference, "agent-001", *DAY)
    listed = collect(provider.activities(["agent-001"], *DAY))
    (activity,) = [a for a in listed if a.type_id == "mtg"]
    assert activity.id == found.id and activity.description == "One To One (ref mtg-http)"


def test_a_create_dropped_before_it_applied_is_outcome_unknown_and_absent(world: World) -> None:
    world.emulator.faults.add(Fault("drop", method="POST"))
    provider = world.provider()

    with pytest.raises(OutcomeUnknownError):
        provider.book(MEETING)

    assert provider.find(MEETING.reference, "agent-001", *DAY) == []
    found = collect(provider.activities(["agent-001"], *DAY))
    assert [a for a in found if a.type_id == "mtg"] == []


def test_a_delete_whose_answer_was_lost_is_outcome_unknown_then_not_found(world: World) -> None:
    provider = world.provider()
    created = provider.book(MEETING)
    world.emulator.faults.add(Fault("drop", path="/v0/activities/bulk", after_apply=True))

    with pytest.raises(OutcomeUnknownError):
        provider.cancel(created)
    with pytest.raises(NotFoundError):
        provider.cancel(created)

    deleted = [(a["id"], why) for a, why in world.emulator.state.ledger.deleted]
    assert deleted == [(created.id, "bulk delete by id")]


def test_creating_over_other_activities_deletes_nothing(world: World) -> None:
    provider = world.provider()
    before = len(world.emulator.state.activities)

    provider.book(MEETING)  # overlaps agent-001's shift

    assert len(world.emulator.state.activities) == before + 1
    assert world.emulator.state.ledger.deleted == [] and world.emulator.state.ledger.trimmed == []


def test_a_wrong_key_is_one_request_and_the_reauth_message(world: World) -> None:
    provider = http_provider(world.server, key="sk_live_" + "x" * 32, clock=world.clock)

    with pytest.raises(AuthError, match="invalid or expired"):
        provider.list_people()

    assert world.requests() == {"GET /v0/people 401": 1}


def test_a_big_schedule_is_exactly_the_planned_requests_and_every_activity_once() -> None:
    clock = InMemoryClock(T0)
    emulator = Emulator(EmulatorConfig(keys=(KEY,), rate=1000, burst=1000))
    seeded = shifts(30)
    seed(emulator.state, PEOPLE, TYPES, seeded)
    with EmulatorServer(emulator) as server:
        provider = http_provider(server, clock=clock, slice_days="7", max_url_bytes="1500")
        agents = [p.agent_id for p in PEOPLE if p.agent_id]
        groups = agent_groups(agents, server.base_url, 1500)

        got = collect(provider.activities(agents, T0, T0 + timedelta(days=30)))

    assert len(groups) == 3  # 200 agents at 1500 bytes per URL; 30 days -> 5 slices
    assert emulator.state.ledger.requests == {"GET /v0/activities 200": 5 * 3}
    assert sorted(a.id for a in got) == sorted(a.id for a in seeded)


# --- a limit the client was not told: learned from 429s ----------------------------------


@pytest.mark.parametrize(("rate", "burst"), [(2.0, 10), (1.0, 3)])
def test_a_slower_account_gives_a_slower_schedule_never_a_failure(
    world: World, rate: float, burst: int
) -> None:
    world.emulator.configure(rate=rate, burst=burst)
    seed(world.emulator.state, activities=shifts(60, agents=200))
    # one request at a time: concurrent sleeps on one fake clock would add up
    provider = world.provider(rate="5", burst="20", max_url_bytes="500", concurrency="1")
    shown: list[PlanProgress] = []
    provider.on_progress = shown.append
    agents = [p.agent_id for p in PEOPLE if p.agent_id]

    found = collect(provider.activities(agents, T0, T0 + timedelta(days=60)))

    assert len(found) == 200 * 60 + 5 * 3 - 5 * 3  # every shift once (the seed overlaps)
    counts = world.requests("GET /v0/activities")
    answered, limited = counts["GET /v0/activities 200"], counts.get("GET /v0/activities 429", 0)
    planned = 9 * len(agent_groups(sorted(agents), provider.config.base_url, 500))
    assert answered == planned and limited <= planned // 2
    assert provider.client.limiter.current().rate < 5  # it learned
    # and it said how long it would take, then that it was done
    assert shown and shown[-1].done == planned and shown[0].expected_seconds > 10


def test_a_short_plan_at_the_configured_rate_reports_nothing(world: World) -> None:
    provider = world.provider(rate="5", burst="20")
    shown: list[PlanProgress] = []
    provider.on_progress = shown.append

    collect(provider.activities(["agent-001"], T0, T0 + timedelta(days=14)))

    assert shown == []
