"""The Genesys emulator's gate in front of the API, token and download routes: the shared gate
(plugins/emulation/gate.py) with Genesys's checks and error body.

In order: bearer token (``/api/v2`` only; 401 when missing, unknown or expired), the
per-token rate limit (429 with ``Retry-After``), injected faults and latency. The ledger
counts each request on arrival (``arrivals``) and once answered as
``"<METHOD> <path> <status>"`` (``requests``; ``dropped`` when no answer was given).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Scope

from wfm_bridge.plugins.emulation import gate
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


def _check(emu: Emulator) -> gate.Check:
    """Genesys's checks on ``/api/v2``: a valid bearer token, then the per-token rate limit."""

    def check(scope: Scope) -> ASGIApp | None:
        if not scope["path"].startswith("/api/v2/"):
            return None
        token = bearer_token(scope)
        if emu.client_of(token) is None:
            return error_response(401, "Invalid login credentials.")
        assert token is not None
        wait = emu.admit(token)
        if wait is None:
            return None
        seconds = emu.retry_after_header(wait)
        headers = {"Retry-After": seconds} if emu.config.retry_after_on_limit else None
        text = f"Rate limit exceeded the maximum. Retry the request in [{seconds}] seconds"
        return error_response(429, text, headers)

    return check


class Gate(gate.Gate):
    """Auth, rate limit, faults and latency in front of the routes in ``GATED``."""

    def __init__(self, app: ASGIApp, emulator: Emulator) -> None:
        super().__init__(app, emulator, gated=GATED, check=_check(emulator), error=error_response)
