"""The gate (pure ASGI middleware) in front of an emulator's API routes.

For a request under one of the ``gated`` path prefixes, in order: the vendor's ``check``
(auth, rate limit: an answer it gives refuses the request), then latency and injected faults
(``faults.py``: ``status`` answers with the vendor's ``error`` body, ``drop`` closes the
connection, ``hang`` holds the answer; ``applies_first`` lets the request through first).
The ledger counts each request on arrival (``arrivals``) and once answered as
``"<METHOD> <path> <status>"`` (``requests``; ``dropped`` when no answer was given).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wfm_bridge.plugins.emulation.faults import FaultPlan
from wfm_bridge.plugins.emulation.ledger import Traffic

Check = Callable[[Scope], ASGIApp | None]
"""The vendor's checks before faults: None lets the request on, an answer (ASGI) refuses it."""

ErrorAnswer = Callable[[int, str, dict[str, str] | None], ASGIApp]
"""The vendor's error answer for a status, a message and headers."""


class _Config(Protocol):
    @property
    def latency(self) -> float: ...


class _State(Protocol):
    @property
    def lock(self) -> AbstractContextManager[Any]: ...

    @property
    def ledger(self) -> Traffic: ...


class Emulated(Protocol):
    """What the gate reads of an emulator (on every request: tests swap ``faults``)."""

    faults: FaultPlan
    stopping: threading.Event  # set on shutdown: hanging requests end early

    @property
    def config(self) -> _Config: ...

    @property
    def state(self) -> _State: ...


class Gate:
    """The vendor's check, faults and latency in front of the routes under ``gated``."""

    def __init__(
        self,
        app: ASGIApp,
        emulator: Emulated,
        *,
        gated: tuple[str, ...],
        check: Check,
        error: ErrorAnswer,
    ) -> None:
        self.app = app
        self.emu = emulator
        self.gated = gated
        self.check = check
        self.error = error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry."""
        if scope["type"] != "http" or not scope["path"].startswith(self.gated):
            await self.app(scope, receive, send)
            return
        endpoint = f"{scope['method']} {scope['path']}"
        answered = False
        state = self.emu.state

        def record(outcome: str) -> None:
            with state.lock:
                state.ledger.requests[f"{endpoint} {outcome}"] += 1

        async def recording(message: Message) -> None:
            # Recorded before the answer leaves, so a client never sees it before the ledger.
            nonlocal answered
            if message["type"] == "http.response.start":
                answered = True
                record(str(message["status"]))
            await send(message)

        def dropping() -> None:
            nonlocal answered
            answered = True
            record("dropped")

        with state.lock:
            state.ledger.arrivals[endpoint] += 1
        try:
            await self._gate(scope, receive, recording, send, dropping)
        finally:
            if not answered:  # e.g. the server stopped mid-request
                record("dropped")

    async def _gate(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        raw_send: Send,
        dropping: Callable[[], None],
    ) -> None:
        emu = self.emu
        refusal = self.check(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        extra, fault = emu.faults.take(scope["method"], scope["path"])
        delay = emu.config.latency + extra
        if delay > 0:
            await asyncio.sleep(delay)
        if fault is None:
            await self.app(scope, receive, send)
            return
        if fault.kind == "status":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
            await self.error(fault.status, "injected fault", headers)(scope, receive, send)
            return
        held: list[Message] = []
        if fault.applies_first:

            async def hold(message: Message) -> None:
                held.append(message)

            await self.app(scope, receive, hold)
        if fault.kind == "hang":
            await self._hang(fault.seconds)
            for message in held:  # the client has normally given up by now
                await send(message)
            if held:
                return
        dropping()
        await _drop(receive, raw_send)

    async def _hang(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        until = loop.time() + seconds
        while loop.time() < until and not self.emu.stopping.is_set():
            await asyncio.sleep(0.02)


async def _drop(receive: Receive, send: Send) -> None:
    """Close the connection without an answer (uvicorn's transport, else a truncated reply)."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"99")]}
        )
        return
    transport.abort()
    try:
        async with asyncio.timeout(1.0):
            while (await receive())["type"] != "http.disconnect":
                pass
    except TimeoutError:
        pass
