"""The PostgreSQL adapters create and migrate their versioned tables (skipped without
WFM_TEST_POSTGRES_DSN)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.postgres.database import PgDatabase
from wfm_bridge.plugins.postgres.state import PostgresStateStore
from wfm_bridge.ports.errors import IntegrityError

from . import servers

pytestmark = servers.needs_postgres
CLOCK = InMemoryClock(datetime(2025, 3, 3, tzinfo=UTC))


def test_steps_run_once_in_order_and_a_newer_database_is_refused(tmp_path: Path) -> None:
    db = PgDatabase(servers.postgres_dsn(), servers.schema_for(tmp_path), CLOCK)
    try:
        v1 = ("CREATE TABLE t (a int)",)
        db.migrate("demo", v1)
        db.migrate("demo", v1)  # again: nothing to do (CREATE TABLE would fail if rerun)
        assert db.version("demo") == 1
        db.migrate("demo", (*v1, "ALTER TABLE t ADD COLUMN b int"))
        assert db.version("demo") == 2
        with pytest.raises(IntegrityError, match="at version 2, newer than this wfm-bridge"):
            db.migrate("demo", v1)
        assert db.version("other") == 0
    finally:
        db.close()


def test_two_stores_starting_together_share_one_schema(tmp_path: Path) -> None:
    schema = servers.schema_for(tmp_path)
    first = PostgresStateStore.connect(servers.postgres_dsn(), schema, CLOCK)
    second = PostgresStateStore.connect(servers.postgres_dsn(), schema, CLOCK)
    try:
        first.put("ns", "k", {"v": 1})
        assert second.get("ns", "k") == {"v": 1}
    finally:
        first.close()
        second.close()
