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
from wfm_bridge.plugins.assembled.config import AssembledConfig, RetryBudget
from wfm_bridge.plugins.assembled.retry import (
    POLICY,
    Action,
    Backoff,
    Failure,
    classify_status,
    decide,
    retry_after_seconds,
)
from wfm_bridge.plugins.assembled.wire import parse
from wfm_bridge.plugins.transport import tls_context
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import (
    AuthError,
    InvalidInputError,
    NotFoundError,
    OutcomeUnknownError,
    ProviderResponseError,
    RateLimitedError,
    UnavailableError,
    WfmError,
)
from wfm_bridge.ports.ratelimit import RateLimit, RateLimiter, RateLimiters
from wfm_bridge.ports.vault import key_fingerprint

log = logging.getLogger("wfm.assembled")

PROVIDER = "assembled"
W = TypeVar("W")
Params = tuple[tuple[str, str | int], ...] | Mapping[str, str | int] | None
ErrorFactory = Callable[[str], WfmError]

_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
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
        self._clock = clock
        self.limiter = limiter_for(api_key, config, clock, limiters)
        self._backoff = Backoff(config.retry, rng or random.Random())
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
        budget = budget or self.config.retry
        attempt, started = 0, None
        while True:
            attempt += 1
            self.limiter.acquire()
            if started is None:
                started = self._clock.now()
            response: httpx.Response | None = None
            cause: httpx.TransportError | httpx.DecodingError | None = None
            try:
                response = self._http.request(
                    method, path, params=params, json=json, headers=self._auth()
                )
            except _NOT_SENT as exc:
                failure, cause = Failure.NOT_SENT, exc
            except (httpx.TransportError, httpx.DecodingError) as exc:
                # DecodingError: a body that does not match its Content-Encoding arrived, so
                # the answer is as unreadable as a dropped one (a write may have happened)
                failure, cause = Failure.NO_ANSWER, exc
            else:
                found = classify_status(response.status_code)
                log.debug("%s -> %s (attempt %d)", endpoint, response.status_code, attempt)
                if found is not Failure.RATE_LIMITED:
                    self.limiter.succeeded()
                if found is None:
                    return response
                if on_not_available is not None and response.status_code in NOT_AVAILABLE:
                    raise on_not_available(self._detail(response))
                failure, cause = found, None
            action = POLICY[(failure, idempotent)]
            if action is Action.FAIL:
                raise self._final_error(
                    failure, endpoint, response, on_bad_request, on_not_found
                ) from cause
            if action is Action.OUTCOME_UNKNOWN:
                what = type(cause).__name__ if cause else f"HTTP {_status(response)}"
                raise OutcomeUnknownError(
                    f"{endpoint} was sent to Assembled but no clear answer came back ({what}); "
                    "it may or may not have been applied: read back before retrying"
                ) from cause
            now = self._clock.now()
            retry_after = retry_after_seconds(
                response.headers.get("Retry-After") if response is not None else None, now
            )
            if failure is Failure.RATE_LIMITED:
                # the limiter slows down and holds every sender of this key back; this
                # attempt waits as below, then for the limiter's next slot
                self.limiter.throttled(retry_after)
            decision = decide(
                action,
                attempt=attempt,
                elapsed=(now - started).total_seconds(),
                retry_after=retry_after,
                budget=budget,
                backoff=self._backoff,
                now=now,
            )
            if decision.give_up is not None:
                if failure is Failure.RATE_LIMITED:
                    raise RateLimitedError(
                        f"Assembled is rate limiting this API key ({endpoint}); try again after "
                        f"{decision.retry_at:%Y-%m-%d %H:%M:%S} UTC",
                        retry_at=decision.retry_at,
                    ) from cause
                raise UnavailableError(
                    f"Assembled did not answer {endpoint} successfully after {attempt} "
                    f"attempt(s) (last: {_describe(failure, response, cause)}); try again later"
                ) from cause
            log.info(
                "%s failed (%s), retry %d in %.2fs",
                endpoint,
                _describe(failure, response, cause),
                attempt,
                decision.wait,
            )
            self._clock.sleep(decision.wait)

    # --- internals -----------------------------------------------------------------------

    def _auth(self) -> dict[str, str]:
        # Rebuilt on every attempt from the secret: no plain copy of the key lives on self.
        token = base64.b64encode(f"{self._key.get_secret_value()}:".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    def _detail(self, response: httpx.Response | None) -> str:
        if response is None:
            return ""
        try:
            text = response.text
        except (UnicodeError, LookupError):  # a charset that does not fit the body
            text = response.content.decode("utf-8", "replace")
        text = " ".join(text.split())[:200]
        secret = self._key.get_secret_value()
        return text.replace(secret, "***") if secret else text

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
            f"Assembled refused {endpoint} with HTTP {_status(response)} "
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


def _status(response: httpx.Response | None) -> str:
    return str(response.status_code) if response is not None else "?"


def _describe(failure: Failure, response: httpx.Response | None, cause: Exception | None) -> str:
    if cause is not None:
        return type(cause).__name__
    return f"HTTP {_status(response)}"
