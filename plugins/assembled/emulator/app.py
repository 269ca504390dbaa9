"""The emulator's HTTP face: Assembled's ``/v0`` endpoints behind a gate, plus admin routes.

The gate (pure ASGI, ``/v0`` only) applies, in order: Basic auth against the configured keys
(401), the per-key rate limit (429, with ``Retry-After`` unless configured off), injected
faults and latency. The ledger counts each request on arrival (``arrivals``) and once answered
as ``"<METHOD> <path> <status>"`` (``requests``; ``dropped`` when no answer was given).

Admin routes (no auth, loopback only) live in admin.py under ``/_emulator/``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wfm_bridge.plugins.assembled.emulator.admin import admin_routes
from wfm_bridge.plugins.assembled.emulator.emulator import Emulator
from wfm_bridge.plugins.assembled.emulator.responses import error_response, json_body, json_response
from wfm_bridge.plugins.assembled.emulator.state import Rejected


def basic_key(scope: Scope) -> str | None:
    """The API key from a Basic ``Authorization`` header (username, empty password)."""
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() != "basic":
                return None
            try:
                user, _, _password = base64.b64decode(token, validate=True).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None
            return user or None
    return None


class Gate:
    """Auth, rate limit, faults and latency in front of the ``/v0`` routes."""

    def __init__(self, app: ASGIApp, emulator: Emulator) -> None:
        self.app = app
        self.emu = emulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry."""
        if scope["type"] != "http" or not scope["path"].startswith("/v0/"):
            await self.app(scope, receive, send)
            return
        endpoint = f"{scope['method']} {scope['path']}"
        answered = False

        def record(outcome: str) -> None:
            with self.emu.state.lock:
                self.emu.state.ledger.requests[f"{endpoint} {outcome}"] += 1

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

        with self.emu.state.lock:
            self.emu.state.ledger.arrivals[endpoint] += 1
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
        key = basic_key(scope)
        if not emu.accepts(key):
            await error_response(401, "invalid API key")(scope, receive, send)
            return
        assert key is not None
        wait = emu.admit(key)
        if wait is not None:
            headers = (
                {"Retry-After": emu.retry_after_header(wait)}
                if emu.config.retry_after_on_limit
                else None
            )
            await error_response(429, "rate limit exceeded", headers)(scope, receive, send)
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


# --- the /v0 endpoints -------------------------------------------------------------------


def _int_param(request: Request, name: str, default: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        if default is None:
            raise Rejected(400, f"{name} is required")
        return default
    try:
        return int(raw)
    except ValueError:
        raise Rejected(400, f"{name} must be an integer") from None


def _flag(request: Request, name: str) -> bool:
    """A boolean query parameter (``true``/``1``; our assumption: anything else is false)."""
    return request.query_params.get(name, "").lower() in ("true", "1")


def build_app(emu: Emulator) -> ASGIApp:
    """The emulator as an ASGI app."""

    async def people(request: Request) -> Response:
        cfg = emu.config
        limit = min(_int_param(request, "limit", cfg.default_page_limit), cfg.max_page_limit)
        offset = _int_param(request, "offset", 0)
        if limit < 1 or offset < 0:
            raise Rejected(400, "limit must be >= 1 and offset >= 0")
        return json_response(emu.state.people_page(limit, offset))

    async def teams(request: Request) -> Response:
        return json_response(emu.state.teams_page())

    async def activity_types(request: Request) -> Response:
        return json_response(emu.state.activity_types_page())

    async def activities(request: Request) -> Response:
        if request.method == "POST":
            body = await json_body(request)
            if not isinstance(body, dict):
                raise Rejected(400, "the body must be a JSON object")
            return json_response(emu.state.create(body))
        if request.method == "DELETE":
            body = await json_body(request)
            emu.state.delete_window(body if isinstance(body, dict) else {})
            return json_response({})
        params = request.query_params
        query = (
            _int_param(request, "start_time"),
            _int_param(request, "end_time"),
            params.getlist("agents") or None,
            params.getlist("types") or None,
        )
        with_types = _flag(request, "include_activity_types")
        with_agents = _flag(request, "include_agents")
        if not with_types and not with_agents:
            return Response(emu.state.activities_json(*query), media_type="application/json")
        found = emu.state.activities_in(*query)
        if with_types:
            found["activity_types"] = emu.state.activity_types_page()["activity_types"]
        if with_agents:
            found["agents"] = emu.state.agents_of(found["activities"].values())
        return json_response(found)

    async def bulk(request: Request) -> Response:
        body = await json_body(request)
        return json_response(emu.state.bulk(body if isinstance(body, dict) else {}))

    async def other(request: Request) -> Response:
        """Any other ``/v0`` path: the (configurable) score endpoint, else 404 JSON."""
        if request.method != "POST" or request.url.path != emu.config.scores_path:
            return error_response(404, f"no route {request.method} {request.url.path}")
        body = await json_body(request)
        rows = body.get(emu.config.scores_envelope) if isinstance(body, dict) else None
        if not isinstance(rows, list):
            raise Rejected(400, f"{emu.config.scores_envelope} must be a list")
        accepted = emu.push_scores(basic_key(request.scope), rows)
        return json_response({"accepted": accepted}, emu.config.scores_status)

    async def rejected(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Rejected)
        return error_response(exc.status, exc.message)

    async def http_error(request: Request, exc: Exception) -> Response:
        # starlette's own 404/405 answers are text/plain; Assembled's errors are JSON
        assert isinstance(exc, HTTPException)
        status = 404 if exc.status_code == 404 else exc.status_code
        return error_response(status, f"no route {request.method} {request.url.path}")

    routes = [
        Route("/v0/people", people, methods=["GET"]),
        Route("/v0/teams", teams, methods=["GET"]),
        Route("/v0/activity_types", activity_types, methods=["GET"]),
        Route("/v0/activities", activities, methods=["GET", "POST", "DELETE"]),
        Route("/v0/activities/bulk", bulk, methods=["POST"]),
        *admin_routes(emu),
        Route("/v0/{rest:path}", other, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ]
    app = Starlette(
        routes=routes, exception_handlers={Rejected: rejected, HTTPException: http_error}
    )
    return Gate(app, emu)
