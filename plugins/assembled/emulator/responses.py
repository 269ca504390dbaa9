"""JSON in and out for the emulator's routes."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from wfm_bridge.plugins.assembled.emulator.state import Rejected


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A compact JSON answer."""
    body = json.dumps(data, separators=(",", ":")).encode()
    return Response(body, status, headers=headers, media_type="application/json")


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """An error answer ``{"message": ...}`` (Assembled's error body format is unknown)."""
    return json_response({"message": message}, status, headers)


async def json_body(request: Request) -> Any:
    """The request's JSON body; 400 when it is not JSON."""
    try:
        return await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise Rejected(400, "the body must be JSON") from None
