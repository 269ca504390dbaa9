"""InMemoryStateStore: the StateStore port in a dict (durable only for the process)."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from wfm_bridge.ports.errors import BusyError
from wfm_bridge.ports.jsonvalue import JsonValue


class InMemoryStateStore:
    """Fake StateStore with the same semantics as the durable one, minus surviving the process.

    ``fail_next_put`` lets tests make the next write raise, to prove callers leave no orphan.
    """

    def __init__(self) -> None:
        self._data: dict[str, dict[str, JsonValue]] = {}
        self._locks: set[str] = set()
        self._mutex = threading.RLock()
        self.fail_next_put: Exception | None = None

    def get(self, namespace: str, key: str) -> JsonValue | None:
        """The stored value, or None."""
        with self._mutex:
            return copy.deepcopy(self._data.get(namespace, {}).get(key))

    def put(self, namespace: str, key: str, value: JsonValue) -> None:
        """Store a JSON-compatible value."""
        self._maybe_fail()
        json.dumps(value)
        with self._mutex:
            self._data.setdefault(namespace, {})[key] = copy.deepcopy(value)

    def put_if_absent(self, namespace: str, key: str, value: JsonValue) -> bool:
        """Store only when absent; True when stored."""
        self._maybe_fail()
        json.dumps(value)
        with self._mutex:
            ns = self._data.setdefault(namespace, {})
            if key in ns:
                return False
            ns[key] = copy.deepcopy(value)
            return True

    def delete(self, namespace: str, key: str) -> None:
        """Remove one entry."""
        with self._mutex:
            self._data.get(namespace, {}).pop(key, None)

    def scan(self, namespace: str) -> Iterator[tuple[str, JsonValue]]:
        """Entries in key order (a snapshot)."""
        with self._mutex:
            items = sorted(self._data.get(namespace, {}).items())
        for key, value in items:
            yield key, copy.deepcopy(value)

    @contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """Exclusive non-blocking lock; BusyError when held."""
        with self._mutex:
            if name in self._locks:
                raise BusyError(f"{name} is already running; wait for it to finish")
            self._locks.add(name)
        try:
            yield
        finally:
            with self._mutex:
                self._locks.discard(name)

    def _maybe_fail(self) -> None:
        if self.fail_next_put is not None:
            exc, self.fail_next_put = self.fail_next_put, None
            raise exc
