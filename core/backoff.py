"""Retrying transient provider failures with exponential backoff inside a time budget.

Waiting goes through the Clock port, so tests never sleep. Only ``UnavailableError`` (which
includes ``RateLimitedError`` and ``OutcomeUnknownError``) is retried: auth, validation and
malformed-response errors are not transient and surface at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import RateLimitedError, UnavailableError

T = TypeVar("T")


@dataclass(frozen=True)
class BackoffPolicy:
    """How hard to retry: per-call attempts, delays, and the total wait allowed per budget."""

    max_attempts: int = 6
    first_delay: float = 1.0
    max_delay: float = 60.0
    budget_seconds: float = 300.0

    def delay(self, attempt: int) -> float:
        """The wait before retry number ``attempt`` (1-based): doubling, capped."""
        return float(min(self.max_delay, self.first_delay * 2.0 ** (attempt - 1)))


class RetryBudget:
    """Retries calls under one policy; every wait is charged to one shared budget."""

    def __init__(self, clock: Clock, policy: BackoffPolicy) -> None:
        self._clock = clock
        self._policy = policy
        self.waited = 0.0
        self.retries = 0

    def call(self, fn: Callable[[], T], on_retry: Callable[[Exception], None] | None = None) -> T:
        """Run ``fn``; retry transient failures until attempts or budget run out, then re-raise."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return fn()
            except UnavailableError as exc:
                wait = self._wait_for(exc, attempt)
                if attempt >= self._policy.max_attempts or wait is None:
                    raise
                if on_retry is not None:
                    on_retry(exc)
                self.retries += 1
                self.waited += wait
                self._clock.sleep(wait)

    def _wait_for(self, exc: UnavailableError, attempt: int) -> float | None:
        """Seconds to wait before the next attempt, or None when the budget cannot cover it."""
        wait = self._policy.delay(attempt)
        if isinstance(exc, RateLimitedError) and exc.retry_at is not None:
            # the provider said when: honour it, never below the first delay, capped
            told = (exc.retry_at - self._clock.now()).total_seconds()
            wait = min(self._policy.max_delay, max(self._policy.first_delay, told))
        if self.waited + wait > self._policy.budget_seconds:
            return None
        return wait
