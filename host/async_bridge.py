"""``AsyncBridge``: the same use cases as ``Bridge``, as awaitables that never block the loop.

httpx's convention (``Client`` / ``AsyncClient``): one API, two ways to call it.
``await abridge.tenant("acme").schedules.view(...)`` runs the synchronous use case on a
bounded pool of worker threads owned by the bridge (``max_workers``, default 8), so the event
loop only ever awaits; the use cases, their locks and single-flight cache fills are exactly
those of ``Bridge`` (one provider per tenant, shared by both calling conventions). The pool
bounds how many provider calls one process makes at once; a call waiting for a worker waits
on the loop, not in it.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from wfm_bridge.host.bridge import Bridge
from wfm_bridge.host.settings import Settings
from wfm_bridge.host.tenant import Tenant


class AsyncBridge:
    """wfm-bridge for an asyncio host: ``async with AsyncBridge() as bridge: ...``."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        plugins: Sequence[object] = (),
        max_workers: int = 8,
        bridge: Bridge | None = None,
        **overrides: Any,
    ) -> None:
        self.sync = (
            bridge if bridge is not None else Bridge(settings, plugins=plugins, **overrides)
        )
        self._pool = ThreadPoolExecutor(max_workers, thread_name_prefix="wfm-bridge")

    def tenant(self, name: str, *, provider: str | None = None) -> AsyncTenant:
        """That tenant's use cases as awaitables (nothing is built until first awaited)."""
        return AsyncTenant(self, lambda: self.sync.tenant(name, provider=provider))

    async def run(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run any synchronous bridge call on the pool and await its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(call, *args, **kwargs))

    async def aclose(self) -> None:
        """Wait for running calls, then close the bridge (off the loop)."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._shutdown)

    def _shutdown(self) -> None:
        self._pool.shutdown(wait=True)
        self.sync.close()

    async def __aenter__(self) -> AsyncBridge:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class AsyncTenant:
    """One tenant's use cases; ``await tenant.mapping.map_all()`` and the like."""

    def __init__(self, owner: AsyncBridge, resolve: Callable[[], Any]) -> None:
        self._owner = owner
        self._resolve = resolve

    def __getattr__(self, name: str) -> Any:
        found = getattr(Tenant, name, None)
        if name.startswith("_") or found is None:
            raise AttributeError(f"a tenant has no use case {name!r}")
        if isinstance(found, property):  # a use case: its methods become awaitable
            return _AsyncUseCase(self._owner, self._resolve, name)

        async def call(*args: Any, **kwargs: Any) -> Any:  # a tenant method, e.g. export_status
            return await self._owner.run(lambda: getattr(self._resolve(), name)(*args, **kwargs))

        return call

    async def export(self, *args: Any, **kwargs: Any) -> _AsyncUseCase:
        """The export use case (built on the pool), its methods awaitable."""
        built = await self._owner.run(lambda: self._resolve().export(*args, **kwargs))
        return _AsyncUseCase(self._owner, lambda: built, None)


class _AsyncUseCase:
    """Awaitable methods of one use case, resolved (and built) on the worker pool."""

    def __init__(
        self, owner: AsyncBridge, resolve: Callable[[], Any], attribute: str | None
    ) -> None:
        self._owner = owner
        self._resolve = resolve
        self._attribute = attribute

    def _target(self) -> Any:
        found = self._resolve()
        return found if self._attribute is None else getattr(found, self._attribute)

    def __getattr__(self, method: str) -> Callable[..., Any]:
        if method.startswith("_"):
            raise AttributeError(method)

        async def call(*args: Any, **kwargs: Any) -> Any:
            return await self._owner.run(
                lambda: getattr(self._target(), method)(*args, **kwargs)
            )

        call.__name__ = method
        return call
