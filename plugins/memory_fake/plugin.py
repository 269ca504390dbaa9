"""Entry point of the memory_fake plugin: in-memory adapters for every port.

Provider ``memory_fake`` is the seeded demo organisation (plugins/memory_fake/demo.py),
persisted per tenant in the data directory (plugins/memory_fake/store.py); it declares no
credentials, so nothing is stored for it in the key vault.
Directory ``demo`` is the matching host-side employee list. Clock, cache, state and export
claims ``memory`` live for one process. `wfm demo reset` comes from plugins/memory_fake/cli.py.
Import-light: adapters are imported inside the factories.
"""

from __future__ import annotations

from typing import Any

from wfm_bridge.ports import hookimpl
from wfm_bridge.ports.commands import CommandRegistry
from wfm_bridge.ports.registry import AdapterContext, AdapterRegistry, PortKind, ProviderContext

PLUGIN = "memory_fake"
wfm_api_version = "1"


def _clock(ctx: AdapterContext) -> Any:
    from wfm_bridge.plugins.memory_fake.clock import InMemoryClock

    return InMemoryClock()


def _cache(ctx: AdapterContext) -> Any:
    from datetime import UTC, datetime

    from wfm_bridge.plugins.memory_fake.cache import InMemoryCache

    class _WallClock:
        def now(self) -> datetime:
            return datetime.now(UTC)

        def sleep(self, seconds: float) -> None:  # pragma: no cover - never used by the cache
            pass

    return InMemoryCache(_WallClock())


def _state(ctx: AdapterContext) -> Any:
    from wfm_bridge.plugins.memory_fake.state import InMemoryStateStore

    return InMemoryStateStore()


def _claims(ctx: AdapterContext) -> Any:
    from wfm_bridge.plugins.memory_fake.claims import InMemoryTenantClaims

    return InMemoryTenantClaims()


def _directory(ctx: AdapterContext) -> Any:
    from wfm_bridge.plugins.memory_fake.demo import demo_employees
    from wfm_bridge.plugins.memory_fake.directory import InMemoryEmployeeDirectory

    return InMemoryEmployeeDirectory(demo_employees())


def _vault(ctx: AdapterContext) -> Any:
    from wfm_bridge.plugins.memory_fake.vault import InMemoryKeyVault

    return InMemoryKeyVault()


def _provider(ctx: ProviderContext) -> Any:
    from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
    from wfm_bridge.plugins.memory_fake.store import configured_anchor, open_demo_backend

    backend = open_demo_backend(
        ctx.data_dir,
        ctx.tenant,
        today=ctx.clock.now().date(),
        anchor=configured_anchor(ctx.options),
    )
    return InMemoryProvider(backend, ctx.credentials.get("api_key"))


def _scores(ctx: AdapterContext) -> Any:
    from wfm_bridge.plugins.memory_fake.scores import DemoScoreSource, demo_scores_path

    return DemoScoreSource(demo_scores_path(ctx.data_dir, ctx.tenant))


@hookimpl
def wfm_register_adapters(registry: AdapterRegistry) -> None:
    """Register the in-memory adapters."""
    registry.add(PortKind.CLOCK, "memory", _clock, plugin=PLUGIN, description="controllable")
    registry.add(PortKind.CACHE, "memory", _cache, plugin=PLUGIN, description="per process")
    registry.add(PortKind.STATE, "memory", _state, plugin=PLUGIN, description="per process")
    registry.add(
        PortKind.CLAIMS, "memory", _claims, plugin=PLUGIN, description="export claims, per process"
    )
    registry.add(PortKind.KEY_VAULT, "memory", _vault, plugin=PLUGIN, description="per process")
    registry.add(PortKind.SCORES, "demo", _scores, plugin=PLUGIN, description="demo QA scores")
    registry.add(
        PortKind.DIRECTORY, "demo", _directory, plugin=PLUGIN, description="demo employees"
    )
    registry.add(
        PortKind.PROVIDER,
        "memory_fake",
        _provider,
        plugin=PLUGIN,
        description="seeded demo org, saved in the data directory",
        capabilities=("schedules", "one_to_ones", "scores", "teams"),
    )


@hookimpl
def wfm_register_commands(commands: CommandRegistry) -> None:
    """Add ``wfm demo reset`` (typer and the command module load here, not at import)."""
    from wfm_bridge.plugins.memory_fake.cli import register

    register(commands)
