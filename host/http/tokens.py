"""Tenant tokens of the HTTP face: each bound to one tenant, stored hashed, revocable.

A token reads ``wfmt_<id>_<secret>``: the id is public (``wfm serve token list`` shows it and
``revoke`` takes it), the secret is 32 random bytes shown once, at creation. The StateStore
keeps, per id, the tenant and the SHA-256 of the secret: a copy of the state database grants
nothing. A slow password hash would add nothing here: the secret is random, not chosen by a
person, so there is no dictionary to try.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from wfm_bridge.host.http.errors import TokenError
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import InvalidInputError, NotFoundError
from wfm_bridge.ports.jsonvalue import JsonValue
from wfm_bridge.ports.state import StateStore

NAMESPACE = "http-face:tokens"
PREFIX = "wfmt"
_TOKEN = re.compile(rf"^{PREFIX}_([0-9a-f]{{12}})_([A-Za-z0-9_-]{{43}})$")
_ID = re.compile(r"^[0-9a-f]{12}$")
MAX_TENANT = 200


@dataclass(frozen=True)
class TokenInfo:
    """What is known of a token without its secret."""

    id: str
    tenant: str
    created_at: str
    label: str = ""


def _info(token_id: str, record: dict[str, Any]) -> TokenInfo:
    return TokenInfo(
        token_id,
        str(record.get("tenant")),
        str(record.get("created_at", "")),
        str(record.get("label", "")),
    )


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_tenant_name(tenant: str) -> str:
    """A tenant name a token may be bound to (trimmed); InvalidInputError otherwise."""
    name = tenant.strip() if isinstance(tenant, str) else ""
    if not name or len(name) > MAX_TENANT or not name.isprintable():
        raise InvalidInputError(
            f"give a tenant name of 1 to {MAX_TENANT} printable characters, e.g. --tenant acme"
        )
    return name


class TokenStore:
    """Create, verify, list and revoke tenant tokens on a StateStore."""

    def __init__(self, state: StateStore, clock: Clock) -> None:
        self._state = state
        self._clock = clock

    def create(self, tenant: str, label: str = "") -> tuple[str, TokenInfo]:
        """A new token for ``tenant``: (the token, to show once; what is stored of it)."""
        name = check_tenant_name(tenant)
        if not label.isprintable() or len(label) > 200:
            raise InvalidInputError("the label must be at most 200 printable characters")
        secret = secrets.token_urlsafe(32)
        while True:
            token_id = secrets.token_hex(6)
            info = TokenInfo(token_id, name, self._clock.now().isoformat(), label.strip())
            record: JsonValue = {
                "tenant": info.tenant,
                "sha256": _digest(secret),
                "created_at": info.created_at,
                "label": info.label,
            }
            if self._state.put_if_absent(NAMESPACE, token_id, record):
                return f"{PREFIX}_{token_id}_{secret}", info

    def verify(self, token: str) -> TokenInfo:
        """The token's record when ``token`` is live; TokenError otherwise (no detail leaks)."""
        match = _TOKEN.match(token.strip()) if isinstance(token, str) else None
        if match is None:
            raise TokenError(
                f"no valid token: send `Authorization: Bearer {PREFIX}_...` with a token from "
                "`wfm serve token create --tenant T`"
            )
        token_id, secret = match.groups()
        record = self._state.get(NAMESPACE, token_id)
        stored = record.get("sha256") if isinstance(record, dict) else None
        if not isinstance(stored, str) or not hmac.compare_digest(stored, _digest(secret)):
            raise TokenError(
                "this token is unknown or was revoked; ask for a new one "
                "(`wfm serve token create --tenant T`)"
            )
        assert isinstance(record, dict)
        return _info(token_id, record)

    def list(self) -> list[TokenInfo]:
        """Every live token (never a secret), by tenant then creation time."""
        found = [_info(k, v) for k, v in self._state.scan(NAMESPACE) if isinstance(v, dict)]
        return sorted(found, key=lambda t: (t.tenant, t.created_at, t.id))

    def revoke(self, token_id: str) -> TokenInfo:
        """Revoke the token with this id (or the whole token); NotFoundError if none."""
        given = token_id.strip()
        whole = _TOKEN.match(given)
        wanted = whole.group(1) if whole else given
        if not _ID.match(wanted):
            raise InvalidInputError(
                "give a token id (12 hex digits, see `wfm serve token list`) or the token"
            )
        record = self._state.get(NAMESPACE, wanted)
        if not isinstance(record, dict):
            raise NotFoundError(
                f"no live token with id {wanted}; `wfm serve token list` shows them"
            )
        self._state.delete(NAMESPACE, wanted)
        return _info(wanted, record)
