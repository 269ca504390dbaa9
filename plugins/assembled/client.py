"""AssembledClient: one HTTP call to Assembled = rate limit + attempts under the retry table.

The rate limit is the credential's shared, adaptive ``RateLimiter`` (``ports.ratelimit``):
every attempt acquires from it, and every answer is reported to it (a 429 as ``throttled``
with its ``Retry-After``, anything else as ``succeeded``), so the pace it learns is shared by
every sender of the key.

HTTPS only (plain http for loopback hosts alone, i.e. the emulator), redirects never followed
(they could downgrade the scheme or leak the key), the ``API-Version`` header on every request,
Basic auth rebuilt from the secret on every attempt and never stored as text. The key never
appears in logs, reprs or error messages.
"""

from __future__ import annotations

import base64
import logging
import random
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx
from pydantic import SecretStr

from wfm_bridge.host.loopback import checked_base_url
from wfm_bridge.plugins.assembled.config import AssembledConfig
from wfm_bridge.plugins.assembled.wire import parse
from wfm_bridge.plugins.vendor_http.attempts import Attempts, detail, status
from wfm_bridge.plugins.vendor_http.retry import Backoff, Failure, RetryBudget
from wfm_bridge.plugins.vendor_http.tls import tls_context
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import (
    AuthError,
    InvalidInputError,
    NotFoundError,
    ProviderResponseError,
    WfmError,
)
from wfm_bridge.ports.ratelimit import RateLimit, RateLimiter, RateLimiters
from wfm_bridge.ports.vault import key_fingerprint

log = logging.getLogger("wfm.assembled")

PROVIDER = "assembled"
W = TypeVar("W")
Params = tuple[tuple[str, str | int], ...] | Mapping[str, str | int] | None
ErrorFactory = Callable[[str], WfmError]

NOT_AVAILABLE = frozenset({403, 404, 405})  # for an optional endpoint: not for this account


def check_base_url(url: str) -> httpx.URL:
    """The base URL if it is https, or plain http to a loopback host; else InvalidInputError."""
    return checked_base_url(url, "the assembled base URL", "the API key")


class AssembledClient:
    """Sends requests to Assembled for one API key, under the shared rate limit and retry table."""

    def __init__(
        self,
        config: AssembledConfig,
        api_key: SecretStr,
        clock: Clock,
        *,
        transport: httpx.BaseTransport | None = None,
        limiters: RateLimiters | None = None,
        rng: random.Random | None = None,
    ) -> None:
        base = check_base_url(config.base_url)
        self.config = config
        self._key = api_key
        self.limiter = limiter_for(api_key, config, clock, limiters)
        self._attempts = Attempts(
            "Assembled", "this API key", clock, Backoff(config.retry, rng or random.Random()), log
        )
        self._http = httpx.Client(
            verify=tls_context(),
            base_url=base,
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(config.retry.read_timeout, connect=config.connect_timeout),
            headers={
                "API-Version": config.api_version,
                "Accept": "application/json",
                "User-Agent": "wfm-bridge",
            },
            limits=httpx.Limits(max_connections=max(10, config.concurrency * 2)),
        )
        self.host = base.host

    def __repr__(self) -> str:
        return (
            f"AssembledClient(base_url={self.config.base_url!r}, "
            f"key={key_fingerprint(self._key)})"
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    # --- typed helpers -----------------------------------------------------------------

    def get(
        self, model: type[W], path: str, params: Params = None, budget: RetryBudget | None = None
    ) -> W:
        """GET a JSON resource (idempotent, retried) and validate it as ``model``."""
        response = self.request("GET", path, params=params, idempotent=True, budget=budget)
        return parse(model, response.content, f"GET {path}")

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        json: Any = None,
        idempotent: bool,
        on_bad_request: ErrorFactory | None = None,
        on_not_found: ErrorFactory | None = None,
        on_not_available: ErrorFactory | None = None,
        budget: RetryBudget | None = None,
    ) -> httpx.Response:
        """Send one logical call: attempts under ``POLICY`` within ``budget`` (the configured
        one by default); returns the 2xx response. ``on_not_available`` turns a 403/404/405
        of this endpoint into its error at once (the key works; the account lacks it)."""
        endpoint = f"{method} {path}"

        def send() -> httpx.Response:
            return self._http.request(method, path, params=params, json=json, headers=self._auth())

        def check(response: httpx.Response) -> None:
            if on_not_available is not None and response.status_code in NOT_AVAILABLE:
                raise on_not_available(self._detail(response))

        def final_error(failure: Failure, response: httpx.Response | None) -> WfmError:
            return self._final_error(failure, endpoint, response, on_bad_request, on_not_found)

        return self._attempts.run(
            endpoint, send, idempotent=idempotent, budget=budget or self.config.retry,
            limiter=self.limiter, final_error=final_error, check=check,
        )

    # --- internals -----------------------------------------------------------------------

    def _auth(self) -> dict[str, str]:
        # Rebuilt on every attempt from the secret: no plain copy of the key lives on self.
        token = base64.b64encode(f"{self._key.get_secret_value()}:".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    def _detail(self, response: httpx.Response | None) -> str:
        secret = self._key.get_secret_value()
        return detail(response, lambda text: text.replace(secret, "***") if secret else text)

    def _final_error(
        self,
        failure: Failure,
        endpoint: str,
        response: httpx.Response | None,
        on_bad_request: ErrorFactory | None,
        on_not_found: ErrorFactory | None,
    ) -> WfmError:
        detail = self._detail(response)
        if failure is Failure.AUTH:
            return AuthError.invalid_key(PROVIDER)
        if failure is Failure.BAD_REQUEST:
            if on_bad_request is not None:
                return on_bad_request(detail)
            return InvalidInputError(
                f"Assembled refused {endpoint} (400: {detail or 'no detail'}); "
                "check the ids and values sent"
            )
        if failure is Failure.NOT_FOUND:
            if on_not_found is not None:
                return on_not_found(detail)
            return NotFoundError(
                f"Assembled has no {endpoint} (404); check the base URL and API version"
            )
        if failure is Failure.REDIRECT:
            where = response.headers.get("Location", "?") if response is not None else "?"
            return ProviderResponseError(
                f"Assembled redirected {endpoint} to {where}; redirects are not followed, "
                "check the base URL"
            )
        return ProviderResponseError(
            f"Assembled refused {endpoint} with HTTP {status(response)} "
            f"({detail or 'no detail'}); check the plugin options for this endpoint"
        )


def limiter_for(
    api_key: SecretStr, config: AssembledConfig, clock: Clock, limiters: RateLimiters | None
) -> RateLimiter:
    """The key's limiter from the process's ``limiters`` (keyed by the vault's fingerprint,
    never the key), or a private in-process one when the provider was built without them."""
    if limiters is None:
        from wfm_bridge.plugins.local.ratelimit import LocalRateLimiters

        limiters = LocalRateLimiters(clock)
    return limiters.limiter(key_fingerprint(api_key), RateLimit(config.rate, config.burst))

