"""The emulator's HTTP face: Assembled's ``/v0`` endpoints behind a gate, plus admin routes.

The gate (plugins/emulation/gate.py, ``/v0`` only) applies, in order: Basic auth against the
configured keys (401), the per-key rate limit (429, with ``Retry-After`` unless configured
off), injected faults and latency. The ledger counts each request on arrival (``arrivals``)
and once answered as ``"<METHOD> <path> <status>"`` (``requests``; ``dropped`` when no answer
was given).

Admin routes (no auth, loopback only) live in admin.py under ``/_emulator/``.
"""

from __future__ import annotations

import base64
import binascii

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Scope

from wfm_bridge.plugins.assembled.emulator.admin import admin_routes
from wfm_bridge.plugins.assembled.emulator.emulator import Emulator
from wfm_bridge.plugins.assembled.emulator.responses import error_response, json_body, json_response
from wfm_bridge.plugins.emulation.gate import Check, Gate
from wfm_bridge.plugins.emulation.responses import Rejected


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


def _check(emu: Emulator) -> Check:
    """Assembled's checks: Basic auth against the configured keys (401), then the per-key
    rate limit (429, with ``Retry-After`` unless configured off)."""

    def check(scope: Scope) -> ASGIApp | None:
        key = basic_key(scope)
        if not emu.accepts(key):
            return error_response(401, "invalid API key")
        assert key is not None
        wait = emu.admit(key)
        if wait is None:
            return None
        headers = (
            {"Retry-After": emu.retry_after_header(wait)}
            if emu.config.retry_after_on_limit
            else None
        )
        return error_response(429, "rate limit exceeded", headers)

    return check


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
    return Gate(app, emu, gated=("/v0/",), check=_check(emu), error=error_response)
