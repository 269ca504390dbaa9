"""SystemClock: the real wall clock (aware UTC) and real sleeping."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime


class SystemClock:
    """The Clock port on the system clock; ``now()`` never goes backwards in one process
    (if the wall clock is stepped back, time stands still until it catches up)."""

    def __init__(self) -> None:
        self._last = datetime.min.replace(tzinfo=UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Current time, timezone-aware UTC, monotonic within this instance."""
        current = datetime.now(UTC)
        with self._lock:
            if current > self._last:
                self._last = current
            return self._last

    def sleep(self, seconds: float) -> None:
        """Block for ``seconds`` (negative counts as 0)."""
        time.sleep(max(0.0, seconds))
