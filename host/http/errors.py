"""Errors on the wire: ``{"error": {"category", "message"}}`` with a status its category implies.

Every ``WfmError`` keeps its own message (it says what to do next); the status comes from its
category. Request validation (a missing query parameter, a body that is no JSON object) is the
``validation`` category too, as 400, and anything unexpected is a 500 that names no internals:
the traceback goes to the server's log, never to the client.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from wfm_bridge.ports.errors import AuthError, RateLimitedError, WfmError

_log = logging.getLogger("wfm_bridge.http")

STATUS_BY_CATEGORY: dict[str, int] = {
    "validation": 400,
    "auth": 401,
    "forbidden": 403,
    "not_found": 404,
    "not_supported": 400,  # not offered by design: like bad input, the CLI exits 2
    "conflict": 409,
    "rate_limited": 429,
    "provider": 502,  # the provider answered something we cannot understand
    "not_available": 502,  # the provider's account does not offer it as configured
    "unavailable": 503,
    "integrity": 503,  # stored data failed a check: nothing works until an operator acts
}
# What every tenant route may answer besides its success (declared in the OpenAPI document).
TENANT_ROUTE_ERRORS = (400, 401, 403, 404, 409, 429, 502, 503)


class ForbiddenError(WfmError):
    """The caller is known but may not touch this (another tenant's route, a bad CSRF token)."""

    category = "forbidden"


class TokenError(AuthError):
    """No usable bearer token: missing, malformed, unknown or revoked."""


class ErrorDetail(BaseModel):
    """What went wrong and what to do next."""

    model_config = ConfigDict(extra="forbid")

    category: str
    message: str


class ErrorBody(BaseModel):
    """Every error answer of the HTTP face."""

    model_config = ConfigDict(extra="forbid")

    error: ErrorDetail


def status_for(exc: WfmError) -> int:
    """The HTTP status of a WfmError, by its category (500 for the root category)."""
    return STATUS_BY_CATEGORY.get(exc.category, 500)


def error_json(category: str, message: str, status: int, **headers: str) -> JSONResponse:
    """The error envelope as a response."""
    body = {"error": {"category": category, "message": " ".join(message.split())}}
    return JSONResponse(body, status_code=status, headers=headers or None)


def error_response(exc: WfmError) -> JSONResponse:
    """A WfmError as the error envelope, with its status and the headers it implies."""
    status = status_for(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, TokenError):
        headers["WWW-Authenticate"] = 'Bearer realm="wfm-bridge"'
    if isinstance(exc, RateLimitedError) and exc.retry_at is not None:
        headers["Retry-After"] = exc.retry_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return error_json(exc.category, exc.message, status, **headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for problem in exc.errors()[:5]:
        where = ".".join(str(p) for p in problem.get("loc", ()) if p not in ("query", "body"))
        parts.append(f"{where or 'request'}: {problem.get('msg', 'invalid')}")
    return "; ".join(parts) + " (see /openapi.json for what each route takes)"


def install_error_handlers(app: FastAPI) -> None:
    """Turn every failure into the error envelope; never a traceback on the wire."""

    @app.exception_handler(WfmError)
    async def wfm_error(request: Request, exc: WfmError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_json("validation", _validation_message(exc), 400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        category = {404: "not_found", 405: "not_supported"}.get(exc.status_code, "validation")
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        if exc.status_code == 404:
            detail = f"no route {request.url.path}; see /openapi.json for the routes"
        headers = dict(exc.headers or {})
        return error_json(category, detail, exc.status_code, **headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        _log.error("unexpected %s on %s %s", type(exc).__name__, request.method,
                   request.url.path, exc_info=exc)
        return error_json(
            "internal", "unexpected server error; the server log has the details", 500
        )


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the given error statuses."""
    return {
        status: {"model": ErrorBody, "description": _DESCRIPTIONS.get(status, "error")}
        for status in statuses
    }


_DESCRIPTIONS = {
    400: "invalid input (validation), or not offered by design (not_supported)",
    401: "no valid bearer token, or the provider refused the tenant's key (auth)",
    403: "the token belongs to another tenant (forbidden)",
    404: "not found (an unmapped employee, an unknown meeting, no `Meeting` type)",
    409: "conflicts with current state (a reused idempotency key, work in progress)",
    429: "the provider is rate limiting; see Retry-After",
    502: "the provider answered something unreadable",
    503: "the provider or a store is unavailable; try again later",
}
