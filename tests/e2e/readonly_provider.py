"""``readonly``: a test provider plugin on the same hook real plugins use, declaring only
``schedules`` (no 1:1s, no scores, no teams); it serves the demo organisation's schedules."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from e2e.cli_run import DEMO_ANCHOR
from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend
from wfm_bridge.plugins.memory_fake.demo import ACTIVITY_TYPES, demo_activities, demo_people
from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
from wfm_bridge.ports import hookimpl
from wfm_bridge.ports.models import ActivityBatch, ActivityType, ProviderPerson
from wfm_bridge.ports.registry import AdapterRegistry, PortKind, ProviderContext


class SchedulesOnly:
    """A schedule source and nothing else."""

    name = "readonly"

    def __init__(self, backend: FakeWfmBackend) -> None:
        self._inner = InMemoryProvider(backend)

    def check_credentials(self) -> None:
        """Always fine (no key)."""
        self._inner.check_credentials()

    def list_people(self) -> list[ProviderPerson]:
        """The demo people."""
        return self._inner.list_people()

    def list_activity_types(self) -> list[ActivityType]:
        """The demo activity types."""
        return self._inner.list_activity_types()

    def activities(
        self, agent_ids: Sequence[str], start: datetime, end: datetime
    ) -> Iterator[ActivityBatch]:
        """The demo schedule."""
        return self._inner.activities(agent_ids, start, end)


@dataclass
class ReadOnlyPlugin:
    """Registers ``readonly`` (schedules only) and counts how often it is built."""

    builds: int = 0

    @hookimpl
    def wfm_register_adapters(self, registry: AdapterRegistry) -> None:
        """Register the schedules-only provider (``schedules`` is the default)."""
        registry.add(PortKind.PROVIDER, "readonly", self._build, plugin="readonly_test")

    def _build(self, ctx: ProviderContext) -> SchedulesOnly:
        self.builds += 1
        anchor = date.fromisoformat(DEMO_ANCHOR)
        backend = FakeWfmBackend(demo_people(), ACTIVITY_TYPES, demo_activities(anchor))
        return SchedulesOnly(backend)
