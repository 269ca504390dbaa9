"""PostgresTenantClaims: the export fleet's claims as lease rows, taken with SKIP LOCKED.

Why lease rows and not advisory locks: a claim must outlive a connection (a server restart
ends every session, and an advisory-lock claim with it, while its worker is still
exporting), and the fleet needs a record anyway (which rounds a tenant finished, who ran
it, when, so ``wfm export status --all`` can tell). A claim is one ``UPDATE`` of the
tenant's row picked by ``SELECT ... FOR UPDATE SKIP LOCKED``: concurrent workers never wait
for each other and never get the same tenant. A lease expires (its worker died) and the row
is free again; the lease token fences a stale holder's renewal, release or finish (each
changes nothing unless the token still holds the row), and a claim retried after a lost
answer finds the lease its first try committed (the token is chosen before the retries).
Times come from the workers (the Clock port): machines of a fleet keep NTP time, and
leases are minutes.

``done_round`` on the tenant's row repeats the newest finished round so the claim's own row
lock re-checks it (READ COMMITTED re-evaluates a locked row's conditions, not a subquery's
snapshot): a tenant finished a moment ago is never claimed again in that round.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from wfm_bridge.plugins.postgres.database import PgDatabase, advisory_key
from wfm_bridge.ports.claims import TenantLease, TenantRun, TenantStanding

if TYPE_CHECKING:
    import psycopg

    Conn = psycopg.Connection[tuple[Any, ...]]

KEEP_RUNS = timedelta(days=30)  # finished-run records older than this are pruned
MIGRATIONS = (
    """
    CREATE TABLE wfm_fleet_rounds (
        key text PRIMARY KEY,
        named boolean NOT NULL,
        opened_at timestamptz NOT NULL,
        closed_at timestamptz
    );
    CREATE TABLE wfm_fleet_tenants (
        tenant text PRIMARY KEY,
        worker text,
        token text,
        lease_until timestamptz,
        turn_at timestamptz,
        done_round text
    );
    CREATE TABLE wfm_fleet_runs (
        round_key text NOT NULL,
        tenant text NOT NULL,
        worker text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        outcome text NOT NULL,
        detail text NOT NULL DEFAULT '',
        PRIMARY KEY (round_key, tenant)
    );
    CREATE INDEX wfm_fleet_runs_latest ON wfm_fleet_runs (tenant, finished_at DESC);
    CREATE INDEX wfm_fleet_runs_age ON wfm_fleet_runs (finished_at);
    """,
)
_CLAIM = """
UPDATE wfm_fleet_tenants t
SET worker = %(worker)s, token = %(token)s, lease_until = %(until)s
WHERE t.tenant = (
    SELECT c.tenant FROM wfm_fleet_tenants c
    WHERE c.tenant = ANY(%(tenants)s)
      AND (c.lease_until IS NULL OR c.lease_until <= %(now)s)
      AND c.done_round IS DISTINCT FROM %(round)s
      AND NOT EXISTS (
          SELECT 1 FROM wfm_fleet_runs r WHERE r.round_key = %(round)s AND r.tenant = c.tenant
      )
    ORDER BY c.turn_at ASC NULLS FIRST, c.tenant
    LIMIT 1
    FOR UPDATE SKIP LOCKED
)
RETURNING t.tenant
"""
_RUN_COLUMNS = "tenant, round_key, worker, started_at, finished_at, outcome, detail"


class PostgresTenantClaims:
    """Rounds, leases and finished runs in three tables (see the module docstring)."""

    def __init__(self, db: PgDatabase) -> None:
        self._db = db
        db.migrate("claims", MIGRATIONS)

    def open_round(
        self, key: str | None, tenants: Sequence[str], now: datetime, join_within: timedelta
    ) -> str:
        """Enrol the tenants, then open round ``key`` or join/open the unnamed one."""

        def open_(c: Conn) -> str:
            c.execute(
                "INSERT INTO wfm_fleet_tenants (tenant) SELECT unnest(%s::text[]) "
                "ON CONFLICT DO NOTHING",
                (sorted(set(tenants)),),
            )
            if key is not None:
                c.execute(
                    "INSERT INTO wfm_fleet_rounds (key, named, opened_at) VALUES (%s, true, %s) "
                    "ON CONFLICT DO NOTHING",
                    (key, now),
                )
                return key
            # one unnamed round at a time: workers started together must join the same one
            c.execute("SELECT pg_advisory_xact_lock(%s)", (advisory_key(self._db.schema, "round"),))
            row = c.execute(
                "SELECT key FROM wfm_fleet_rounds WHERE NOT named AND closed_at IS NULL "
                "AND opened_at > %s ORDER BY opened_at DESC LIMIT 1",
                (now - join_within,),
            ).fetchone()
            if row is not None:
                return str(row[0])
            new = f"run:{now.isoformat()}:{uuid.uuid4().hex[:8]}"
            c.execute(
                "INSERT INTO wfm_fleet_rounds (key, named, opened_at) VALUES (%s, false, %s)",
                (new, now),
            )
            return new

        return self._db.run(open_)

    def claim(
        self,
        round_key: str,
        worker: str,
        tenants: Sequence[str],
        now: datetime,
        lease: timedelta,
    ) -> TenantLease | None:
        """Lease the free tenant whose last turn is oldest (SKIP LOCKED: never waits)."""
        token = uuid.uuid4().hex
        until = now + lease
        params = {
            "worker": worker,
            "token": token,
            "until": until,
            "tenants": list(tenants),
            "now": now,
            "round": round_key,
        }

        def take(c: Conn) -> tuple[Any, ...] | None:
            # the token is chosen once, before the retries: when a try committed but its
            # answer was lost, the retry finds that lease and returns it (a new claim would
            # leave the first tenant leased to no one until its lease expired)
            again = c.execute(
                "SELECT tenant FROM wfm_fleet_tenants WHERE token = %s", (token,)
            ).fetchone()
            return again if again is not None else c.execute(_CLAIM, params).fetchone()

        row = self._db.run(take)
        if row is None:
            return None
        return TenantLease(
            tenant=str(row[0]), round_key=round_key, worker=worker, token=token, until=until
        )

    def renew(self, lease: TenantLease, now: datetime, duration: timedelta) -> TenantLease | None:
        """Extend the lease if its token still holds the row."""
        until = now + duration
        row = self._db.run(
            lambda c: c.execute(
                "UPDATE wfm_fleet_tenants SET lease_until = %s WHERE tenant = %s AND token = %s "
                "RETURNING 1",
                (until, lease.tenant, lease.token),
            ).fetchone()
        )
        return None if row is None else lease.model_copy(update={"until": until})

    def finish(self, lease: TenantLease, run: TenantRun) -> None:
        """End the lease and record the run (replacing an earlier one of the round), only
        while the lease's token still holds the tenant: a stale holder's finish does nothing."""

        def record(c: Conn) -> None:
            # the lease row first: a stale token (the lease expired and was claimed again,
            # or a retry after a lost answer: it was ended already) changes nothing
            ended = c.execute(
                "UPDATE wfm_fleet_tenants SET turn_at = %s, done_round = %s, worker = NULL, "
                "lease_until = NULL, token = NULL WHERE tenant = %s AND token = %s RETURNING 1",
                (run.finished_at, lease.round_key, lease.tenant, lease.token),
            ).fetchone()
            if ended is None:
                return
            c.execute(
                f"INSERT INTO wfm_fleet_runs ({_RUN_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (round_key, tenant) DO UPDATE SET worker = excluded.worker, "
                "started_at = excluded.started_at, finished_at = excluded.finished_at, "
                "outcome = excluded.outcome, detail = excluded.detail",
                (
                    run.tenant,
                    run.round_key,
                    run.worker,
                    run.started_at,
                    run.finished_at,
                    run.outcome,
                    run.detail,
                ),
            )

        self._db.run(record)

    def hand_back(self, lease: TenantLease, now: datetime) -> None:
        """End the lease unfinished; the tenant's next turn comes after every other's."""
        self._db.run(
            lambda c: c.execute(
                "UPDATE wfm_fleet_tenants SET worker = NULL, token = NULL, lease_until = NULL, "
                "turn_at = %s WHERE tenant = %s AND token = %s",
                (now, lease.tenant, lease.token),
            )
        )

    def unfinished(self, round_key: str, tenants: Sequence[str]) -> int:
        """Tenants with no finished run in the round."""
        row = self._db.run(
            lambda c: c.execute(
                "SELECT count(*) FROM unnest(%s::text[]) AS t(tenant) WHERE NOT EXISTS "
                "(SELECT 1 FROM wfm_fleet_runs r WHERE r.round_key = %s AND r.tenant = t.tenant)",
                (sorted(set(tenants)), round_key),
            ).fetchone()
        )
        return int(str(row[0])) if row else 0

    def close_round(self, round_key: str, now: datetime) -> None:
        """Mark the round done and prune run records older than ``KEEP_RUNS``."""

        def close(c: Conn) -> None:
            c.execute(
                "UPDATE wfm_fleet_rounds SET closed_at = %s WHERE key = %s AND closed_at IS NULL",
                (now, round_key),
            )
            c.execute("DELETE FROM wfm_fleet_runs WHERE finished_at < %s", (now - KEEP_RUNS,))
            c.execute("DELETE FROM wfm_fleet_rounds WHERE opened_at < %s", (now - KEEP_RUNS,))

        self._db.run(close)

    def standings(self, tenants: Sequence[str]) -> list[TenantStanding]:
        """Each tenant's newest finished run and its lease holder."""
        names = list(tenants)

        def read(c: Conn) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
            runs = c.execute(
                f"SELECT DISTINCT ON (tenant) {_RUN_COLUMNS} FROM wfm_fleet_runs "
                "WHERE tenant = ANY(%s) ORDER BY tenant, finished_at DESC",
                (names,),
            ).fetchall()
            leases = c.execute(
                "SELECT tenant, worker, lease_until FROM wfm_fleet_tenants "
                "WHERE tenant = ANY(%s) AND token IS NOT NULL",
                (names,),
            ).fetchall()
            return runs, leases

        runs, leases = self._db.run(read)
        fields = _RUN_COLUMNS.split(", ")
        last = {r[0]: TenantRun(**dict(zip(fields, r, strict=True))) for r in runs}
        held = {r[0]: (r[1], r[2]) for r in leases}
        return [
            TenantStanding(
                tenant=name,
                last_run=last.get(name),
                leased_by=held[name][0] if name in held else None,
                leased_until=held[name][1] if name in held else None,
            )
            for name in names
        ]

    def close(self) -> None:
        """Close the pool."""
        self._db.close()
