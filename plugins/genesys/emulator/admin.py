"""The emulator's admin routes (``/_emulator/...``): no auth, loopback only, for tests/benches.

``GET ledger``; ``GET state`` (counts, appointments, metric data); ``GET notifications``
(events published for asynchronous searches); ``GET|POST|DELETE faults``; ``POST config``
(latency, rate_limit, requests_per_minute, token_lifetime, inline_shifts...); ``POST
expire-tokens``; ``POST reset`` (state, faults and tokens).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wfm_bridge.plugins.assembled.emulator.faults import Fault
from wfm_bridge.plugins.genesys.emulator.emulator import Emulator
from wfm_bridge.plugins.genesys.emulator.responses import Rejected, json_body, json_response


def admin_routes(emu: Emulator) -> list[Route]:
    """The ``/_emulator`` routes."""
    state = emu.state

    async def ledger(request: Request) -> Response:
        with state.lock:
            return json_response(state.ledger.as_json())

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
        return json_response(
            {
                "latency": cfg.latency,
                "rate_limit": cfg.rate_limit,
                "requests_per_minute": cfg.requests_per_minute,
                "token_lifetime": cfg.token_lifetime,
            }
        )

    async def expire_tokens(request: Request) -> Response:
        emu.expire_tokens()
        return json_response({})

    async def reset(request: Request) -> Response:
        state.clear()
        emu.faults.clear()
        emu.expire_tokens()
        return json_response({})

    return [
        Route("/_emulator/ledger", ledger, methods=["GET"]),
        Route("/_emulator/state", summary, methods=["GET"]),
        Route("/_emulator/notifications", notifications, methods=["GET"]),
        Route("/_emulator/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_emulator/config", config, methods=["POST"]),
        Route("/_emulator/expire-tokens", expire_tokens, methods=["POST"]),
        Route("/_emulator/reset", reset, methods=["POST"]),
    ]
