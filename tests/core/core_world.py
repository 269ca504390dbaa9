"""A small world of fakes for core use-case tests: clock, cache, fake backend, directory.

Built by a factory (not fixtures) so hypothesis gets a fresh world for every example.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from wfm_bridge.core.activity_types import ActivityTypeCatalog
from wfm_bridge.core.mapping import EmployeeMapper
from wfm_bridge.core.schedules import ScheduleService
from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend
from wfm_bridge.plugins.memory_fake.cache import InMemoryCache
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
from wfm_bridge.ports.jsonvalue import JsonValue
from wfm_bridge.ports.models import Activity, ActivityType, Employee, ProviderPerson

T0 = datetime(2024, 6, 10, 9, 0, tzinfo=UTC)


class ListDirectory:
    """EmployeeDirectory fake over a list."""

    def __init__(self, employees: Iterable[Employee] = ()) -> None:
        self.employees = list(employees)

    def list_employees(self) -> list[Employee]:
        """Every employee in list order."""
        return list(self.employees)

    def find_by_email(self, email: str) -> Employee | None:
        """First employee whose email matches (trimmed, case-insensitive)."""
        key = email.strip().casefold()
        return next((e for e in self.employees if (e.email or "").strip().casefold() == key), None)


class RecordingCache(InMemoryCache):
    """InMemoryCache that remembers every namespace and value written."""

    def __init__(self, clock: InMemoryClock) -> None:
        super().__init__(clock)
        self.writes: list[tuple[str, str, JsonValue]] = []

    def set(self, namespace: str, key: str, value: JsonValue, ttl_seconds: float | None) -> None:
        """Store and record."""
        self.writes.append((namespace, key, value))
        super().set(namespace, key, value, ttl_seconds)


@dataclass
class World:
    """Every fake and use case of one tenant, wired together."""

    clock: InMemoryClock
    cache: RecordingCache
    backend: FakeWfmBackend
    provider: InMemoryProvider
    directory: ListDirectory
    tenant: str = "acme"
    created: set[str] = field(default_factory=set)

    def mapper(self) -> EmployeeMapper:
        """A new mapper (as a new process would build it) over the shared cache."""
        return EmployeeMapper(self.provider, self.directory, self.cache, self.clock, self.tenant)

    def catalog(self) -> ActivityTypeCatalog:
        """A new activity type catalog over the shared cache."""
        return ActivityTypeCatalog(self.provider, self.cache, self.clock, self.tenant)

    def schedules(self) -> ScheduleService:
        """A new schedule service."""
        return ScheduleService(
            self.provider, self.mapper(), self.catalog(), created_here=lambda: set(self.created)
        )


def make_world(
    people: Iterable[ProviderPerson] = (),
    employees: Iterable[Employee] = (),
    activity_types: Iterable[ActivityType] = (),
    activities: Iterable[Activity] = (),
    now: datetime = T0,
    tenant: str = "acme",
) -> World:
    """A fresh world holding this data."""
    clock = InMemoryClock(now)
    backend = FakeWfmBackend(people, activity_types, activities)
    return World(
        clock=clock,
        cache=RecordingCache(clock),
        backend=backend,
        provider=InMemoryProvider(backend),
        directory=ListDirectory(employees),
        tenant=tenant,
    )


def person(
    pid: str,
    agent_id: str | None = None,
    first: str = "",
    last: str = "",
    email: str | None = None,
    active: bool = True,
) -> ProviderPerson:
    """A provider person, briefly."""
    return ProviderPerson(
        person_id=pid,
        agent_id=agent_id,
        first_name=first,
        last_name=last,
        email=email,
        active=active,
    )
