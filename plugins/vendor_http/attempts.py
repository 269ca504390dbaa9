"""One logical call to a vendor's API = attempts under the retry table (``retry.POLICY``).

Every attempt acquires from the credential's shared ``RateLimiter`` (when the call is rate
limited) and reports the answer to it: a 429 as ``throttled`` with its ``Retry-After``,
anything else as ``succeeded``, so the pace it learns is shared by every sender of the
credential. A write that got no clear answer is an ``OutcomeUnknownError`` (the caller reads
back); giving up on 429s is a ``RateLimitedError`` saying when to try again; giving up on
anything else an ``UnavailableError``. What a vendor's failed answers mean beyond that (a 401
that refreshes a token, an endpoint the account lacks) is its ``check``; its final errors
come from ``final_error``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from wfm_bridge.plugins.vendor_http.retry import (
    POLICY,
    Action,
    Backoff,
    Failure,
    RetryBudget,
    classify_status,
    decide,
    retry_after_seconds,
)
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import (
    OutcomeUnknownError,
    RateLimitedError,
    UnavailableError,
    WfmError,
)
from wfm_bridge.ports.ratelimit import RateLimiter

NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

AGAIN = "again"  # what a ``check`` returns to repeat the call at once (e.g. a refreshed token)
Check = Callable[[httpx.Response], str | None]  # may raise its own error; None: the policy
FinalError = Callable[[Failure, httpx.Response | None], WfmError]


@dataclass
class Attempts:
    """The attempt loop of one vendor client: ``vendor`` ("Assembled") and ``credential``
    ("this API key") name them in errors; waits go through ``clock``."""

    vendor: str
    credential: str
    clock: Clock
    backoff: Backoff
    log: logging.Logger

    def run(
        self,
        endpoint: str,
        send: Callable[[], httpx.Response],
        *,
        idempotent: bool,
        budget: RetryBudget,
        limiter: RateLimiter | None,
        final_error: FinalError,
        check: Check | None = None,
    ) -> httpx.Response:
        """Attempts of ``send`` (one HTTP request each) until a 2xx answer, which it returns,
        or an error as the module says."""
        attempt, started = 0, None
        while True:
            attempt += 1
            if limiter is not None:
                limiter.acquire()
            if started is None:
                started = self.clock.now()
            response: httpx.Response | None = None
            cause: httpx.TransportError | httpx.DecodingError | None = None
            try:
                response = send()
            except NOT_SENT as exc:
                failure, cause = Failure.NOT_SENT, exc
            except (httpx.TransportError, httpx.DecodingError) as exc:
                # DecodingError: a body that does not match its Content-Encoding arrived, so
                # the answer is as unreadable as a dropped one (a write may have happened)
                failure, cause = Failure.NO_ANSWER, exc
            else:
                found = classify_status(response.status_code)
                self.log.debug("%s -> %s (attempt %d)", endpoint, response.status_code, attempt)
                if limiter is not None and found is Failure.RATE_LIMITED:
                    # slows down and holds every sender of the credential back; this attempt
                    # waits as below, then for the limiter's next slot
                    limiter.throttled(self._retry_after(response))
                elif limiter is not None:
                    limiter.succeeded()
                if found is None:
                    return response
                if check is not None and check(response) == AGAIN:
                    continue
                failure = found
            action = POLICY[(failure, idempotent)]
            if action is Action.FAIL:
                raise final_error(failure, response) from cause
            if action is Action.OUTCOME_UNKNOWN:
                raise OutcomeUnknownError(
                    f"{endpoint} was sent to {self.vendor} but no clear answer came back "
                    f"({describe(response, cause)}); it may or may not have been applied: "
                    "read back before retrying"
                ) from cause
            now = self.clock.now()
            decision = decide(
                action,
                attempt=attempt,
                elapsed=(now - started).total_seconds(),
                retry_after=self._retry_after(response),
                budget=budget,
                backoff=self.backoff,
                now=now,
            )
            if decision.give_up is not None:
                if failure is Failure.RATE_LIMITED:
                    raise RateLimitedError(
                        f"{self.vendor} is rate limiting {self.credential} ({endpoint}); try "
                        f"again after {decision.retry_at:%Y-%m-%d %H:%M:%S} UTC",
                        retry_at=decision.retry_at,
                    ) from cause
                raise UnavailableError(
                    f"{self.vendor} did not answer {endpoint} successfully after {attempt} "
                    f"attempt(s) (last: {describe(response, cause)}); try again later"
                ) from cause
            self.log.info(
                "%s failed (%s), retry %d in %.2fs",
                endpoint, describe(response, cause), attempt, decision.wait,
            )
            self.clock.sleep(decision.wait)

    def _retry_after(self, response: httpx.Response | None) -> float | None:
        if response is None:
            return None
        return retry_after_seconds(response.headers.get("Retry-After"), self.clock.now())


def status(response: httpx.Response | None) -> str:
    """The answer's status code as text, ``?`` when none came."""
    return str(response.status_code) if response is not None else "?"


def describe(response: httpx.Response | None, cause: Exception | None) -> str:
    """What the last attempt met: the transport error's name, or the HTTP status."""
    return type(cause).__name__ if cause is not None else f"HTTP {status(response)}"


def detail(response: httpx.Response | None, redact: Callable[[str], str]) -> str:
    """The first 200 characters of an error answer's body on one line, redacted."""
    if response is None:
        return ""
    try:
        text = response.text
    except (UnicodeError, LookupError):  # a charset that does not fit the body
        text = response.content.decode("utf-8", "replace")
    return redact(" ".join(text.split())[:200])
