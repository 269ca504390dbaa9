"""Entry point of the local plugin: production adapters for the non-provider ports.

key_vault "local" (AES-GCM file vault), cache "local" (diskcache), state "local" (SQLite),
clock "system", rate_limiter "local" (adaptive per-key token buckets, in-process).
Import-light: every adapter is imported inside its factory.
"""

from __future__ import annotations

from typing import Any

from wfm_bridge.ports import hookimpl
from wfm_bridge.ports.registry import AdapterContext, AdapterRegistry, PortKind

PLUGIN = "local"
wfm_api_version = "1"


def _vault(ctx: AdapterContext) -> Any:
    import os

    from wfm_bridge.plugins.local.master_keys import ENV_VAR, EnvMasterKeys, FileMasterKeys
    from wfm_bridge.plugins.local.vault import AesGcmKeyVault

    configured = os.environ.get(ENV_VAR, "")
    source = (
        EnvMasterKeys.from_text(configured)
        if configured.strip()
        else FileMasterKeys(ctx.data_dir / "master.keys")
    )
    return AesGcmKeyVault(ctx.data_dir, source)


def _cache(ctx: AdapterContext) -> Any:
    from wfm_bridge.plugins.local.cache import DiskCache
    from wfm_bridge.plugins.local.clock import SystemClock

    return DiskCache(ctx.data_dir / "cache", SystemClock())


def _state(ctx: AdapterContext) -> Any:
    from wfm_bridge.plugins.local.state import SqliteStateStore

    return SqliteStateStore(ctx.data_dir / "state")


def _clock(ctx: AdapterContext) -> Any:
    from wfm_bridge.plugins.local.clock import SystemClock

    return SystemClock()


def _limiters(ctx: AdapterContext) -> Any:
    from wfm_bridge.plugins.local.clock import SystemClock
    from wfm_bridge.plugins.local.ratelimit import LocalRateLimiters

    return LocalRateLimiters(ctx.clock or SystemClock())


@hookimpl
def wfm_register_adapters(registry: AdapterRegistry) -> None:
    """Register the local adapters (the defaults outside tests)."""
    registry.add(
        PortKind.KEY_VAULT, "local", _vault, plugin=PLUGIN,
        description="AES-GCM file in the data dir; master keys from WFM_MASTER_KEYS or key file",
    )
    registry.add(
        PortKind.CACHE, "local", _cache, plugin=PLUGIN, description="diskcache in the data dir"
    )
    registry.add(
        PortKind.STATE, "local", _state, plugin=PLUGIN, description="SQLite (WAL) + flock locks"
    )
    registry.add(PortKind.CLOCK, "system", _clock, plugin=PLUGIN, description="wall clock, UTC")
    registry.add(
        PortKind.RATE_LIMITER, "local", _limiters, plugin=PLUGIN,
        description="adaptive (AIMD) token bucket per API key, shared within the process",
    )
