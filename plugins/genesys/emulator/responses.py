"""JSON in and out for the Genesys emulator: Genesys's error body, bodies, ISO times."""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.responses import Response

from wfm_bridge.plugins.emulation.responses import Rejected, json_reader, json_response

__all__ = [
    "CODES",
    "Rejected",
    "error_body",
    "error_response",
    "iso",
    "json_body",
    "json_response",
    "parse_instant",
]

# Genesys's error codes for the statuses the emulator answers with.
CODES = {
    400: "bad.request",
    401: "bad.credentials",
    403: "not.authorized",
    404: "not.found",
    413: "request.entity.too.large",
    429: "too.many.requests",
    500: "internal.server.error",
    502: "bad.gateway",
    503: "service.unavailable",
    504: "gateway.timeout",
}


def error_body(status: int, message: str, code: str | None = None) -> dict[str, Any]:
    """Genesys's ``ErrorBody``: message, code, status, contextId and empty details."""
    return {
        "message": message,
        "code": code or CODES.get(status, "error"),
        "status": status,
        "messageParams": {},
        "contextId": str(uuid.uuid4()),
        "details": [],
        "errors": [],
    }


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None, code: str | None = None
) -> Response:
    """An error answer with Genesys's error body."""
    return json_response(error_body(status, message, code), status, headers)


json_body = json_reader("The request body could not be parsed as JSON")


@functools.lru_cache(maxsize=65536)  # schedules repeat the same instants (shift bounds...)
def iso(ts: float) -> str:
    """Unix seconds as Genesys writes instants: ``2024-06-10T13:00:00.000Z``."""
    moment = datetime.fromtimestamp(ts, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_instant(value: object, name: str, *, assume_utc: bool = False) -> float:
    """An ISO-8601 instant with a zone (``Z`` or an offset) as unix seconds; 400 otherwise.
    ``assume_utc`` reads a zone-less one as UTC (Genesys's interval strings)."""
    if not isinstance(value, str) or not value:
        raise Rejected(400, f"{name} is required as an ISO-8601 date-time")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise Rejected(400, f"{name} {value!r} is not an ISO-8601 date-time") from None
    if moment.tzinfo is None and assume_utc:
        moment = moment.replace(tzinfo=UTC)
    if moment.tzinfo is None:
        raise Rejected(400, f"{name} {value!r} needs a time zone (e.g. Z)")
    return moment.timestamp()
