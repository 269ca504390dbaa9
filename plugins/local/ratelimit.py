"""The ``local`` RateLimiters adapter: one adaptive token bucket per credential, in-process.

The bucket is a GCRA ("virtual scheduling") token bucket: each ``acquire`` reserves the next
free slot under a lock, then sleeps outside it through the Clock port, so concurrent threads
queue fairly and a fake clock makes tests instant. It is the codebase's one token bucket.

Adaptive (AIMD), as ``ports.ratelimit`` says:

- a 429 multiplies rate and burst by ``DECREASE``, once per "window": a 429 for a request
  sent before the last decrease (it was in flight while we learned) lowers nothing again;
- ``Retry-After`` (else one interval at the lowered rate) holds *every* sender back until
  then, and the burst credit is spent: the server's bucket is empty, so after the hold
  requests go one interval apart;
- each success adds ``start.rate * RECOVERY`` to the rate (the burst follows the rate), never
  above the configured start.

One token of the burst is held back: the server measures arrival times, which jitter by a
few milliseconds against our send times, so a client spending the exact burst would see
occasional 429s.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.ratelimit import RateLimit

DECREASE = 0.7  # multiplicative decrease per 429 window
RECOVERY = 0.01  # additive increase per success, as a share of the start rate
MIN_RATE = 0.01  # requests per second: a limiter never stops altogether


@dataclass
class _Sent:
    """What the calling thread's last ``acquire`` saw (to tell stale 429s from new ones)."""

    window: int = 0


class AdaptiveLimiter:
    """The pace of one credential: starts at ``start``, learns from 429s; thread-safe."""

    def __init__(self, start: RateLimit, clock: Clock, *, headroom: int = 1) -> None:
        self.start = start
        self._clock = clock
        self._headroom = headroom
        self._rate = start.rate
        self._origin = clock.now()  # times are seconds since here: small, exact floats
        self._tat: float | None = None  # theoretical arrival time of the next request
        self._hold_until = 0.0
        self._window = 0  # bumped on every decrease
        self._lock = threading.Lock()
        self._sent = threading.local()
        self.acquired = 0
        self.waited = 0.0
        self.throttles = 0

    def __repr__(self) -> str:
        now = self.current()
        return f"AdaptiveLimiter(rate={now.rate:.3g}/s, burst={now.burst}, start={self.start})"

    # --- the port ------------------------------------------------------------------------

    def acquire(self) -> None:
        """Wait (via the Clock) until one request may be sent, then count it."""
        while True:
            wait, window = self.reserve()
            if wait > 0:
                self._clock.sleep(wait)
            with self._lock:
                if window == self._window:  # no 429 while we slept: our slot still holds
                    self._local().window = window
                    return
            # a 429 came in while we waited: every sender is held back, reserve again

    def throttled(self, retry_after: float | None) -> None:
        """The server answered 429: slow down (once per window) and hold every sender back."""
        with self._lock:
            now = self._now()
            self.throttles += 1
            if self._local().window == self._window:  # sent at the rate that was just refused
                self._rate = max(MIN_RATE, self._rate * DECREASE)
                self._window += 1
            hold = retry_after if retry_after is not None else 1.0 / self._rate
            self._hold_until = max(self._hold_until, now + hold)
            # the server's bucket is empty: no burst credit after the hold
            self._tat = self._hold_until + self._tolerance()

    def succeeded(self) -> None:
        """The server answered without a 429: recover a little (additively)."""
        with self._lock:
            self._rate = min(self.start.rate, self._rate + self.start.rate * RECOVERY)

    def current(self) -> RateLimit:
        """The learned limit now."""
        with self._lock:
            return RateLimit(self._rate, self._burst())

    # --- the bucket ----------------------------------------------------------------------

    def reserve(self) -> tuple[float, int]:
        """Reserve one request slot: seconds to wait before sending, and the window it is in."""
        with self._lock:
            now = self._now()
            tat = now if self._tat is None else max(self._tat, now)
            wait = max(tat - self._tolerance(), self._hold_until) - now
            wait = wait if wait > 1e-9 else 0.0  # float sums of the interval drift by ~1e-16
            self._tat = tat + 1.0 / self._rate
            self.acquired += 1
            self.waited += wait
            return wait, self._window

    def _burst(self) -> int:
        """The learned burst: the start's, scaled with the learned rate."""
        return max(1, round(self.start.burst * self._rate / self.start.rate))

    def _tolerance(self) -> float:
        burst = self._burst()
        usable = max(1, burst - self._headroom) if burst > 1 else 1
        return (usable - 1) / self._rate

    def _now(self) -> float:
        return (self._clock.now() - self._origin).total_seconds()

    def _local(self) -> _Sent:
        sent: _Sent | None = getattr(self._sent, "value", None)
        if sent is None:
            sent = self._sent.value = _Sent()
        return sent


class LocalRateLimiters:
    """``RateLimiters`` for one process: one ``AdaptiveLimiter`` per credential id."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._limiters: dict[str, AdaptiveLimiter] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LocalRateLimiters({len(self._limiters)} credential(s))"

    def limiter(self, credential_id: str, start: RateLimit) -> AdaptiveLimiter:
        """The limiter of ``credential_id``, created at ``start`` on first use; later calls
        return the same one, with what it has learned."""
        with self._lock:
            found = self._limiters.get(credential_id)
            if found is None:
                found = self._limiters[credential_id] = AdaptiveLimiter(start, self._clock)
            return found
