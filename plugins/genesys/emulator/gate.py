"""The emulator's gate (pure ASGI) in front of the API, token and download routes.

In order: bearer token (``/api/v2`` only; 401 when missing, unknown or expired), the
per-token rate limit (429 with ``Retry-After``), injected faults and latency. The ledger
counts each request on arrival (``arrivals``) and once answered as
``"<METHOD> <path> <status>"`` (``requests``; ``dropped`` when no answer was given).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wfm_bridge.plugins.genesys.emulator.emulator import Emulator
from wfm_bridge.plugins.genesys.emulator.responses import error_response

GATED = ("/api/v2/", "/oauth/", "/_downloads/")


def bearer_token(scope: Scope) -> str | None:
    """The token of a ``Bearer`` ``Authorization`` header."""
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() or None if scheme.lower() == "bearer" else None
    return None


class Gate:
    """Auth, rate limit, faults and latency in front of the routes in ``GATED``."""

    def __init__(self, app: ASGIApp, emulator: Emulator) -> None:
        self.app = app
        self.emu = emulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry."""
        if scope["type"] != "http" or not scope["path"].startswith(GATED):
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
        if scope["path"].startswith("/api/v2/"):
            token = bearer_token(scope)
            if emu.client_of(token) is None:
                await error_response(401, "Invalid login credentials.")(scope, receive, send)
                return
            assert token is not None
            wait = emu.admit(token)
            if wait is not None:
                seconds = emu.retry_after_header(wait)
                headers = {"Retry-After": seconds} if emu.config.retry_after_on_limit else None
                text = f"Rate limit exceeded the maximum. Retry the request in [{seconds}] seconds"
                await error_response(429, text, headers)(scope, receive, send)
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
            await error_response(fault.status, "injected fault", headers)(scope, receive, send)
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
