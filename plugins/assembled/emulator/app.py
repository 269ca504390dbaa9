"""The emulator's HTTP face: Assembled's ``/v0`` endpoints behind a gate, plus admin routes.

The gate (pure ASGI, ``/v0`` only) applies, in order: Basic auth against the configured keys
(401), the per-key rate limit (429, with ``Retry-After`` unless configured off), injected
faults and latency. The ledger counts each request on arrival (``arrivals``) and once answered
as ``"<METHOD> <path> <status>"`` (``requests``; ``dropped`` when no answer was given).

Admin routes (no auth, loopback only): ``GET /_emulator/ledger``, ``GET /_emulator/state``,
``POST /_emulator/seed`` (wire-shaped people/activity_types/activities, ``replace``),
``POST|GET|DELETE /_emulator/faults``, ``POST /_emulator/config``, ``POST /_emulator/reset``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from plugins.assembled.emulator.emulator import Emulator
from plugins.assembled.emulator.faults import Fault
from plugins.assembled.emulator.state import Rejected


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, separators=(",", ":")).encode()
    return Response(body, status, headers=headers, media_type="application/json")


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return _json({"message": message}, status, headers)


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
        statuses: list[int] = []
        with self.emu.state.lock:
            self.emu.state.ledger.arrivals[f"{scope['method']} {scope['path']}"] += 1

        async def recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])
            await send(message)

        try:
            await self._gate(scope, receive, recording, send)
        finally:
            status = str(statuses[0]) if statuses else "dropped"
            with self.emu.state.lock:
                self.emu.state.ledger.requests[f"{scope['method']} {scope['path']} {status}"] += 1

    async def _gate(self, scope: Scope, receive: Receive, send: Send, raw_send: Send) -> None:
        emu = self.emu
        key = basic_key(scope)
        if not emu.accepts(key):
            await _error(401, "invalid API key")(scope, receive, send)
            return
        assert key is not None
        wait = emu.admit(key)
        if wait is not None:
            headers = (
                {"Retry-After": emu.retry_after_header(wait)}
                if emu.config.retry_after_on_limit
                else None
            )
            await _error(429, "rate limit exceeded", headers)(scope, receive, send)
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
            await _error(fault.status, "injected fault", headers)(scope, receive, send)
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


async def _body(request: Request) -> Any:
    try:
        return await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise Rejected(400, "the body must be JSON") from None


def build_app(emu: Emulator) -> ASGIApp:
    """The emulator as an ASGI app."""

    async def people(request: Request) -> Response:
        cfg = emu.config
        limit = min(_int_param(request, "limit", cfg.default_page_limit), cfg.max_page_limit)
        offset = _int_param(request, "offset", 0)
        if limit < 1 or offset < 0:
            raise Rejected(400, "limit must be >= 1 and offset >= 0")
        return _json(emu.state.people_page(limit, offset))

    async def activity_types(request: Request) -> Response:
        return _json(emu.state.activity_types_page())

    async def activities(request: Request) -> Response:
        if request.method == "POST":
            body = await _body(request)
            if not isinstance(body, dict):
                raise Rejected(400, "the body must be a JSON object")
            return _json(emu.state.create(body))
        if request.method == "DELETE":
            body = await _body(request)
            emu.state.delete_window(body if isinstance(body, dict) else {})
            return _json({})
        params = request.query_params
        query = (
            _int_param(request, "start_time"),
            _int_param(request, "end_time"),
            params.getlist("agents") or None,
            params.getlist("types") or None,
        )
        if params.get("include_activity_types") != "true":
            return Response(emu.state.activities_json(*query), media_type="application/json")
        found = emu.state.activities_in(*query)
        found["activity_types"] = emu.state.activity_types_page()["activity_types"]
        return _json(found)

    async def bulk(request: Request) -> Response:
        body = await _body(request)
        return _json(emu.state.bulk(body if isinstance(body, dict) else {}))

    async def scores(request: Request) -> Response:
        if request.url.path != emu.config.scores_path:
            return _error(404, "not found")
        body = await _body(request)
        rows = body.get(emu.config.scores_envelope) if isinstance(body, dict) else None
        if not isinstance(rows, list):
            raise Rejected(400, f"{emu.config.scores_envelope} must be a list")
        return _json({"accepted": emu.state.push_scores(rows)}, 202)

    async def rejected(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Rejected)
        return _error(exc.status, exc.message)

    routes = [
        Route("/v0/people", people, methods=["GET"]),
        Route("/v0/activity_types", activity_types, methods=["GET"]),
        Route("/v0/activities", activities, methods=["GET", "POST", "DELETE"]),
        Route("/v0/activities/bulk", bulk, methods=["POST"]),
        Route("/v0/{rest:path}", scores, methods=["POST"]),
        *admin_routes(emu),
    ]
    app = Starlette(routes=routes, exception_handlers={Rejected: rejected})
    return Gate(app, emu)


def admin_routes(emu: Emulator) -> list[Route]:
    """The ``/_emulator`` routes: ledger, state, seed, faults, config, reset."""

    async def ledger(request: Request) -> Response:
        with emu.state.lock:
            return _json(emu.state.ledger.as_json())

    async def state(request: Request) -> Response:
        s = emu.state
        with s.lock:
            return _json(
                {
                    "people": s.people,
                    "activity_types": s.activity_types,
                    "activities": s.activities,
                    "scores": s.scores,
                }
            )

    async def seed(request: Request) -> Response:
        body = await _body(request)
        if not isinstance(body, dict):
            raise Rejected(400, "the body must be a JSON object")
        if body.get("replace"):
            emu.state.clear()
        emu.state.load(
            _records(body.get("people")),
            _records(body.get("activity_types")),
            _records(body.get("activities")),
        )
        return _json({"people": len(emu.state.people), "activities": len(emu.state.activities)})

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            emu.faults.clear()
        elif request.method == "POST":
            body = await _body(request)
            items = body.get("faults", []) if isinstance(body, dict) else []
            try:
                for item in items:
                    emu.faults.add(Fault.from_json(item))
            except (TypeError, ValueError) as exc:
                raise Rejected(400, str(exc)) from None
        return _json({"faults": [f.as_json() for f in emu.faults.pending()]})

    async def config(request: Request) -> Response:
        body = await _body(request)
        try:
            emu.configure(**(body if isinstance(body, dict) else {}))
        except (TypeError, ValueError) as exc:
            raise Rejected(400, str(exc)) from None
        cfg = emu.config
        return _json({"latency": cfg.latency, "rate": cfg.rate, "burst": cfg.burst})

    async def reset(request: Request) -> Response:
        emu.state.clear()
        emu.faults.clear()
        return _json({})

    return [
        Route("/_emulator/ledger", ledger, methods=["GET"]),
        Route("/_emulator/state", state, methods=["GET"]),
        Route("/_emulator/seed", seed, methods=["POST"]),
        Route("/_emulator/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_emulator/config", config, methods=["POST"]),
        Route("/_emulator/reset", reset, methods=["POST"]),
    ]


def _records(value: Any) -> list[dict[str, Any]]:
    """Accept an id-keyed map (the API's shape) or a list."""
    if value is None:
        return []
    items = list(value.values()) if isinstance(value, dict) else value
    if not isinstance(items, list) or not all(isinstance(i, dict) and "id" in i for i in items):
        raise Rejected(400, "records must be objects with an id")
    return items
