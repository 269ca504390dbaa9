"""The emulator's admin routes (``/_emulator/...``): no auth, loopback only, for tests/benches.

``GET ledger`` (created, deleted, trimmed, pushed, request counts), ``GET state``,
``POST seed`` (wire-shaped people/teams/activity_types/activities, as lists or id-keyed maps;
``replace`` empties first), ``GET|POST|DELETE faults``, ``POST config`` (latency, rate, burst,
rate_limit...), ``POST reset`` (state and faults).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wfm_bridge.plugins.assembled.emulator.emulator import Emulator
from wfm_bridge.plugins.assembled.emulator.faults import Fault
from wfm_bridge.plugins.assembled.emulator.responses import json_body, json_response
from wfm_bridge.plugins.assembled.emulator.state import Rejected


def admin_routes(emu: Emulator) -> list[Route]:
    """The ``/_emulator`` routes: ledger, state, seed, faults, config, reset."""

    async def ledger(request: Request) -> Response:
        with emu.state.lock:
            return json_response(emu.state.ledger.as_json())

    async def state(request: Request) -> Response:
        s = emu.state
        with s.lock:
            return json_response(
                {
                    "people": s.people,
                    "teams": s.teams,
                    "activity_types": s.activity_types,
                    "activities": s.activities,
                    "scores": s.scores,
                }
            )

    async def seed(request: Request) -> Response:
        body = await json_body(request)
        if not isinstance(body, dict):
            raise Rejected(400, "the body must be a JSON object")
        if body.get("replace"):
            emu.state.clear()
        emu.state.load(
            _records(body.get("people")),
            _records(body.get("activity_types")),
            _records(body.get("activities")),
            _records(body.get("teams")),
        )
        return json_response(
            {"people": len(emu.state.people), "activities": len(emu.state.activities)}
        )

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            emu.faults.clear()
        elif request.method == "POST":
            body = await json_body(request)
            items = body.get("faults", []) if isinstance(body, dict) else []
            try:
                for item in items:
                    emu.faults.add(Fault.from_json(item))
            except (TypeError, ValueError) as exc:
                raise Rejected(400, str(exc)) from None
        return json_response({"faults": [f.as_json() for f in emu.faults.pending()]})

    async def config(request: Request) -> Response:
        body = await json_body(request)
        try:
            emu.configure(**(body if isinstance(body, dict) else {}))
        except (TypeError, ValueError) as exc:
            raise Rejected(400, str(exc)) from None
        cfg = emu.config
        return json_response({"latency": cfg.latency, "rate": cfg.rate, "burst": cfg.burst})

    async def reset(request: Request) -> Response:
        emu.state.clear()
        emu.faults.clear()
        return json_response({})

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
