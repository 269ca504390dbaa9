"""The admin routes every emulator has (``/_emulator/...``): no auth, loopback only, for tests
and benches. ``GET ledger``; ``GET|POST|DELETE faults`` (``{"faults": [...]}``, see
faults.py); ``POST config`` (settings by name; answers the vendor's view of them); ``POST
reset``. A vendor adds its own (state, seed...) through ``extra``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from wfm_bridge.plugins.emulation.faults import Fault
from wfm_bridge.plugins.emulation.gate import Emulated
from wfm_bridge.plugins.emulation.responses import BodyReader, Rejected, json_response


class Administered(Emulated, Protocol):
    """What the admin routes use of an emulator."""

    def configure(self, **changes: Any) -> None:
        """Change settings while running; unknown names are a ``ValueError``."""

    def reset(self) -> None:
        """Empty the state and take every fault (and whatever else the vendor keeps) away."""


def admin_routes(
    emu: Administered,
    *,
    json_body: BodyReader,
    settings: Callable[[], dict[str, Any]],
    extra: Sequence[BaseRoute] = (),
) -> list[BaseRoute]:
    """The shared ``/_emulator`` routes, then ``extra``; ``settings`` is what ``POST config``
    answers, ``json_body`` reads bodies the vendor's way."""

    async def ledger(request: Request) -> Response:
        state = emu.state
        with state.lock:
            return json_response(state.ledger.as_json())

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
        return json_response(settings())

    async def reset(request: Request) -> Response:
        emu.reset()
        return json_response({})

    return [
        Route("/_emulator/ledger", ledger, methods=["GET"]),
        Route("/_emulator/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_emulator/config", config, methods=["POST"]),
        Route("/_emulator/reset", reset, methods=["POST"]),
        *extra,
    ]
