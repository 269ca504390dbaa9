"""Client-side rate limiting: one token bucket per API key, shared in the process.

The bucket is a GCRA ("virtual scheduling") token bucket: each ``acquire`` reserves the next
free slot under a lock, then sleeps outside it through the Clock port, so concurrent threads
queue fairly and a fake clock makes tests instant.

One token of the burst is held back by default: the server measures arrival times, which
jitter by a few milliseconds against our send times (the first request also pays the TCP
connect), so a client spending the exact burst would see occasional 429s.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

from pydantic import SecretStr

from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.vault import key_fingerprint


class TokenBucket:
    """``rate`` requests per second with bursts of ``burst``; thread-safe; sleeps on ``clock``."""

    def __init__(self, rate: float, burst: int, clock: Clock, *, headroom: int = 1) -> None:
        self.rate = rate
        self.burst = max(1, burst - headroom) if burst > 1 else 1
        self._clock = clock
        self._interval = 1.0 / rate
        self._tolerance = (self.burst - 1) * self._interval
        self._origin = clock.now()  # times are seconds since here: small, exact floats
        self._tat: float | None = None  # theoretical arrival time of the next request
        self._lock = threading.Lock()
        self.acquired = 0
        self.waited = 0.0

    def reserve(self) -> float:
        """Reserve one request slot; return how many seconds to wait before sending."""
        with self._lock:
            now = (self._clock.now() - self._origin).total_seconds()
            tat = now if self._tat is None else max(self._tat, now)
            wait = tat - self._tolerance - now
            wait = wait if wait > 1e-9 else 0.0  # float sums of the interval drift by ~1e-16
            self._tat = tat + self._interval
            self.acquired += 1
            self.waited += wait
            return wait

    def acquire(self) -> None:
        """Wait (via the Clock) until one request may be sent."""
        wait = self.reserve()
        if wait > 0:
            self._clock.sleep(wait)


@dataclass(frozen=True)
class _BucketKey:
    fingerprint: str
    rate: float
    burst: int


# Buckets are keyed by the clock first: every provider of a process shares the composition
# root's one clock, while tests that each build their own fake clock stay isolated.
_BUCKETS: weakref.WeakKeyDictionary[Clock, dict[_BucketKey, TokenBucket]] = (
    weakref.WeakKeyDictionary()
)
_REGISTRY_LOCK = threading.Lock()


def shared_bucket(api_key: SecretStr, rate: float, burst: int, clock: Clock) -> TokenBucket:
    """The process-wide bucket for this key (created on first use); keyed by the key's
    fingerprint (``ports.vault.key_fingerprint``), so the registry never holds the key."""
    key = _BucketKey(key_fingerprint(api_key), rate, burst)
    with _REGISTRY_LOCK:
        per_clock = _BUCKETS.setdefault(clock, {})
        bucket = per_clock.get(key)
        if bucket is None:
            bucket = per_clock[key] = TokenBucket(rate, burst, clock)
        return bucket
