"""The Genesys emulator's admin routes (``/_emulator/...``): no auth, loopback only.

Shared with every emulator (plugins/emulation/admin.py): ``GET ledger``; ``GET|POST|DELETE
faults``; ``POST config`` (latency, rate_limit, requests_per_minute, token_lifetime,
inline_shifts...); ``POST reset`` (state, faults and tokens). Genesys's own: ``GET state``
(counts, appointments, metric data); ``GET notifications`` (events published for
asynchronous searches); ``POST expire-tokens``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from wfm_bridge.plugins.emulation import admin
from wfm_bridge.plugins.genesys.emulator.emulator import Emulator
from wfm_bridge.plugins.genesys.emulator.responses import json_body, json_response


def admin_routes(emu: Emulator) -> list[BaseRoute]:
    """The ``/_emulator`` routes."""
    state = emu.state

    async def summary(request: Request) -> Response:
        with state.lock:
            return json_response(
                {
                    "users": len(state.org.users),
                    "business_units": len(state.org.business_units),
                    "management_units": len(state.org.management_units),
                    "shifts": state.schedules.count(),
                    "appointments": list(state.coaching.appointments.values()),
                    "metric_data": [
                        {"userId": u, "metricId": m, "dateOccurred": d, **v}
                        for (u, m, d), v in state.metrics.data.items()
                    ],
                }
            )

    async def notifications(request: Request) -> Response:
        with state.lock:
            events = [{"topicName": t, "eventBody": b} for t, b in state.notifications]
        return json_response({"events": events})

    async def expire_tokens(request: Request) -> Response:
        emu.expire_tokens()
        return json_response({})

    def settings() -> dict[str, Any]:
        cfg = emu.config
        return {
            "latency": cfg.latency,
            "rate_limit": cfg.rate_limit,
            "requests_per_minute": cfg.requests_per_minute,
            "token_lifetime": cfg.token_lifetime,
        }

    own = [
        Route("/_emulator/state", summary, methods=["GET"]),
        Route("/_emulator/notifications", notifications, methods=["GET"]),
        Route("/_emulator/expire-tokens", expire_tokens, methods=["POST"]),
    ]
    return admin.admin_routes(emu, json_body=json_body, settings=settings, extra=own)
