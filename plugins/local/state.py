"""SqliteStateStore: the StateStore port in one SQLite database (WAL mode) plus flock locks.

Why SQLite rather than diskcache here: ``scan`` must yield a namespace in key order (an
indexed range query; diskcache only iterates in insertion order), ``put_if_absent`` is one
``INSERT ... ON CONFLICT DO NOTHING``, and ``synchronous=FULL`` makes every write durable when
the call returns. Locks are ``flock`` on files in ``locks/``: the kernel releases them when the
holder dies, even by SIGKILL, which no database row can promise.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TypeVar

from wfm_bridge.plugins.local.fs import ensure_private_dir, try_file_lock
from wfm_bridge.ports.errors import UnavailableError
from wfm_bridge.ports.jsonvalue import JsonValue

SCAN_PAGE = 500
_T = TypeVar("_T")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS state (
    namespace TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (namespace, key)
) WITHOUT ROWID
"""


class SqliteStateStore:
    """Durable namespaced JSON store in ``directory/state.sqlite3``; locks in ``locks/``."""

    def __init__(self, directory: Path, *, timeout: float = 10.0) -> None:
        self.directory = ensure_private_dir(directory)
        self.path = directory / "state.sqlite3"
        self._locks_dir = ensure_private_dir(directory / "locks")
        self._mutex = threading.Lock()
        self._db = self._call(lambda: self._connect(timeout))

    def _connect(self, timeout: float) -> sqlite3.Connection:
        db = sqlite3.connect(
            self.path, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute(_SCHEMA)
        return db

    def get(self, namespace: str, key: str) -> JsonValue | None:
        """The stored value, or None."""
        rows = self._query(
            "SELECT value FROM state WHERE namespace = ? AND key = ?", (namespace, key)
        )
        return None if not rows else _decode(rows[0][0])

    def put(self, namespace: str, key: str, value: JsonValue) -> None:
        """Store ``value`` atomically and durably, replacing any previous one."""
        self._query(
            "INSERT INTO state (namespace, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value",
            (namespace, key, json.dumps(value)),
        )

    def put_if_absent(self, namespace: str, key: str, value: JsonValue) -> bool:
        """Store only when absent (one atomic statement); True when stored."""
        encoded = json.dumps(value)
        with self._mutex:
            cursor = self._call(
                lambda: self._db.execute(
                    "INSERT INTO state (namespace, key, value) VALUES (?, ?, ?) "
                    "ON CONFLICT (namespace, key) DO NOTHING",
                    (namespace, key, encoded),
                )
            )
            return cursor.rowcount == 1

    def delete(self, namespace: str, key: str) -> None:
        """Remove one entry; absent keys are fine."""
        self._query("DELETE FROM state WHERE namespace = ? AND key = ?", (namespace, key))

    def scan(self, namespace: str) -> Iterator[tuple[str, JsonValue]]:
        """Every (key, value) of ``namespace`` in key order, read a page at a time."""
        rows = self._query(
            "SELECT key, value FROM state WHERE namespace = ? ORDER BY key LIMIT ?",
            (namespace, SCAN_PAGE),
        )
        while rows:
            for key, value in rows:
                yield key, _decode(value)
            rows = self._query(
                "SELECT key, value FROM state WHERE namespace = ? AND key > ? "
                "ORDER BY key LIMIT ?",
                (namespace, rows[-1][0], SCAN_PAGE),
            )

    def lock(self, name: str) -> AbstractContextManager[None]:
        """Exclusive, non-blocking, cross-process lock; ``BusyError`` when held."""
        return try_file_lock(self._locks_dir / _lock_file_name(name), name)

    def close(self) -> None:
        """Close the database connection."""
        with self._mutex:
            self._db.close()

    def _query(self, sql: str, params: tuple[object, ...]) -> list[tuple[str, str]]:
        with self._mutex:
            return self._call(lambda: self._db.execute(sql, params).fetchall())

    def _call(self, operation: Callable[[], _T]) -> _T:
        try:
            return operation()
        except sqlite3.Error as exc:
            raise UnavailableError(
                f"the state database {self.path} is busy or unreadable ({exc}); try again, "
                "and if it persists restore it from a backup"
            ) from exc


def _decode(raw: str) -> JsonValue:
    return json.loads(raw)  # type: ignore[no-any-return]


def _lock_file_name(name: str) -> str:
    """A safe, unique file name for any lock name (readable prefix + hash)."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:40]
    return f"{slug}-{hashlib.sha256(name.encode()).hexdigest()[:16]}.lock"
