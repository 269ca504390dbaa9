"""Entry point of the memory_fake plugin: in-memory adapters for every port.

Import-light: adapters are imported inside the factories.
"""

from __future__ import annotations

from typing import Any

from ports import hookimpl
from ports.registry import AdapterContext, AdapterRegistry, PortKind, ProviderContext

PLUGIN = "memory_fake"


def _clock(ctx: AdapterContext) -> Any:
    from plugins.memory_fake.clock import InMemoryClock

    return InMemoryClock()


def _cache(ctx: AdapterContext) -> Any:
    from datetime import UTC, datetime

    from plugins.memory_fake.cache import InMemoryCache

    class _WallClock:
        def now(self) -> datetime:
            return datetime.now(UTC)

        def sleep(self, seconds: float) -> None:  # pragma: no cover - never used by the cache
            pass

    return InMemoryCache(_WallClock())


def _state(ctx: AdapterContext) -> Any:
    from plugins.memory_fake.state import InMemoryStateStore

    return InMemoryStateStore()


def _provider(ctx: ProviderContext) -> Any:
    from plugins.memory_fake.backend import FakeWfmBackend
    from plugins.memory_fake.provider import InMemoryProvider

    return InMemoryProvider(FakeWfmBackend(), ctx.api_key)


@hookimpl
def wfm_register_adapters(registry: AdapterRegistry) -> None:
    """Register the in-memory adapters."""
    registry.add(PortKind.CLOCK, "memory", _clock, plugin=PLUGIN, description="controllable")
    registry.add(PortKind.CACHE, "memory", _cache, plugin=PLUGIN, description="per process")
    registry.add(PortKind.STATE, "memory", _state, plugin=PLUGIN, description="per process")
    registry.add(
        PortKind.PROVIDER, "memory_fake", _provider, plugin=PLUGIN, description="demo org"
    )
