"""Every use case end to end over HTTP: core -> AssembledProvider -> emulator.

Mapping and schedules must come out exactly as over the in-memory fake holding the same demo
organisation; meetings must never delete or trim anything but their own activity (checked in
the emulator's ledger, which has Assembled's real semantics); the export must lose nothing and
double nothing under injected faults.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from wfm_bridge.core.activity_types import ActivityTypeCatalog
from wfm_bridge.core.export import ExportPolicy, ExportScores
from wfm_bridge.core.ledger import MeetingLedger
from wfm_bridge.core.mapping import EmployeeMapper
from wfm_bridge.core.meetings import MeetingService
from wfm_bridge.core.schedules import ScheduleService
from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.assembled.emulator.seed import seed_demo
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer
from wfm_bridge.plugins.emulation.faults import Fault
from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend
from wfm_bridge.plugins.memory_fake.cache import InMemoryCache
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.demo import (
    ACTIVITY_TYPES,
    demo_activities,
    demo_anchor,
    demo_employees,
    demo_people,
)
from wfm_bridge.plugins.memory_fake.directory import InMemoryEmployeeDirectory
from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
from wfm_bridge.plugins.memory_fake.scores import InMemoryScoreSource
from wfm_bridge.plugins.memory_fake.state import InMemoryStateStore
from wfm_bridge.ports.models import MeetingStatus, QaScore
from wfm_bridge.ports.registry import CallBudget

from .support import KEY, http_provider

NOW = datetime(2025, 6, 4, 7, 0, tzinfo=UTC)  # a Wednesday, before anyone's shift
ANCHOR = demo_anchor(NOW.date())
TENANT = "acme"
ANA = "ana.lee@example.com"


@dataclass
class UseCases:
    """The core use cases of one tenant over one provider."""

    provider: Any  # every capability port: a ScheduleSource, OneToOneCalendar, ScoreSink
    clock: InMemoryClock
    mapper: EmployeeMapper
    catalog: ActivityTypeCatalog
    ledger: MeetingLedger
    schedules: ScheduleService
    meetings: MeetingService


def use_cases(provider: Any, clock: InMemoryClock) -> UseCases:
    cache = InMemoryCache(clock)
    mapper = EmployeeMapper(
        provider, InMemoryEmployeeDirectory(demo_employees()), cache, clock, TENANT
    )
    catalog = ActivityTypeCatalog(provider, cache, clock, TENANT)
    ledger = MeetingLedger(InMemoryStateStore(), TENANT)
    schedules = ScheduleService(provider, mapper, catalog, ledger.booked_activity_ids)
    meetings = MeetingService(provider, mapper, ledger, clock)
    return UseCases(provider, clock, mapper, catalog, ledger, schedules, meetings)


def same(value: Any) -> str:
    """JSON of DTOs with the provider's name neutralised (messages name their provider)."""
    text = json.dumps(to_jsonable(value), sort_keys=True)
    return text.replace("assembled", "PROVIDER").replace("memory_fake", "PROVIDER")


def to_jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [to_jsonable(v) for v in value]
    return value.model_dump(mode="json")


@pytest.fixture(scope="module")
def demo_server() -> Iterator[EmulatorServer]:
    """The demo organisation in an emulator (read-only tests share it)."""
    emulator = Emulator(EmulatorConfig(keys=(KEY,), rate=1000, burst=1000))
    seed_demo(emulator.state, NOW.date())
    with EmulatorServer(emulator) as server:
        yield server


@pytest.fixture(scope="module")
def fake() -> UseCases:
    """The same organisation in the in-memory fake."""
    backend = FakeWfmBackend(demo_people(), ACTIVITY_TYPES, demo_activities(ANCHOR))
    clock = InMemoryClock(NOW)
    return use_cases(InMemoryProvider(backend), clock)


@dataclass
class Demo:
    """A demo emulator of its own (for writes) and the use cases over HTTP to it."""

    emulator: Emulator
    server: EmulatorServer
    uc: UseCases


@pytest.fixture
def demo() -> Iterator[Demo]:
    emulator = Emulator(EmulatorConfig(keys=(KEY,), rate=1000, burst=1000))
    seed_demo(emulator.state, NOW.date())
    with EmulatorServer(emulator) as server:
        clock = InMemoryClock(NOW)
        yield Demo(emulator, server, use_cases(http_provider(server, clock=clock), clock))


def test_mapping_over_http_is_the_same_as_over_the_fake(
    demo_server: EmulatorServer, fake: UseCases
) -> None:
    clock = InMemoryClock(NOW)
    over_http = use_cases(http_provider(demo_server, clock=clock), clock)

    assert same(over_http.mapper.map_all()) == same(fake.mapper.map_all())
    for email in ("Maria.Garcia@Example.COM", "yuki.tanaka@example.com", "sam.t@partner.example"):
        assert same(over_http.mapper.explain(email)) == same(fake.mapper.explain(email))


