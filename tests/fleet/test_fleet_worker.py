"""The export worker in a fleet, on a fake clock: workers share a round through the claims,
a dead worker's tenant is taken over within one lease, a long backlog yields its turn."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wfm_bridge.core.export_report import ExportReport
from wfm_bridge.core.export_worker import FleetPolicy, HourlyExportWorker
from wfm_bridge.core.fleet_status import fleet_schedule
from wfm_bridge.plugins.memory_fake.claims import InMemoryTenantClaims
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.state import InMemoryStateStore
from wfm_bridge.ports.claims import TenantClaims, TenantLease
from wfm_bridge.ports.errors import UnavailableError

START = datetime(2025, 3, 3, 9, 20, tzinfo=UTC)
LEASE = timedelta(minutes=2)


@dataclass
class Backlogs:
    """Fake exports: each tenant has pages to send; a page takes ``page`` on the clock."""

    clock: InMemoryClock
    pages: dict[str, int]
    page: timedelta = timedelta(seconds=10)
    sent: Counter[str] = field(default_factory=Counter)  # pages sent, per tenant
    calls: list[tuple[str, str]] = field(default_factory=list)  # (worker, tenant)

    def export_for(self, worker: str) -> Callable[[str, Callable[[], bool]], ExportReport]:
        def export(tenant: str, should_stop: Callable[[], bool]) -> ExportReport:
            self.calls.append((worker, tenant))
            report = ExportReport(tenant=tenant, dry_run=False, started_at=self.clock.now())
            while self.sent[tenant] < self.pages[tenant]:
                self.clock.advance(self.page)
                self.sent[tenant] += 1
                report.sent += 1
                report.batches += 1
                if self.sent[tenant] < self.pages[tenant] and should_stop():
                    report.stopped_early = True
                    break
            return report

        return export


def _worker(
    backlogs: Backlogs,
    claims: TenantClaims,
    name: str,
    stop: threading.Event | None = None,
    turn: timedelta = timedelta(minutes=10),
) -> HourlyExportWorker:
    return HourlyExportWorker(
        backlogs.export_for(name),
        lambda: sorted(backlogs.pages),
        backlogs.clock,
        stop or threading.Event(),
        claims=claims,
        fleet=FleetPolicy(worker=name, lease=LEASE, turn=turn, poll_seconds=5),
    )


def _stopping_after(
    export: Callable[[str, Callable[[], bool]], ExportReport], checks: int, stop: threading.Event
) -> Callable[[str, Callable[[], bool]], ExportReport]:
    """``export``, whose worker is asked to stop (SIGTERM) at its ``checks``-th page break."""
    left = [checks]

    def run(tenant: str, should_stop: Callable[[], bool]) -> ExportReport:
        def stopping() -> bool:
            left[0] -= 1
            if left[0] <= 0:
                stop.set()
            return should_stop()

        return export(tenant, stopping)

    return run


@given(
    tenants=st.integers(1, 25),
    stops=st.lists(st.integers(0, 30), min_size=1, max_size=4),
    pages=st.integers(1, 4),
)
def test_workers_taking_turns_export_every_tenant_once_per_round(
    tenants: int, stops: list[int], pages: int
) -> None:
    clock = InMemoryClock(START)
    backlogs = Backlogs(clock, {f"t{i:02d}": pages for i in range(tenants)})
    claims = InMemoryTenantClaims()
    # workers join the round one after another; each is stopped (SIGTERM) after some pages
    for index, after in enumerate(stops):
        stop = threading.Event()
        worker = _worker(backlogs, claims, f"w{index}", stop)
        worker._export = _stopping_after(backlogs.export_for(f"w{index}"), after, stop)
        worker.run_cycle(worker._hour_key(clock.now()))
    _worker(backlogs, claims, "last").run_cycle(f"hourly:{START.replace(minute=0).isoformat()}")
    assert backlogs.sent == dict.fromkeys(backlogs.pages, pages)  # all sent, nothing twice
    standings = claims.standings(sorted(backlogs.pages))
    assert all(s.last_run is not None and s.leased_by is None for s in standings)


def test_a_dead_workers_tenant_is_taken_over_within_one_lease() -> None:
    clock = InMemoryClock(START)
    backlogs = Backlogs(clock, {"a": 1, "b": 1, "c": 1})
    claims = InMemoryTenantClaims()
    key = claims.open_round("hourly:x", ["a", "b", "c"], clock.now(), timedelta(hours=1))
    assert claims.claim(key, "killed", ["a"], clock.now(), LEASE) is not None  # then SIGKILL
    died_at = clock.now()

    _worker(backlogs, claims, "survivor").run_cycle("hourly:x")

    assert backlogs.calls == [("survivor", "b"), ("survivor", "c"), ("survivor", "a")]
    waited = clock.now() - died_at
    assert LEASE <= waited <= LEASE + timedelta(seconds=5 + 3 * 10)


def test_a_huge_backlog_yields_its_turn_so_the_others_are_not_starved() -> None:
    clock = InMemoryClock(START)
    backlogs = Backlogs(clock, {"big": 10, "s1": 1, "s2": 1}, page=timedelta(minutes=1))
    claims = InMemoryTenantClaims()
    _worker(backlogs, claims, "w", turn=timedelta(minutes=4)).run_once()

    assert [t for _, t in backlogs.calls] == ["big", "s1", "s2", "big", "big"]
    assert backlogs.sent == {"big": 10, "s1": 1, "s2": 1}


def test_workers_started_together_share_one_unnamed_round() -> None:
    clock = InMemoryClock(START)
    backlogs = Backlogs(clock, {f"t{i}": 1 for i in range(6)})
    claims = InMemoryTenantClaims()
    stop_first = threading.Event()
    first = _worker(backlogs, claims, "w1", stop_first)
    export = backlogs.export_for("w1")

    def stop_after_three(tenant: str, should_stop: Callable[[], bool]) -> ExportReport:
        if len(backlogs.calls) == 2:
            stop_first.set()  # w1 stops after its third tenant, mid-round
        return export(tenant, should_stop)

    first._export = stop_after_three
    first.run_once()
    _worker(backlogs, claims, "w2").run_once()  # joins the open round: only the rest
    assert [w for w, _ in backlogs.calls] == ["w1"] * 3 + ["w2"] * 3
    assert backlogs.sent == dict.fromkeys(backlogs.pages, 1)
    _worker(backlogs, claims, "w3").run_once()  # that round is closed: a new pass
    assert [w for w, _ in backlogs.calls][6:] == ["w3"] * 6


class FlakyClaims(InMemoryTenantClaims):
    """Claims whose server fails the first ``failures`` calls to claim."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    def claim(
        self, round_key: str, worker: str, tenants: Sequence[str], now: datetime, lease: timedelta
    ) -> TenantLease | None:
        if self.failures:
            self.failures -= 1
            raise UnavailableError("PostgreSQL at db:5432 is unreachable")
        return super().claim(round_key, worker, tenants, now, lease)


