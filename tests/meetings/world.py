"""A small organisation wired through the real use cases over the in-memory fakes.

Built by a factory (not fixtures) so hypothesis examples each get a fresh world.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from wfm_bridge.core.activity_types import ActivityTypeCatalog
from wfm_bridge.core.availability import Classifier
from wfm_bridge.core.availability_check import AvailabilityCheck
from wfm_bridge.core.ledger import MeetingLedger
from wfm_bridge.core.mapping import EmployeeMapper
from wfm_bridge.core.meetings import MeetingService
from wfm_bridge.core.slots import SlotFinder, WorkingHours
from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend
from wfm_bridge.plugins.memory_fake.cache import InMemoryCache
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
from wfm_bridge.plugins.memory_fake.state import InMemoryStateStore
from wfm_bridge.ports.jsonvalue import JsonValue
from wfm_bridge.ports.models import Activity, ActivityType, Employee, ProviderPerson

NOW = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)  # a Monday
TENANT = "acme"
ANA, BO = "ana@example.com", "bo@example.com"

PEOPLE = (
    ProviderPerson(person_id="p-ana", agent_id="agent-ana", first_name="Ana", email=ANA),
    ProviderPerson(person_id="p-bo", agent_id="agent-bo", first_name="Bo", email=BO),
    ProviderPerson(
        person_id="p-yuki",
        agent_id="agent-yuki",
        first_name="Yuki",
        email="yuki@example.com",
        active=False,
    ),
)
SHIFT = ActivityType(id="type-shift", name="Shift")
BREAK = ActivityType(id="type-break", name="Break")
MEETING = ActivityType(id="type-meeting", name="Meeting")
OPEN = ActivityType(id="type-open", name="Open Time")
TYPES = (SHIFT, BREAK, MEETING, OPEN)


class ListDirectory:
    """Fake EmployeeDirectory over a list of employees."""

    def __init__(self, employees: list[Employee]) -> None:
        self._employees = list(employees)

    def list_employees(self) -> list[Employee]:
        """Every employee."""
        return list(self._employees)

    def find_by_email(self, email: str) -> Employee | None:
        """The employee with this email, case-insensitively."""
        key = email.strip().lower()
        return next((e for e in self._employees if (e.email or "").lower() == key), None)


class CountingState(InMemoryStateStore):
    """InMemoryStateStore that can fail its n-th write from now (put or put_if_absent)."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0
        self._armed: tuple[int, Exception] | None = None

    def fail_write(self, nth: int, error: Exception) -> None:
        """Make the ``nth`` write from now raise ``error`` (1 = the very next one)."""
        self._armed = (self.writes + nth, error)

    def _count(self) -> None:
        self.writes += 1
        if self._armed is not None and self._armed[0] == self.writes:
            self.fail_next_put, self._armed = self._armed[1], None

    def put(self, namespace: str, key: str, value: JsonValue) -> None:
        """Count, then store."""
        self._count()
        super().put(namespace, key, value)

    def put_if_absent(self, namespace: str, key: str, value: JsonValue) -> bool:
        """Count, then store if absent."""
        self._count()
        return super().put_if_absent(namespace, key, value)


def shift(agent: str, start: datetime, hours: float, n: int = 1) -> Activity:
    """A foreign (not ours) Shift activity."""
    return Activity(
        id=f"shift-{agent}-{n}",
        agent_id=agent,
        type_id=SHIFT.id,
        start=start,
        end=start + timedelta(hours=hours),
        description="regular shift",
    )


@dataclass
class World:
    """Every fake and use case of one tenant."""

    clock: InMemoryClock
    backend: FakeWfmBackend
    provider: InMemoryProvider
    state: CountingState
    cache: InMemoryCache
    mapper: EmployeeMapper
    catalog: ActivityTypeCatalog
    ledger: MeetingLedger
    meetings: MeetingService
    slots: SlotFinder


def make_world(
    activities: tuple[Activity, ...] = (),
    types: tuple[ActivityType, ...] = TYPES,
    now: datetime = NOW,
    host_name: str = "evaluagent",
    hours: WorkingHours = WorkingHours.parse("09:00-17:00"),
    step_minutes: int = 15,
    available: tuple[str, ...] = (),
    state: CountingState | None = None,
    provider_cls: type[InMemoryProvider] = InMemoryProvider,
    classifier: Classifier | None = None,
    checked: bool = False,
) -> World:
    """A fresh world: Ana and Bo are agents, Yuki is inactive; nobody is in the directory
    except Ana (the mapper falls back to the bare email for the others)."""
    clock = InMemoryClock(now)
    backend = FakeWfmBackend(people=PEOPLE, activity_types=types, activities=activities)
    provider = provider_cls(backend)
    state = state or CountingState()
    cache = InMemoryCache(clock)
    directory = ListDirectory([Employee(host_id="h-ana", name="Ana", email=ANA)])
    mapper = EmployeeMapper(provider, directory, cache, clock, TENANT)
    catalog = ActivityTypeCatalog(provider, cache, clock, TENANT)
    ledger = MeetingLedger(state, TENANT)
    ids = itertools.count(1)
    rules = classifier or Classifier(available_names=available)
    check = AvailabilityCheck(provider, catalog, rules, (hours.start, hours.end))
    meetings = MeetingService(
        provider,
        mapper,
        ledger,
        clock,
        host_name=host_name,
        max_length=hours.length,
        new_id=lambda: f"mtg-{next(ids):04d}",  # deterministic, so hypothesis replays exactly
        check=check if checked else None,
        zone_of=lambda email: "UTC",
    )
    slots = SlotFinder(
        provider,
        mapper,
        catalog,
        clock,
        hours=hours,
        step=timedelta(minutes=step_minutes),
        available=available,
        classifier=classifier,
    )
    return World(clock, backend, provider, state, cache, mapper, catalog, ledger, meetings, slots)


def second_installation(world: World) -> MeetingService:
    """Another installation of the same tenant: its own (empty) ledger, the same provider."""
    return MeetingService(
        world.provider,
        world.mapper,
        MeetingLedger(InMemoryStateStore(), world.ledger.tenant),
        world.clock,
        agents=lambda: ["agent-ana", "agent-bo"],
    )
