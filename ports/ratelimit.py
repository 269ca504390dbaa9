"""The RateLimiter port: paces the requests made with one provider credential.

A provider's server limits requests per credential (Assembled: per API key). Every process
and machine using the same credential must share one limiter, and the limit is *learned*:
the configured rate is where it starts; a 429 slows it down (honouring ``Retry-After`` when
the server sends one), and it recovers slowly while answers succeed (AIMD). A slower account
means a slower answer, never a failed one.

Adapters (``RateLimiters``: one limiter per credential) are registered for
``PortKind.RATE_LIMITER`` and chosen by name (``WFM_RATE_LIMITER``: ``local`` — in-process,
the default; ``redis`` — shared across processes and machines). The composition root builds
the configured one once per process and hands it to providers in ``ProviderContext.limiters``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class RateLimit:
    """A request rate: ``rate`` per second, bursts of up to ``burst``."""

    rate: float
    burst: int

    def __post_init__(self) -> None:
        if not (self.rate > 0 and self.burst >= 1):
            raise ValueError("a rate limit needs rate > 0 and burst >= 1")


@runtime_checkable
class RateLimiter(Protocol):
    """The pace of one credential: thread-safe, shared, adaptive.

    ``acquire`` waits (through the Clock port, so fake clocks make tests instant) until one
    request may be sent. ``throttled`` reports a 429 and lowers the learned rate (and holds
    every sender back for ``retry_after`` seconds when the server said so); ``succeeded``
    reports an answer that was not a 429 and lets the rate creep back up, never above the
    configured start. ``current`` is the learned limit now.
    """

    def acquire(self) -> None:
        """Wait until one request may be sent, then count it."""
        ...

    def throttled(self, retry_after: float | None) -> None:
        """The server answered 429: slow down (multiplicatively) and honour ``retry_after``."""
        ...

    def succeeded(self) -> None:
        """The server answered without a 429: recover a little (additively)."""
        ...

    def current(self) -> RateLimit:
        """The learned limit now."""
        ...



@runtime_checkable
class RateLimiters(Protocol):
    """The limiters of every credential: the same limiter for the same credential id."""

    def limiter(self, credential_id: str, start: RateLimit) -> RateLimiter:
        """The shared limiter of ``credential_id`` (a fingerprint, never the secret), created
        at the ``start`` limit on first use; later calls return what it has learned."""
        ...
