"""Entry point of the redis plugin: cache ``redis`` and rate limiter ``redis``.

Chosen by name (``WFM_CACHE=redis``, ``WFM_RATE_LIMITER=redis``), the server from
``WFM_REDIS_URL`` and every key under ``WFM_REDIS_PREFIX`` (default ``wfm:``).
Import-light: redis-py (the ``fleet`` extra) is imported inside the factories.
"""

from __future__ import annotations

from typing import Any

from wfm_bridge.ports import hookimpl
from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.registry import AdapterContext, AdapterRegistry, PortKind

PLUGIN = "redis"


def _server(ctx: AdapterContext, what: str) -> Any:
    url = ctx.options.get("redis_url")
    if not url:
        raise InvalidInputError(
            f"the redis {what} needs a server: set WFM_REDIS_URL (e.g. redis://cache.internal:6379/0)"
        )
    try:
        from wfm_bridge.plugins.redis.server import RedisServer
    except ImportError as exc:  # pragma: no cover - redis-py is an optional extra
        raise InvalidInputError(
            f"the redis {what} needs redis-py: pip install 'wfm-bridge[fleet]' ({exc})"
        ) from exc
    if ctx.clock is None:  # pragma: no cover - the composition root always passes its clock
        raise InvalidInputError("the redis adapters need the shared clock")
    return RedisServer(url, ctx.options.get("redis_prefix") or "wfm:", ctx.clock)


def _cache(ctx: AdapterContext) -> Any:
    from wfm_bridge.plugins.redis.cache import RedisCache

    return RedisCache(_server(ctx, "cache"), ctx.clock)  # type: ignore[arg-type]


def _limiters(ctx: AdapterContext) -> Any:
    from wfm_bridge.plugins.redis.ratelimit import RedisRateLimiters

    return RedisRateLimiters(_server(ctx, "rate limiter"), ctx.clock)  # type: ignore[arg-type]


@hookimpl
def wfm_register_adapters(registry: AdapterRegistry) -> None:
    """Register the Redis cache and shared rate limiters."""
    registry.add(
        PortKind.CACHE, "redis", _cache, plugin=PLUGIN,
        description="Redis (WFM_REDIS_URL), shared by every machine",
    )
    registry.add(
        PortKind.RATE_LIMITER, "redis", _limiters, plugin=PLUGIN,
        description="one adaptive limit per API key across every process (Lua, atomic)",
    )
