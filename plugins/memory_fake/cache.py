"""InMemoryCache: the Cache port in a dict, with TTL judged on an injected clock."""

from __future__ import annotations

import copy
import json
import threading
from datetime import datetime, timedelta

from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.jsonvalue import JsonValue


class InMemoryCache:
    """Fake Cache. Values are copied in and out so callers cannot alias stored state."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._data: dict[tuple[str, str], tuple[JsonValue, datetime | None]] = {}
        self._lock = threading.Lock()

    def get(self, namespace: str, key: str) -> JsonValue | None:
        """The value, or None when absent or past its TTL."""
        with self._lock:
            item = self._data.get((namespace, key))
            if item is None:
                return None
            value, expires = item
            if expires is not None and self._clock.now() >= expires:
                del self._data[(namespace, key)]
                return None
            return copy.deepcopy(value)

    def set(self, namespace: str, key: str, value: JsonValue, ttl_seconds: float | None) -> None:
        """Store a JSON-compatible value (rejects anything json cannot encode)."""
        json.dumps(value)  # same contract as a real cache: JSON values only
        expires = None if ttl_seconds is None else self._clock.now() + timedelta(
            seconds=ttl_seconds
        )
        with self._lock:
            self._data[(namespace, key)] = (copy.deepcopy(value), expires)

    def delete(self, namespace: str, key: str) -> None:
        """Remove one entry."""
        with self._lock:
            self._data.pop((namespace, key), None)

    def clear(self, namespace: str) -> int:
        """Remove a namespace; count removed entries."""
        with self._lock:
            keys = [k for k in self._data if k[0] == namespace]
            for k in keys:
                del self._data[k]
            return len(keys)
