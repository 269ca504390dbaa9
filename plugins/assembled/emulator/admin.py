"""The Assembled emulator's admin routes (``/_emulator/...``): no auth, loopback only.

Shared with every emulator (plugins/emulation/admin.py): ``GET ledger`` (created, deleted,
trimmed, pushed, request counts), ``GET|POST|DELETE faults``, ``POST config`` (latency, rate,
burst, rate_limit...), ``POST reset`` (state and faults). Assembled's own: ``GET state``,
``POST seed`` (wire-shaped people/teams/activity_types/activities, as lists or id-keyed maps;
``replace`` empties first).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from wfm_bridge.plugins.assembled.emulator.emulator import Emulator
from wfm_bridge.plugins.assembled.emulator.responses import json_body, json_response
from wfm_bridge.plugins.emulation import admin
from wfm_bridge.plugins.emulation.responses import Rejected


def admin_routes(emu: Emulator) -> list[BaseRoute]:
    """The ``/_emulator`` routes: ledger, state, seed, faults, config, reset."""

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

    def settings() -> dict[str, Any]:
        cfg = emu.config
        return {"latency": cfg.latency, "rate": cfg.rate, "burst": cfg.burst}

    own = [
        Route("/_emulator/state", state, methods=["GET"]),
        Route("/_emulator/seed", seed, methods=["POST"]),
    ]
    return admin.admin_routes(emu, json_body=json_body, settings=settings, extra=own)


def _records(value: Any) -> list[dict[str, Any]]:
    """Accept an id-keyed map (the API's shape) or a list."""
    if value is None:
        return []
    items = list(value.values()) if isinstance(value, dict) else value
    if not isinstance(items, list) or not all(isinstance(i, dict) and "id" in i for i in items):
        raise Rejected(400, "records must be objects with an id")
    return items
