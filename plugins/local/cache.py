"""DiskCache: the Cache port on diskcache (SQLite + files), shared safely by local processes.

Values are stored as JSON text, so they round-trip exactly and nothing is pickled. Expiry is
judged on the injected Clock, exactly like the in-memory fake; diskcache's own real-time
``expire`` (TTL plus a grace period) only lets it cull stale entries from disk. Namespaces
are diskcache tags, so ``clear(namespace)`` is one indexed delete.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import diskcache

from wfm_bridge.plugins.local.fs import ensure_private_dir
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import UnavailableError
from wfm_bridge.ports.jsonvalue import JsonValue

CULL_GRACE_SECONDS = 300.0  # real-time slack before the store drops an entry by itself
_T = TypeVar("_T")


def entry_text(value: JsonValue, ttl_seconds: float | None, now: datetime) -> str:
    """An entry as stored by every clocked cache: JSON ``[expires, value]`` (expires on the
    injected clock, ISO 8601, or null for no TTL); TypeError for non-JSON values."""
    expires = None if ttl_seconds is None else (now + timedelta(seconds=ttl_seconds)).isoformat()
    return json.dumps([expires, value])


def entry_value(raw: str | bytes, now: datetime) -> tuple[JsonValue | None, bool]:
    """(value, expired) of a stored entry: the value while fresh; (None, True) past its TTL
    (the caller deletes it); (None, False) when unreadable (simply absent)."""
    try:
        expires, value = json.loads(raw)
        if expires is not None and now >= datetime.fromisoformat(expires):
            return None, True
    except (ValueError, TypeError):
        return None, False
    return value, False


def cull_seconds(ttl_seconds: float | None) -> float | None:
    """Real time after which the store may drop an entry by itself (None: never)."""
    return None if ttl_seconds is None else max(ttl_seconds, 0.0) + CULL_GRACE_SECONDS


class DiskCache:
    """Namespaced JSON cache in ``directory``; safe for several processes on one machine."""

    def __init__(self, directory: Path, clock: Clock, *, timeout: float = 10.0) -> None:
        self.directory = ensure_private_dir(directory)
        self._clock = clock
        self._cache = self._call(
            lambda: diskcache.Cache(str(directory), timeout=timeout, tag_index=True)
        )

    def get(self, namespace: str, key: str) -> JsonValue | None:
        """The value, or None when absent or past its TTL on the clock."""
        raw = self._call(lambda: self._cache.get(_key(namespace, key)))
        if not isinstance(raw, str):
            return None
        value, expired = entry_value(raw, self._clock.now())
        if expired:
            self.delete(namespace, key)
        return value

    def set(self, namespace: str, key: str, value: JsonValue, ttl_seconds: float | None) -> None:
        """Store a JSON value, replacing any previous one (TypeError for non-JSON values)."""
        raw = entry_text(value, ttl_seconds, self._clock.now())
        cull = cull_seconds(ttl_seconds)
        self._call(lambda: self._cache.set(_key(namespace, key), raw, expire=cull, tag=namespace))

    def delete(self, namespace: str, key: str) -> None:
        """Remove one entry; absent keys are fine."""
        self._call(lambda: self._cache.delete(_key(namespace, key)))

    def clear(self, namespace: str) -> int:
        """Remove every entry of ``namespace``; how many were removed."""
        return int(self._call(lambda: self._cache.evict(namespace)))

    def close(self) -> None:
        """Close the underlying database connections."""
        self._cache.close()

    def _call(self, operation: Callable[[], _T]) -> _T:
        try:
            return operation()
        except (diskcache.Timeout, sqlite3.OperationalError) as exc:
            raise UnavailableError(
                f"the cache in {self.directory} is busy or unreadable ({exc}); try again, "
                "or delete that directory (it only holds rebuildable data)"
            ) from exc


def _key(namespace: str, key: str) -> str:
    return json.dumps([namespace, key])
