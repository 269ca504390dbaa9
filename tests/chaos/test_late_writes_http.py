"""The bug the chaos run found, replayed deterministically over HTTP: a create the emulator
applies only after the client timed out (and after its read-back found nothing) doubles the
meeting; `reconcile` must leave exactly the recorded activity, and touch nothing else."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from wfm_bridge.core.ledger import MeetingLedger
from wfm_bridge.core.mapping import EmployeeMapper
from wfm_bridge.core.meetings import MeetingService
from wfm_bridge.plugins.assembled.config import AssembledConfig
from wfm_bridge.plugins.assembled.provider import AssembledProvider
from wfm_bridge.plugins.emulation.faults import Fault, FaultPlan
from wfm_bridge.plugins.memory_fake.cache import InMemoryCache
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.demo import DEMO_AGENT_EMAIL, demo_employees
from wfm_bridge.plugins.memory_fake.directory import InMemoryEmployeeDirectory
from wfm_bridge.plugins.memory_fake.state import InMemoryStateStore

from .faults import FaultMix
from .vendors import MARKER
from .world import KEY, ChaosWorld

TIMEOUT = 0.4


class LateCreates(FaultPlan):
    """Faults for the emulator's gate: the first ``n`` creates are applied late."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.left = n

    def take(self, method: str, path: str) -> tuple[float, Fault | None]:
        """Hold the next create past the client's timeout before it is applied."""
        if method == "POST" and path == "/v0/activities" and self.left > 0:
            self.left -= 1
            return TIMEOUT + 0.4, None
        return 0.0, None


@pytest.fixture
def world(tmp_path: Path) -> Iterator[ChaosWorld]:
    with ChaosWorld(tmp_path, 0, FaultMix(client_timeout=TIMEOUT), rate=1000, burst=1000) as w:
        yield w


def _service(world: ChaosWorld) -> MeetingService:
    clock = InMemoryClock(datetime.now(UTC))  # backoff costs no time; the server's delay does
    options = {"base_url": world.url, "timeout": str(TIMEOUT), "rate": "1000", "burst": "1000"}
    provider = AssembledProvider(AssembledConfig.from_options(options), SecretStr(KEY), clock)
    cache = InMemoryCache(clock)
    directory = InMemoryEmployeeDirectory(demo_employees())
    mapper = EmployeeMapper(provider, directory, cache, clock, "t")
    ledger = MeetingLedger(InMemoryStateStore(), "t")
    return MeetingService(provider, mapper, ledger, clock)


def _marked(world: ChaosWorld) -> list[str]:
    with world.emulator.state.lock:
        activities = list(world.emulator.state.activities.values())
    return sorted(a["id"] for a in activities if MARKER.search(a["description"]))


def _wait_for_created(world: ChaosWorld, n: int) -> None:
    """Until the emulator has applied ``n`` creates (the late one included)."""
    deadline = time.monotonic() + 10
    while len(world.emulator.state.ledger.created) < n:
        assert time.monotonic() < deadline, "the late create never landed"
        time.sleep(0.05)


def test_a_create_applied_after_its_read_back_leaves_no_duplicate(world: ChaosWorld) -> None:
    with world.emulator.state.lock:
        foreign = {k: dict(a) for k, a in world.emulator.state.activities.items()}
    world.emulator.faults = LateCreates(1)
    meetings = _service(world)
    start = (datetime.now(UTC) + timedelta(days=2)).replace(hour=10, minute=0, second=0)

    meeting = meetings.book(DEMO_AGENT_EMAIL, start, 30, key="k1")
    _wait_for_created(world, 2)
    assert len(_marked(world)) == 2  # the retry's activity and the late one: a double

    done = meetings.reconcile()

    assert _marked(world) == [meeting.provider_activity_id]
    assert done.swept and meeting.provider_activity_id not in done.swept
    with world.emulator.state.lock:
        after = world.emulator.state.activities
        assert all(after.get(k) == a for k, a in foreign.items())
        assert world.emulator.state.ledger.trimmed == []


def test_a_late_create_of_a_cancelled_meeting_is_removed(world: ChaosWorld) -> None:
    world.emulator.faults = LateCreates(1)
    meetings = _service(world)
    start = (datetime.now(UTC) + timedelta(days=3)).replace(hour=11, minute=0, second=0)

    meeting = meetings.book(DEMO_AGENT_EMAIL, start, 45)
    meetings.cancel(meeting.id)
    _wait_for_created(world, 2)
    assert len(_marked(world)) == 1  # the late copy outlived the cancel: an orphan

    meetings.reconcile()

    assert _marked(world) == []


def test_wfm_meetings_reconcile_says_what_it_removed(world: ChaosWorld) -> None:
    home = world.home("cli")
    world.emulator.faults = LateCreates(1)
    start = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT10:30")
    booked = world.wfm(home, "meetings", "book", DEMO_AGENT_EMAIL, "--start", start,
                       "--minutes", "30", "--force", "--json")  # fmt: skip
    assert booked.code == 0, booked.err
    _wait_for_created(world, 2)

    done = world.wfm(home, "meetings", "reconcile")

    assert done.code == 0 and "removed 1 stray copy(ies) of our meetings" in done.out
    assert _marked(world) == [booked.json()["provider_activity_id"]]
