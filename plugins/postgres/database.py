"""PgDatabase: one connection pool on one schema, versioned migrations, driver errors translated.

Every adapter of this plugin talks to PostgreSQL through ``PgDatabase.run``: it checks a
connection out of the pool (checked alive first, so a server restart costs one retry, not a
failed command), runs the operation in one transaction, and translates psycopg's errors into
the port errors. Connection failures are retried a few times through the Clock port (a
restart takes a second or two), then reported as ``UnavailableError``; the operation itself
must be safe to run again (the adapters make every write idempotent or check what a lost
answer did). Tables live in one PostgreSQL schema (``WFM_POSTGRES_SCHEMA``, default
``public``): several installations, or every test, can share one database.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import IntegrityError, InvalidInputError, UnavailableError

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")
RETRY_DELAYS = (0.1, 0.3, 0.6, 1.0, 2.0)  # seconds between attempts: rides out a restart
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_VERSIONS = """
CREATE TABLE IF NOT EXISTS wfm_schema_version (
    component text PRIMARY KEY,
    version integer NOT NULL,
    migrated_at timestamptz NOT NULL DEFAULT now()
)
"""


def describe(dsn: str) -> str:
    """``host:port/dbname`` of a DSN, never its password (for messages)."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(dsn)
    except Exception:
        return "the configured PostgreSQL server"
    return f"{parts.get('host', 'localhost')}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"


def check_schema(name: str) -> str:
    """A valid (lower-case, unquoted) PostgreSQL schema name, or InvalidInputError."""
    if not _SCHEMA_NAME.fullmatch(name):
        raise InvalidInputError(
            f"WFM_POSTGRES_SCHEMA {name!r} is not a schema name; use lower-case letters, "
            "digits and '_' (at most 63), starting with a letter or '_'"
        )
    return name


def advisory_key(*parts: str) -> int:
    """A signed 64-bit advisory-lock key for ``parts`` (schema first: installations never
    share a key)."""
    digest = hashlib.sha256("\0".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PgDatabase:
    """A pool of connections to ``dsn`` whose search path is ``schema``."""

    def __init__(self, dsn: str, schema: str, clock: Clock, *, max_size: int = 8) -> None:
        from psycopg_pool import ConnectionPool

        self.dsn = dsn
        self.schema = check_schema(schema)
        self.where = f"PostgreSQL at {describe(dsn)} (schema {schema})"
        self._clock = clock
        self._pool = ConnectionPool(
            dsn,
            min_size=1,
            max_size=max_size,
            open=False,
            configure=self._configure,
            check=ConnectionPool.check_connection,
            kwargs={"autocommit": True},
            name=f"wfm-{schema}",
        )
        try:
            self._attempt(lambda: self._pool.open(wait=True, timeout=5.0), retries=())
        except UnavailableError:
            self._pool.close()  # else its workers keep trying to connect in the background
            raise

    def _configure(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        from psycopg import sql

        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))

    def run(self, operation: Callable[[psycopg.Connection[tuple[object, ...]]], T]) -> T:
        """Run ``operation`` in one transaction on a pooled connection (retried when the
        connection fails: it must be safe to repeat)."""

        def once() -> T:
            with self._pool.connection(timeout=10.0) as conn, conn.transaction():
                return operation(conn)

        return self._attempt(once)

    def connect(self) -> psycopg.Connection[tuple[object, ...]]:
        """A dedicated autocommit connection outside the pool (the caller closes it)."""
        import psycopg

        def once() -> psycopg.Connection[tuple[object, ...]]:
            conn = psycopg.connect(self.dsn, autocommit=True, connect_timeout=10)
            self._configure(conn)
            return conn

        return self._attempt(once)

    def migrate(self, component: str, steps: Sequence[str]) -> None:
        """Bring ``component``'s tables to ``len(steps)``: each step runs once, in order, in
        one transaction under an advisory lock (processes starting together wait)."""
        from psycopg import sql

        def apply(conn: psycopg.Connection[tuple[object, ...]]) -> None:
            key = advisory_key(self.schema, "migrate")
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (key,))
            conn.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema))
            )
            conn.execute(_VERSIONS)
            row = conn.execute(
                "SELECT version FROM wfm_schema_version WHERE component = %s", (component,)
            ).fetchone()
            version = int(str(row[0])) if row else 0
            if version > len(steps):
                raise IntegrityError(
                    f"the {component} tables in {self.where} are at version {version}, newer "
                    f"than this wfm-bridge knows ({len(steps)}); upgrade wfm-bridge"
                )
            for step in steps[version:]:
                conn.execute(step)  # our own constant SQL
            conn.execute(
                "INSERT INTO wfm_schema_version (component, version) VALUES (%s, %s) "
                "ON CONFLICT (component) DO UPDATE SET version = excluded.version, "
                "migrated_at = now()",
                (component, len(steps)),
            )

        self.run(apply)

    def version(self, component: str) -> int:
        """The schema version of ``component`` (0 before its first migration)."""
        row = self.run(
            lambda c: c.execute(
                "SELECT version FROM wfm_schema_version WHERE component = %s", (component,)
            ).fetchone()
        )
        return int(str(row[0])) if row else 0

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.close()

    def _attempt(self, once: Callable[[], T], retries: Sequence[float] = RETRY_DELAYS) -> T:
        import psycopg
        from psycopg_pool import PoolTimeout

        for delay in (*retries, None):
            try:
                return once()
            except (psycopg.OperationalError, PoolTimeout) as exc:
                if delay is None:
                    raise UnavailableError(
                        f"{self.where} is unreachable ({_first_line(exc)}); check that the "
                        "server runs and WFM_POSTGRES_DSN, then try again"
                    ) from exc
                self._clock.sleep(delay)
            except psycopg.Error as exc:
                raise UnavailableError(
                    f"{self.where} refused an operation ({_first_line(exc)}); check the "
                    "server's log and the database user's rights"
                ) from exc
        raise AssertionError("unreachable")  # pragma: no cover


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__