@pytest.mark.parametrize(
    ("offset", "days", "tz"), [(14, 14, "America/Chicago"), (0, 60, "Asia/Manila")]
)
def test_schedules_over_http_are_the_same_as_over_the_fake(
    demo_server: EmulatorServer, fake: UseCases, offset: int, days: int, tz: str
) -> None:
    clock = InMemoryClock(NOW)
    over_http = use_cases(http_provider(demo_server, clock=clock), clock)
    emails = [e.email for e in demo_employees() if e.email]
    start = ANCHOR + timedelta(days=offset)

    got = over_http.schedules.view(emails, start, days, tz)

    assert same(got) == same(fake.schedules.view(emails, start, days, tz))
    assert len(got.employees) > 30 and got.unmapped


def test_booking_and_cancelling_touch_nothing_but_the_meeting(demo: Demo) -> None:
    emulator, uc = demo.emulator, demo.uc
    before = dict(emulator.state.activities)
    start = datetime(2025, 6, 5, 15, 0, tzinfo=UTC)  # inside Ana's Thursday shift

    meeting = uc.meetings.book(ANA, start, 30, "Quarterly review")

    (created,) = emulator.state.ledger.created
    assert meeting.status is MeetingStatus.BOOKED and meeting.provider_activity_id == created["id"]
    assert created["description"].startswith("One To One [Created via evaluagent] - Quarterly")
    assert emulator.state.ledger.deleted == [] and emulator.state.ledger.trimmed == []
    day = uc.schedules.view([ANA], start.date(), 7, "UTC").employees[0].days[0]
    assert [b.activity for b in day.blocks if b.created_here] == ["Meeting"]

    uc.meetings.cancel(meeting.id)

    assert [(a["id"], why) for a, why in emulator.state.ledger.deleted] == [
        (created["id"], "bulk delete by id")
    ]
    assert emulator.state.activities == before


def test_a_booking_whose_answer_was_lost_is_read_back_not_doubled(demo: Demo) -> None:
    emulator, uc = demo.emulator, demo.uc
    emulator.faults.add(Fault("drop", method="POST", path="/v0/activities", after_apply=True))
    start = datetime(2025, 6, 5, 15, 0, tzinfo=UTC)

    try:
        meeting = uc.meetings.book(ANA, start, 30, "Retry me", key="k-1")
    except Exception:  # an honest "could not confirm" is fine; a duplicate is not
        meeting = uc.meetings.book(ANA, start, 30, "Retry me", key="k-1")

    assert len(emulator.state.ledger.created) == 1
    assert meeting.provider_activity_id == emulator.state.ledger.created[0]["id"]
    assert emulator.state.ledger.deleted == [] and emulator.state.ledger.trimmed == []


def _score(evaluation: str, email: str, value: float, minute: int) -> QaScore:
    return QaScore(
        evaluation_id=evaluation,
        agent_email=email,
        score=value,
        max_score=100,
        scorecard="Calls",
        evaluated_at=NOW,
        updated_at=NOW + timedelta(minutes=minute),
    )


def test_the_export_loses_nothing_and_doubles_nothing_under_faults(demo: Demo) -> None:
    emulator, uc = demo.emulator, demo.uc
    # the hourly job's budget; a short read timeout so the "hang" fault costs half a second
    provider = http_provider(
        demo.server, clock=uc.clock, budget=CallBudget.BACKGROUND, timeout="0.5"
    )
    mapped = [e.email for e in demo_employees()[:6] if e.email]
    source = InMemoryScoreSource(
        _score(f"ev-{i}", mapped[i % len(mapped)], 50 + i, i) for i in range(12)
    )
    source.record(_score("ev-lost", "noah.fischer@example.com", 10, 99))  # maps to nobody
    for fault in (
        Fault("status", status=503, method="POST"),
        Fault("drop", method="POST", after_apply=True),
        Fault("status", status=429, retry_after="2", method="POST"),
        Fault("hang", seconds=30, method="POST", after_apply=True),
    ):
        emulator.faults.add(fault)
    export = ExportScores(
        source,
        provider,
        uc.mapper,
        InMemoryStateStore(),
        uc.clock,
        TENANT,
        ExportPolicy(batch_size=5),
    )

    report = export.run()
    source.record(_score("ev-3", mapped[3], 99, 200))  # re-scored after the export
    second = export.run()

    rows = emulator.state.scores
    assert sorted(rows) == sorted(f"ev-{i}" for i in range(12))  # nothing lost, nothing extra
    assert rows["ev-3"]["score"] == 99
    assert report.pending_unmapped == 1 and second.sent == 1
    pushed = [
        r["conversation_external_id"] for batch in emulator.state.ledger.pushed for r in batch
    ]
    assert set(pushed) == set(rows)