def test_a_claims_server_restart_costs_a_pause_not_the_worker(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = InMemoryClock(START)
    backlogs = Backlogs(clock, {"a": 1, "b": 1})
    caplog.set_level(logging.WARNING, logger="wfm.export")
    _worker(backlogs, FlakyClaims(failures=2), "w").run_once()
    assert backlogs.sent == {"a": 1, "b": 1}
    assert "cannot claim a tenant (PostgreSQL at db:5432 is unreachable)" in caplog.text


def _pages_per_call(
    backlogs: Backlogs, export: Callable[[str, Callable[[], bool]], ExportReport]
) -> tuple[list[int], Callable[[str, Callable[[], bool]], ExportReport]]:
    """``export``, and the pages each of its calls sent (in call order)."""
    sent: list[int] = []

    def run(tenant: str, should_stop: Callable[[], bool]) -> ExportReport:
        report = export(tenant, should_stop)
        sent.append(report.sent)
        return report

    return sent, run


def test_a_worker_whose_lease_was_lost_exports_no_more_pages(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = InMemoryClock(START)
    backlogs = Backlogs(clock, {"t": 4}, page=LEASE + timedelta(seconds=30))  # a slow page
    claims = InMemoryTenantClaims()
    key = claims.open_round("hourly:x", ["t"], clock.now(), timedelta(hours=1))
    rival: list[TenantLease | None] = []
    export = backlogs.export_for("slow")

    def a_rival_claims_meanwhile(tenant: str, should_stop: Callable[[], bool]) -> ExportReport:
        def stopping() -> bool:
            if not rival:  # the slow page outlasted the lease: another worker took the tenant
                rival.append(claims.claim(key, "rival", [tenant], clock.now(), LEASE))
            return should_stop()

        return export(tenant, stopping)

    sent, counted = _pages_per_call(backlogs, a_rival_claims_meanwhile)
    worker = _worker(backlogs, claims, "slow")
    worker._export = counted
    caplog.set_level(logging.WARNING, logger="wfm.export")
    worker.run_cycle(key)

    assert rival[0] is not None and rival[0].worker == "rival"
    # the first turn stopped at the failed renewal; the rival (dying) sent nothing, and the
    # slow worker's second turn, once the rival's lease ran out, resumed from the checkpoint
    assert sent == [1, 3] and backlogs.sent == {"t": 4}
    assert "export t: lease lost to another worker; stopping its turn" in caplog.text
    [standing] = claims.standings(["t"])
    assert standing.last_run is not None and standing.last_run.worker == "slow"
    assert standing.last_run.started_at >= rival[0].until  # only the second turn counted


class UnreachableRenewals(InMemoryTenantClaims):
    """Claims whose server cannot be reached for renewals."""

    def renew(self, lease: TenantLease, now: datetime, duration: timedelta) -> TenantLease | None:
        raise UnavailableError("PostgreSQL at db:5432 is unreachable")


def test_a_lease_that_cannot_be_renewed_stops_the_turn_too() -> None:
    clock = InMemoryClock(START)
    backlogs = Backlogs(clock, {"t": 3}, page=LEASE)
    claims = UnreachableRenewals()
    sent, counted = _pages_per_call(backlogs, backlogs.export_for("w"))
    worker = _worker(backlogs, claims, "w", turn=timedelta(hours=1))
    worker._export = counted
    worker.run_cycle(claims.open_round("hourly:x", ["t"], clock.now(), timedelta(hours=1)))
    assert sent == [1, 1, 1]  # one page per lease: never a page the lease does not cover
    assert backlogs.sent == {"t": 3}


def test_the_hourly_fleet_worker_runs_each_hour_and_a_joiner_waits_for_the_next() -> None:
    clock = InMemoryClock(START)
    backlogs = Backlogs(clock, {"a": 1})
    claims = InMemoryTenantClaims()
    _worker(backlogs, claims, "w1").run(max_cycles=1)
    late = _worker(backlogs, claims, "w2")
    late.run_cycle(late._hour_key(clock.now()))  # the 09:00 round is done: nothing to do
    assert backlogs.calls == [("w1", "a")]
    clock.advance(timedelta(hours=1))
    backlogs.pages["a"] = 2
    late.run_cycle(late._hour_key(clock.now()))
    assert backlogs.calls == [("w1", "a"), ("w2", "a")]


def test_the_fleet_schedule_says_last_run_worker_and_next_due() -> None:
    clock = InMemoryClock(START)
    claims, state = InMemoryTenantClaims(), InMemoryStateStore()
    key = claims.open_round("hourly:9", ["a", "b"], clock.now(), timedelta(hours=1))
    lease = claims.claim(key, "w1", ["a"], clock.now(), LEASE)
    assert lease is not None
    state.put("a:export", "last_run", {"started_at": START.isoformat(), "outcome": "ok"})
    from wfm_bridge.ports.claims import TenantRun

    claims.finish(lease, TenantRun(tenant="a", round_key=key, worker="w1", started_at=START,
                                   finished_at=START, outcome="ok"))
    claims.claim(key, "w2", ["b"], clock.now(), LEASE)
    rows = {r.tenant: r for r in fleet_schedule(claims, state, ["a", "b"], clock.now())}
    assert (rows["a"].worker, rows["a"].running_on) == ("w1", None)
    assert rows["a"].next_due == START.replace(hour=10, minute=0)
    assert (rows["b"].running_on, rows["b"].next_due) == ("w2", clock.now())
    assert rows["a"].as_dict()["last_run"] == {"started_at": START.isoformat(), "outcome": "ok"}


def test_a_turn_shorter_than_a_page_still_sends_a_page_per_turn() -> None:
    """The export asks to stop before its first page too (ExportScores does): the turn limit
    must not stop a turn that has sent nothing, or the tenant is handed back forever."""
    clock = InMemoryClock(START)
    left = {"t": 3}
    calls: list[str] = []

    def export(tenant: str, should_stop: Callable[[], bool]) -> ExportReport:
        calls.append(tenant)
        report = ExportReport(tenant=tenant, dry_run=False, started_at=clock.now())
        while left[tenant]:
            if should_stop():
                report.stopped_early = True
                break
            clock.advance(timedelta(seconds=10))
            left[tenant] -= 1
            report.sent += 1
        return report

    worker = HourlyExportWorker(
        export, lambda: ["t"], clock, threading.Event(), claims=InMemoryTenantClaims(),
        fleet=FleetPolicy(worker="w", turn=timedelta(seconds=1)),
    )
    worker.run_once()
    assert left == {"t": 0} and calls == ["t", "t", "t"]


@pytest.mark.parametrize("option", ["--lease-seconds", "--turn-seconds", "--poll-seconds"])
@pytest.mark.parametrize("value", ["0", "-1", "nan", "1e300"])
def test_fleet_options_out_of_range_are_one_line_errors(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    option: str,
    value: str,
) -> None:
    from e2e.cli_run import Cli

    monkeypatch.setenv("WFM_HOME", str(tmp_path))
    result = Cli(capsys)("export", "worker", "--once", option, value)
    assert result.code == 2
    assert result.err.startswith("error: --lease-seconds, --turn-seconds and --poll-seconds")
    assert len(result.err.strip().splitlines()) == 1
