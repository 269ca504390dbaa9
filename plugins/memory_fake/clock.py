"""InMemoryClock: a controllable clock; sleeping advances it instead of waiting."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class InMemoryClock:
    """Fake Clock. Starts at ``start`` (default: the real current time) and only moves when
    told to (``advance``/``set``) or when someone ``sleep``s on it."""

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime.now(UTC)
        if start.tzinfo is None:
            raise ValueError("InMemoryClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()
        self.slept: list[float] = []

    def now(self) -> datetime:
        """The fake current time (UTC)."""
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        """Advance time by ``seconds`` at once and remember the call."""
        seconds = max(0.0, seconds)
        with self._lock:
            self.slept.append(seconds)
            self._now += timedelta(seconds=seconds)

    def advance(self, delta: timedelta | float) -> None:
        """Move time forward."""
        if not isinstance(delta, timedelta):
            delta = timedelta(seconds=delta)
        with self._lock:
            self._now += delta

    def set(self, when: datetime) -> None:
        """Jump to ``when`` (timezone-aware)."""
        with self._lock:
            self._now = when.astimezone(UTC)
