"""TokenSource: the OAuth client-credentials access token of one Genesys Cloud client.

``POST /oauth/token`` on the login host with Basic ``client_id:client_secret`` and
``grant_type=client_credentials``; the answer's token is cached until ``margin`` seconds
before ``expires_in`` runs out (at most half the lifetime), then fetched again. Concurrent
callers wait for one fetch. The secret and tokens stay ``SecretStr`` and are redacted from
any text this plugin shows.
"""

from __future__ import annotations

import base64
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import httpx
from pydantic import SecretStr

from wfm_bridge.plugins.genesys.wire import TokenAnswer, parse
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import AuthError, InvalidInputError, ProviderResponseError

if TYPE_CHECKING:
    from wfm_bridge.plugins.genesys.client import GenesysClient

PROVIDER = "genesys"
TOKEN_PATH = "/oauth/token"


def auth_error() -> AuthError:
    """The one error for refused credentials or a token that stays refused."""
    return AuthError(
        f"the {PROVIDER} client credentials (client_id, client_secret) are invalid, expired "
        "or disabled; check the OAuth client (grant type: client credentials) in Genesys "
        f"Cloud Admin > OAuth and run `wfm auth set-key --provider {PROVIDER}` again"
    )


class TokenSource:
    """The cached access token of one OAuth client (thread-safe)."""

    def __init__(
        self,
        client: GenesysClient,
        login: httpx.URL,
        client_id: str,
        client_secret: SecretStr,
        clock: Clock,
        *,
        margin: float = 60.0,
    ) -> None:
        if not client_id.strip() or not client_secret.get_secret_value().strip():
            raise InvalidInputError(
                f"the {PROVIDER} client_id and client_secret must not be empty; run "
                f"`wfm auth set-key --provider {PROVIDER}`"
            )
        self._client = client
        self.login = login
        self._id = client_id
        self._secret = client_secret
        self._clock = clock
        self._margin = margin
        self._lock = threading.RLock()
        self._token: SecretStr | None = None
        self._refresh_at: datetime | None = None
        self.fetched = 0  # how many tokens were fetched (tests read it)

    def __repr__(self) -> str:
        return f"TokenSource(login={str(self.login)!r}, client_id={self._id!r}, token=***)"

    def bearer(self) -> SecretStr:
        """A valid access token: the cached one, or a freshly fetched one."""
        with self._lock:
            now = self._clock.now()
            if self._token is None or self._refresh_at is None or now >= self._refresh_at:
                self._token, self._refresh_at = self._fetch(now)
            return self._token

    def invalidate(self, token: SecretStr) -> None:
        """Forget ``token`` (the API refused it): the next ``bearer()`` fetches a new one."""
        with self._lock:
            if self._token is not None and (
                self._token.get_secret_value() == token.get_secret_value()
            ):
                self._token = self._refresh_at = None

    def redact(self, text: str) -> str:
        """``text`` with the client secret and the current token replaced by ``***``."""
        for secret in (self._secret, self._token):
            value = secret.get_secret_value() if secret is not None else ""
            if value:
                text = text.replace(value, "***")
        return text

    def _fetch(self, now: datetime) -> tuple[SecretStr, datetime]:
        pair = f"{self._id}:{self._secret.get_secret_value()}".encode()
        headers = {"Authorization": "Basic " + base64.b64encode(pair).decode()}
        try:
            response = self._client.request(
                "POST",
                TOKEN_PATH,
                data={"grant_type": "client_credentials"},
                idempotent=True,  # a repeated token request only yields another token
                bearer=False,
                headers=headers,
                base=self.login,
            )
        except InvalidInputError as exc:  # 400: invalid_client / unsupported_grant_type
            raise auth_error() from exc
        answer: TokenAnswer = parse(TokenAnswer, response.content, f"POST {TOKEN_PATH}")
        if answer.token_type.lower() != "bearer":
            raise ProviderResponseError(
                f"Genesys Cloud issued a {answer.token_type!r} token, not a bearer token; "
                "check the region or base URL"
            )
        self.fetched += 1
        lifetime = answer.expires_in
        early = min(self._margin, lifetime / 2)
        return answer.access_token, now + timedelta(seconds=lifetime - early)
