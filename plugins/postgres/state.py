"""PostgresStateStore: the StateStore port on PostgreSQL (the meeting ledger, export
checkpoints and pending sets, single-flight locks), shared by every machine of a fleet.

One table, ``wfm_state (namespace, key, value)``. Namespace and key are ``bytea`` (UTF-8): any
string the port accepts, NUL included, and ``ORDER BY key`` is code-point order, as the port
promises for ``scan``. Values are JSON *text*, not ``jsonb``: jsonb rewrites numbers (1e308
becomes a 309-digit integer) and refuses ``\\u0000``; text round-trips exactly. Every write is
one autocommitted statement (durable once it returns, with the server's default
``synchronous_commit``).

Locks are session-level advisory locks (``pg_try_advisory_lock``) held on a dedicated
connection for the ``with`` block: PostgreSQL releases them when that connection ends, so a
holder killed by SIGKILL never blocks a tenant (its socket closes, its backend exits). A
server restart also ends the session: the holder then no longer holds the lock, which it
learns when releasing it (logged); the export fleet does not depend on that lock alone
(its claims are leases in a table, plugins/postgres/claims.py).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from wfm_bridge.plugins.postgres.database import PgDatabase, advisory_key
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import BusyError
from wfm_bridge.ports.jsonvalue import JsonValue

if TYPE_CHECKING:
    import psycopg

SCAN_PAGE = 500
MIGRATIONS = (
    """
    CREATE TABLE wfm_state (
        namespace bytea NOT NULL,
        key bytea NOT NULL,
        value text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (namespace, key)
    )
    """,
)
_log = logging.getLogger("wfm_bridge.postgres")


class PostgresStateStore:
    """Durable namespaced JSON store in PostgreSQL; locks are advisory locks."""

    def __init__(self, db: PgDatabase) -> None:
        self._db = db
        db.migrate("state", MIGRATIONS)

    @classmethod
    def connect(cls, dsn: str, schema: str, clock: Clock) -> PostgresStateStore:
        """A store on its own pool (closed by ``close``)."""
        return cls(PgDatabase(dsn, schema, clock))

    def get(self, namespace: str, key: str) -> JsonValue | None:
        """The stored value, or None."""
        row = self._db.run(
            lambda c: c.execute(
                "SELECT value FROM wfm_state WHERE namespace = %s AND key = %s",
                (_b(namespace), _b(key)),
            ).fetchone()
        )
        return None if row is None else _decode(row[0])

    def put(self, namespace: str, key: str, value: JsonValue) -> None:
        """Store ``value`` atomically and durably, replacing any previous one."""
        encoded = json.dumps(value)
        self._db.run(
            lambda c: c.execute(
                "INSERT INTO wfm_state (namespace, key, value) VALUES (%s, %s, %s) "
                "ON CONFLICT (namespace, key) DO UPDATE "
                "SET value = excluded.value, updated_at = now()",
                (_b(namespace), _b(key), encoded),
            )
        )

    def put_if_absent(self, namespace: str, key: str, value: JsonValue) -> bool:
        """Store only when absent (one statement); True when stored.

        When a connection dies after the statement was sent, the retry cannot tell from the
        conflict alone whether the lost attempt stored the value: it then compares. An equal
        stored value counts as ours, which is sound: whoever stored it, the outcome is the
        same value (callers store values carrying their own unique id, e.g. a meeting id).
        """
        encoded = json.dumps(value)
        attempts = 0

        def insert(c: psycopg.Connection[tuple[object, ...]]) -> bool:
            nonlocal attempts
            attempts += 1
            stored = c.execute(
                "INSERT INTO wfm_state (namespace, key, value) VALUES (%s, %s, %s) "
                "ON CONFLICT (namespace, key) DO NOTHING RETURNING 1",
                (_b(namespace), _b(key), encoded),
            ).fetchone()
            if stored is not None:
                return True
            if attempts == 1:
                return False
            row = c.execute(
                "SELECT value FROM wfm_state WHERE namespace = %s AND key = %s",
                (_b(namespace), _b(key)),
            ).fetchone()
            return row is not None and _decode(row[0]) == value

        return self._db.run(insert)

    def delete(self, namespace: str, key: str) -> None:
        """Remove one entry; absent keys are fine."""
        self._db.run(
            lambda c: c.execute(
                "DELETE FROM wfm_state WHERE namespace = %s AND key = %s",
                (_b(namespace), _b(key)),
            )
        )

    def scan(self, namespace: str) -> Iterator[tuple[str, JsonValue]]:
        """Every (key, value) of ``namespace`` in key order, read a page at a time."""
        after: bytes | None = None
        while True:
            rows = self._page(_b(namespace), after)
            for key, value in rows:
                yield key.decode(), _decode(value)
            if len(rows) < SCAN_PAGE:
                return
            after = rows[-1][0]

    def _page(self, namespace: bytes, after: bytes | None) -> list[tuple[bytes, str]]:
        def read(c: psycopg.Connection[tuple[object, ...]]) -> list[tuple[bytes, str]]:
            if after is None:
                cursor = c.execute(
                    "SELECT key, value FROM wfm_state WHERE namespace = %s "
                    "ORDER BY key LIMIT %s",
                    (namespace, SCAN_PAGE),
                )
            else:
                cursor = c.execute(
                    "SELECT key, value FROM wfm_state WHERE namespace = %s AND key > %s "
                    "ORDER BY key LIMIT %s",
                    (namespace, after, SCAN_PAGE),
                )
            return [(bytes(k), str(v)) for k, v in cursor.fetchall()]  # type: ignore[call-overload]

        return self._db.run(read)

    @contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """Exclusive, non-blocking, cross-machine lock; ``BusyError`` when held elsewhere."""
        key = advisory_key(self._db.schema, "lock", name)
        conn = self._db.connect()
        try:
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
            if not (row and row[0]):
                raise BusyError(
                    f"{name} is already running (lock held by another process or machine); "
                    "wait for it to finish and try again"
                )
            yield
            self._unlock(conn, key, name)
        finally:
            conn.close()  # ending the session releases the lock in every case

    def _unlock(self, conn: psycopg.Connection[tuple[object, ...]], key: int, name: str) -> None:
        import psycopg

        try:
            conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
        except psycopg.Error as exc:  # the session ended under us (server restart)
            _log.warning("lock %s was lost before its release (%s)", name, exc)

    def close(self) -> None:
        """Close the pool."""
        self._db.close()


def _b(text: str) -> bytes:
    return text.encode("utf-8")


def _decode(raw: object) -> JsonValue:
    return json.loads(str(raw))  # type: ignore[no-any-return]
