"""JSON in and out for the emulator's routes, Assembled's way."""

from __future__ import annotations

from starlette.responses import Response

from wfm_bridge.plugins.emulation.responses import json_reader, json_response

__all__ = ["error_response", "json_body", "json_response"]


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """An error answer ``{"message": ...}`` (Assembled's error body format is unknown)."""
    return json_response({"message": message}, status, headers)


json_body = json_reader("the body must be JSON")
