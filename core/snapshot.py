"""CachedSnapshot: a provider list kept in the Cache port with its fetch time.

Freshness is judged by the Clock port, never by the cache's own expiry, so tests with a fake
clock are deterministic: a snapshot is reused until ``ttl`` has passed since it was fetched,
then fetched again once. A small ``stamp`` entry (a token naming the fetch) lets a long-lived
process notice cheaply that another process refreshed the snapshot, without re-reading it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar
from uuid import uuid4

from wfm_bridge.ports.cache import Cache
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.jsonvalue import JsonValue
from wfm_bridge.ports.models import Dto

T = TypeVar("T", bound=Dto)

_FORMAT = 1  # bump when the stored shape changes; older entries are then refetched
_DATA_KEY = "snapshot"
_STAMP_KEY = "stamp"


@dataclass(frozen=True)
class Snapshot(Generic[T]):
    """Items fetched from the provider at ``fetched_at`` (UTC); ``token`` names the fetch."""

    fetched_at: datetime
    items: tuple[T, ...]
    token: str


class CachedSnapshot(Generic[T]):
    """One namespace of the Cache holding one provider list, fresh for ``ttl``."""

    def __init__(
        self,
        cache: Cache,
        clock: Clock,
        namespace: str,
        model: type[T],
        fetch: Callable[[], list[T]],
        ttl: timedelta,
    ) -> None:
        if ttl <= timedelta(0):
            raise ValueError("the snapshot ttl must be positive")
        self._cache = cache
        self._clock = clock
        self._namespace = namespace
        self._model = model
        self._fetch = fetch
        self._ttl = ttl
        self._memo: Snapshot[T] | None = None
        # Single flight: threads that find the snapshot stale at once fetch it once.
        self._filling = threading.Lock()

    def get(self) -> Snapshot[T]:
        """The cached snapshot while fresh, else a newly fetched one (fetched once, even
        when many threads ask at the same time)."""
        found = self._fresh_snapshot()
        if found is not None:
            return found
        with self._filling:
            found = self._fresh_snapshot()  # another thread may have filled it meanwhile
            return found if found is not None else self.refresh()

    def _fresh_snapshot(self) -> Snapshot[T] | None:
        now = self._clock.now()
        stamp = self._cache.get(self._namespace, _STAMP_KEY)
        memo = self._memo
        if memo is not None and stamp == memo.token and self._fresh(memo, now):
            return memo
        stored = self._load()
        if stored is not None and self._fresh(stored, now):
            if stamp != stored.token:  # the stamp was evicted on its own
                self._write_stamp(stored)
            self._memo = stored
            return stored
        return None

    def refresh(self) -> Snapshot[T]:
        """Fetch from the provider now and store the result, whatever the cache holds."""
        items = tuple(self._fetch())
        snapshot = Snapshot(fetched_at=self._clock.now(), items=items, token=uuid4().hex)
        value: JsonValue = {
            "format": _FORMAT,
            "token": snapshot.token,
            "fetched_at": snapshot.fetched_at.isoformat(),
            "items": [item.model_dump(mode="json") for item in items],
        }
        self._cache.set(self._namespace, _DATA_KEY, value, self._storage_ttl())
        self._write_stamp(snapshot)
        self._memo = snapshot
        return snapshot

    def refreshed_at(self) -> datetime | None:
        """When the stored snapshot was fetched, or None when nothing is stored."""
        memo = self._memo
        if memo is not None and self._cache.get(self._namespace, _STAMP_KEY) == memo.token:
            return memo.fetched_at
        stored = self._load()
        return stored.fetched_at if stored is not None else None

    def _fresh(self, snapshot: Snapshot[T], now: datetime) -> bool:
        age = now - snapshot.fetched_at
        return timedelta(0) <= age < self._ttl

    def _load(self) -> Snapshot[T] | None:
        """The stored snapshot, or None when absent or unreadable (then it is refetched)."""
        value = self._cache.get(self._namespace, _DATA_KEY)
        if not isinstance(value, dict) or value.get("format") != _FORMAT:
            return None
        token, raw_time = value.get("token"), value.get("fetched_at")
        raw_items = value.get("items")
        if not (isinstance(token, str) and isinstance(raw_time, str)):
            return None
        if not isinstance(raw_items, list):
            return None
        try:
            items = tuple(self._model.model_validate(raw) for raw in raw_items)
            return Snapshot(fetched_at=_parse_time(raw_time), items=items, token=token)
        except ValueError:  # pydantic's ValidationError is a ValueError
            return None

    def _write_stamp(self, snapshot: Snapshot[T]) -> None:
        self._cache.set(self._namespace, _STAMP_KEY, snapshot.token, self._storage_ttl())

    def _storage_ttl(self) -> float:
        # Keep entries a little past their freshness so `explain` can still say how old the
        # data was; freshness itself is decided by the clock above.
        return (self._ttl * 2).total_seconds()


def _parse_time(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError("stored fetch time has no time zone")
    return parsed
