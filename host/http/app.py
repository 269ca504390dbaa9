"""``build_app(bridge)``: the HTTP face as an ASGI app (FastAPI) over one Bridge.

The JSON API is documented at ``/openapi.json``; the pages are not part of it. Every answer
says ``Cache-Control: no-store`` (they hold tenant data) and carries the usual hardening
headers; the pages' Content-Security-Policy allows only this site's one script.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request, Response
from fastapi.openapi.utils import get_openapi

from wfm_bridge.host.http.access import Face
from wfm_bridge.host.http.api import build_router
from wfm_bridge.host.http.errors import install_error_handlers
from wfm_bridge.host.http.pages import build_pages
from wfm_bridge.host.http.schemas import Health
from wfm_bridge.host.http.tokens import TokenStore

if TYPE_CHECKING:
    from wfm_bridge.host.bridge import Bridge

VERSION = "1"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
DESCRIPTION = (
    "The use cases of wfm-bridge over HTTP, one tenant per token. Send "
    "`Authorization: Bearer <token>` (`wfm serve token create --tenant T`); a token only "
    "reaches `/api/v1/tenants/<its tenant>/...`. Answers have the shapes of the CLI's `--json`; "
    'errors are `{"error": {"category", "message"}}`.'
)


def build_app(bridge: Bridge, tokens: TokenStore | None = None) -> FastAPI:
    """The ASGI app over ``bridge`` (tokens on the bridge's StateStore unless given)."""
    app = FastAPI(
        title="wfm-bridge",
        version=VERSION,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url=None,  # Swagger UI would load scripts from a CDN
        redoc_url=None,
    )
    app.state.face = Face(bridge, tokens or TokenStore(bridge.state, bridge.clock))
    install_error_handlers(app)

    @app.get("/healthz", response_model=Health, tags=["session"])
    def healthz() -> Health:
        """The server is up (no token needed; touches no tenant)."""
        return Health(status="ok")

    app.include_router(build_router())
    app.include_router(build_pages())
    app.middleware("http")(_headers)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


async def _headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if response.headers.get("content-type", "").startswith("text/html"):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, without FastAPI's 422 (request errors here are 400s)."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            operation.get("responses", {}).pop("422", None)
    for name in ("HTTPValidationError", "ValidationError"):
        schema.get("components", {}).get("schemas", {}).pop(name, None)
    app.openapi_schema = schema
    return schema
