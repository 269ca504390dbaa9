"""Progress of a planned read (a schedule's many requests) under the learned rate limit.

A slower account means a slower answer, so a person waiting is told how long: when the rest
of a plan is expected to take more than ``LONG_WAIT`` seconds at the limiter's learned rate,
the provider's ``on_progress`` hook (None by default: the library stays silent) gets a
``PlanProgress`` at most every ``EVERY`` seconds, and once more when the plan is done.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.ratelimit import RateLimiter

LONG_WAIT = 10.0  # seconds: expectations above this are shown
EVERY = 2.0  # seconds between two reports


@dataclass(frozen=True)
class PlanProgress:
    """Where a planned read stands: answers in, requests planned, seconds still expected."""

    done: int
    total: int
    expected_seconds: float
    rate: float  # the learned requests per second the expectation is based on

    def message(self) -> str:
        """One line for a person waiting (the CLI prints it on stderr)."""
        if self.done >= self.total:
            return f"Assembled: all {self.total} requests answered"
        return (
            f"Assembled: {self.done}/{self.total} requests answered; about "
            f"{self.expected_seconds:.0f} s to go at the account's rate limit "
            f"({self.rate:.2g} requests/s)"
        )


ProgressHook = Callable[[PlanProgress], None]


def expected_seconds(requests: int, limiter: RateLimiter) -> float:
    """How long ``requests`` more take at the learned limit (the burst goes at once)."""
    now = limiter.current()
    return max(0, requests - now.burst) / now.rate


class PlanTracker:
    """Counts a plan's answers and reports to ``hook`` when the wait is long (thread-safe)."""

    def __init__(
        self, total: int, limiter: RateLimiter, clock: Clock, hook: ProgressHook | None
    ) -> None:
        self.total = total
        self._limiter = limiter
        self._clock = clock
        self._hook = hook
        self._done = 0
        self._shown: datetime | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Report the expectation up front when it is long."""
        self._report(final=False)

    def tick(self) -> None:
        """One more answer is in."""
        with self._lock:
            self._done += 1
            final = self._done >= self.total
        self._report(final=final)

    def _report(self, *, final: bool) -> None:
        if self._hook is None:
            return
        with self._lock:
            remaining = self.total - self._done
            expected = expected_seconds(remaining, self._limiter)
            now = self._clock.now()
            if final:
                due = self._shown is not None
            elif self._shown is None:
                due = expected > LONG_WAIT
            else:
                due = (now - self._shown).total_seconds() >= EVERY
            if not due:
                return
            self._shown = now
            progress = PlanProgress(self._done, self.total, expected, self._limiter.current().rate)
        self._hook(progress)
