"""Conformance: every TenantClaims adapter (in-process and PostgreSQL) shares tenants alike.

The PostgreSQL adapter runs on its own schema per test (skipped, with the reason, without
WFM_TEST_POSTGRES_DSN); concurrency is proven with threads here and with processes in
tests/fleet/test_fleet_cli.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wfm_bridge.plugins.memory_fake.claims import InMemoryTenantClaims
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.claims import TenantClaims, TenantLease, TenantRun

from . import servers

T0 = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)
HOUR = timedelta(hours=1)


@contextmanager
def _postgres(directory: Path) -> Iterator[TenantClaims]:
    from wfm_bridge.plugins.postgres.claims import PostgresTenantClaims
    from wfm_bridge.plugins.postgres.database import PgDatabase

    db = PgDatabase(servers.postgres_dsn(), servers.schema_for(directory), InMemoryClock(T0))
    with closing(PostgresTenantClaims(db)) as claims:
        yield claims


Opener = Callable[[Path], AbstractContextManager[TenantClaims]]
ADAPTERS: list[object] = [
    pytest.param(lambda _d: nullcontext(InMemoryTenantClaims()), id="memory"),
    pytest.param(_postgres, id="postgres", marks=servers.needs_postgres),
]
adapters = pytest.mark.parametrize("open_claims", ADAPTERS)


def _run(lease: TenantLease, at: datetime, outcome: str = "ok") -> TenantRun:
    return TenantRun(
        tenant=lease.tenant,
        round_key=lease.round_key,
        worker=lease.worker,
        started_at=lease.until - LEASE,
        finished_at=at,
        outcome=outcome,
    )


@adapters
def test_each_tenant_is_claimed_once_per_round_in_name_order(
    open_claims: Opener, tmp_path: Path
) -> None:
    with open_claims(tmp_path) as claims:
        tenants = ["c", "a", "b"]
        key = claims.open_round("hourly:10", tenants, T0, HOUR)
        got = []
        while (lease := claims.claim(key, "w1", tenants, T0, LEASE)) is not None:
            got.append(lease.tenant)
            assert claims.claim(key, "w2", [lease.tenant], T0, LEASE) is None  # leased
            claims.finish(lease, _run(lease, T0))
        assert got == ["a", "b", "c"]
        assert claims.unfinished(key, tenants) == 0
        nxt = claims.open_round("hourly:11", tenants, T0 + HOUR, HOUR)
        assert claims.unfinished(nxt, tenants) == 3  # a new round starts over


@adapters
def test_an_expired_lease_is_free_and_its_stale_holder_is_fenced(
    open_claims: Opener, tmp_path: Path
) -> None:
    with open_claims(tmp_path) as claims:
        key = claims.open_round("hourly:10", ["t"], T0, HOUR)
        dead = claims.claim(key, "dead", ["t"], T0, LEASE)
        assert dead is not None
        assert claims.claim(key, "w2", ["t"], T0 + LEASE - timedelta(seconds=1), LEASE) is None
        taken = claims.claim(key, "w2", ["t"], T0 + LEASE, LEASE)
        assert taken is not None and taken.worker == "w2"
        assert claims.renew(dead, T0 + LEASE, LEASE) is None  # the dead one lost it
        claims.hand_back(dead, T0 + LEASE)  # and its release does nothing
        assert claims.claim(key, "w3", ["t"], T0 + LEASE, LEASE) is None
        renewed = claims.renew(taken, T0 + LEASE * 2 - timedelta(seconds=1), LEASE)
        assert renewed is not None and renewed.until > taken.until
        assert claims.claim(key, "w3", ["t"], T0 + LEASE * 2, LEASE) is None  # renewed: live


@adapters
def test_a_handed_back_tenant_waits_behind_the_others(open_claims: Opener, tmp_path: Path) -> None:
    with open_claims(tmp_path) as claims:
        tenants = ["big", "x", "y"]
        key = claims.open_round(None, tenants, T0, HOUR)
        first = claims.claim(key, "w", tenants, T0, LEASE)
        assert first is not None and first.tenant == "big"
        claims.hand_back(first, T0 + timedelta(minutes=1))
        order = []
        at = T0 + timedelta(minutes=2)
        while (lease := claims.claim(key, "w", tenants, at, LEASE)) is not None:
            order.append(lease.tenant)
            claims.finish(lease, _run(lease, at))
            at += timedelta(seconds=1)
        assert order == ["x", "y", "big"]


@adapters
def test_unnamed_rounds_are_joined_while_open_and_recent(
    open_claims: Opener, tmp_path: Path
) -> None:
    with open_claims(tmp_path) as claims:
        first = claims.open_round(None, ["t"], T0, HOUR)
        assert claims.open_round(None, ["t"], T0 + timedelta(minutes=5), HOUR) == first
        assert claims.open_round("hourly:10", ["t"], T0, HOUR) == "hourly:10"  # named: apart
        claims.close_round(first, T0 + timedelta(minutes=6))
        second = claims.open_round(None, ["t"], T0 + timedelta(minutes=7), HOUR)
        assert second != first
        assert claims.open_round(None, ["t"], T0 + timedelta(minutes=7) + HOUR, HOUR) != second


@adapters
def test_standings_show_the_newest_run_and_the_holder(open_claims: Opener, tmp_path: Path) -> None:
    with open_claims(tmp_path) as claims:
        tenants = ["a", "b", "c"]
        key = claims.open_round("r1", tenants, T0, HOUR)
        a = claims.claim(key, "w1", tenants, T0, LEASE)
        assert a is not None
        claims.finish(a, _run(a, T0 + timedelta(seconds=30), "failed"))
        b = claims.claim(key, "w2", tenants, T0, LEASE)
        assert b is not None and b.tenant == "b"
        key2 = claims.open_round("r2", tenants, T0 + HOUR, HOUR)
        a2 = claims.claim(key2, "w3", ["a"], T0 + HOUR, LEASE)
        assert a2 is not None
        claims.finish(a2, _run(a2, T0 + HOUR + timedelta(seconds=5)))
        got = {s.tenant: s for s in claims.standings(["c", "b", "a"])}
        assert [s.tenant for s in claims.standings(["c", "b", "a"])] == ["c", "b", "a"]
        assert got["a"].last_run is not None
        assert (got["a"].last_run.worker, got["a"].last_run.outcome) == ("w3", "ok")
        assert (got["b"].leased_by, got["b"].last_run) == ("w2", None)
        assert (got["c"].leased_by, got["c"].last_run) == (None, None)


@adapters
def test_a_stale_holders_renew_and_finish_change_nothing(
    open_claims: Opener, tmp_path: Path
) -> None:
    with open_claims(tmp_path) as claims:
        key = claims.open_round("r", ["t"], T0, HOUR)
        old = claims.claim(key, "slow", ["t"], T0, LEASE)
        assert old is not None
        new = claims.claim(key, "w2", ["t"], T0 + LEASE, LEASE)  # the slow one's lease ran out
        assert new is not None
        late = T0 + LEASE + timedelta(seconds=9)
        assert claims.renew(old, late, LEASE) is None
        claims.finish(old, _run(old, late))  # the slow one ends: it counts for nothing
        [standing] = claims.standings(["t"])
        assert standing.last_run is None
        assert (standing.leased_by, standing.leased_until) == ("w2", new.until)
        assert claims.unfinished(key, ["t"]) == 1
        assert claims.claim(key, "w3", ["t"], late, LEASE) is None  # still w2's
        claims.hand_back(new, late)  # w2's turn ends unfinished: the round is not done for t
        third = claims.claim(key, "w3", ["t"], late, LEASE)
        assert third is not None
        claims.finish(third, _run(third, late + timedelta(seconds=1)))
        claims.finish(third, _run(third, late + timedelta(seconds=2), "failed"))  # again: no-op
        claims.finish(new, _run(new, late + timedelta(seconds=3), "failed"))  # stale: no-op
        assert claims.renew(third, late + timedelta(seconds=4), LEASE) is None  # it ended
        [standing] = claims.standings(["t"])
        assert standing.last_run is not None and standing.leased_by is None
        assert (standing.last_run.worker, standing.last_run.outcome) == ("w3", "ok")
        assert claims.unfinished(key, ["t"]) == 0
        assert claims.claim(key, "w4", ["t"], T0 + LEASE * 3, LEASE) is None  # finished


@adapters
@settings(max_examples=10)
@given(workers=st.integers(2, 6), tenants=st.integers(1, 30))
def test_concurrent_workers_never_share_a_tenant(
    open_claims: Opener, workers: int, tenants: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    names = [f"t{i:02d}" for i in range(tenants)]
    with open_claims(tmp_path_factory.mktemp("claims")) as claims:
        key = claims.open_round(None, names, T0, HOUR)
        taken: list[tuple[str, str]] = []
        lock = threading.Lock()
        start = threading.Barrier(workers)

        def work(worker: str) -> None:
            start.wait()
            while (lease := claims.claim(key, worker, names, T0, LEASE)) is not None:
                with lock:
                    taken.append((lease.tenant, worker))
                claims.finish(lease, _run(lease, T0))

        threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(t for t, _ in taken) == names  # each exactly once
        assert claims.unfinished(key, names) == 0


class _LosesAnswers:
    """A connection pool whose next ``lose`` operations commit, then fail as a connection
    dropped before the answer arrived would (so ``PgDatabase.run`` retries them)."""

    def __init__(self, pool: Any) -> None:
        self._pool = pool
        self.lose = 0

    @contextmanager
    def connection(self, timeout: float) -> Iterator[Any]:
        with self._pool.connection(timeout=timeout) as conn:
            yield conn  # PgDatabase.run commits before this returns
        if self.lose:
            self.lose -= 1
            import psycopg

            raise psycopg.OperationalError("server closed the connection unexpectedly")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)


@servers.needs_postgres
def test_operations_retried_after_a_lost_answer_take_effect_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wfm_bridge.plugins.postgres.claims import PostgresTenantClaims
    from wfm_bridge.plugins.postgres.database import PgDatabase

    db = PgDatabase(servers.postgres_dsn(), servers.schema_for(tmp_path), InMemoryClock(T0))
    with closing(PostgresTenantClaims(db)) as claims:
        tenants = ["a", "b"]
        key = claims.open_round("r", tenants, T0, HOUR)
        pool = _LosesAnswers(db._pool)
        monkeypatch.setattr(db, "_pool", pool)
        pool.lose = 1
        lease = claims.claim(key, "w", tenants, T0, LEASE)
        assert pool.lose == 0  # the first try committed and its answer was lost
        assert lease is not None and lease.tenant == "a"
        held = {s.tenant: s.leased_by for s in claims.standings(tenants)}
        assert held == {"a": "w", "b": None}  # one lease, the one returned: none orphaned
        pool.lose = 1
        renewed = claims.renew(lease, T0 + LEASE / 2, LEASE)
        assert renewed is not None and renewed.until == T0 + LEASE * 3 / 2
        pool.lose = 1
        claims.finish(renewed, _run(renewed, T0 + LEASE))  # the retry finds it ended: no-op
        a = claims.standings(["a"])[0]
        assert a.last_run is not None and a.last_run.outcome == "ok" and a.leased_by is None
        other = claims.claim(key, "w2", tenants, T0 + LEASE, LEASE)
        assert other is not None and other.tenant == "b"
        assert claims.unfinished(key, tenants) == 1
