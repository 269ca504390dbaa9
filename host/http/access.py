"""Who is calling, and which tenant they may touch: the dependencies every route goes through.

The JSON API takes ``Authorization: Bearer <token>`` only; the pages take the same token from
an HttpOnly cookie set by their login form (and check a CSRF token on every form post). A
token is bound to one tenant: on a route of another tenant it gets 403 before any use case
runs, whatever that tenant holds, so an answer never tells whether another tenant exists.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from wfm_bridge.host.http.errors import ForbiddenError, TokenError
from wfm_bridge.host.http.tokens import TokenInfo, TokenStore

if TYPE_CHECKING:
    from wfm_bridge.host.bridge import Bridge
    from wfm_bridge.host.tenant import Tenant

SESSION_COOKIE = "wfm_session"
bearer = HTTPBearer(auto_error=False, description="A tenant token: `wfm serve token create`")


@dataclass
class Face:
    """What the HTTP face shares across requests: the bridge, the tokens, the CSRF key."""

    bridge: Bridge
    tokens: TokenStore
    csrf_key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)

    def csrf_token(self, caller: TokenInfo) -> str:
        """The CSRF token of a signed-in caller's forms (stable for the life of the server)."""
        mac = hmac.new(self.csrf_key, f"csrf:{caller.id}".encode(), hashlib.sha256)
        return mac.hexdigest()

    def check_csrf(self, caller: TokenInfo, given: str | None) -> None:
        """ForbiddenError unless ``given`` is the caller's CSRF token."""
        if not given or not hmac.compare_digest(given, self.csrf_token(caller)):
            raise ForbiddenError(
                "this form has expired or did not come from this site; reload the page and "
                "try again"
            )


def face(request: Request) -> Face:
    """The Face the app was built with."""
    found: Face = request.app.state.face
    return found


def api_caller(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> TokenInfo:
    """The token of an API request; TokenError (401) when it is missing or not live."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise TokenError(
            "this route needs `Authorization: Bearer <token>`; create a token with "
            "`wfm serve token create --tenant T`"
        )
    return face(request).tokens.verify(credentials.credentials)


def scoped_tenant(
    tenant: str, request: Request, caller: TokenInfo = Depends(api_caller)
) -> Tenant:
    """The use cases of the path's tenant, when the caller's token belongs to it (else 403)."""
    if not hmac.compare_digest(tenant.encode(), caller.tenant.encode()):
        raise ForbiddenError(
            f"this token belongs to another tenant; it may only use /api/v1/tenants/"
            f"{caller.tenant}/..."
        )
    return face(request).bridge.tenant(caller.tenant)


def page_caller(request: Request) -> TokenInfo | None:
    """The signed-in caller of a page (from the session cookie), or None."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return face(request).tokens.verify(token)
    except TokenError:
        return None
