"""The hourly worker on a fake clock: start + top of every hour, survives failures, stops."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from export.world import MAPPED, ExportWorld
from wfm_bridge.core.export_report import ExportReport
from wfm_bridge.core.export_worker import HourlyExportWorker
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.errors import BusyError, UnavailableError

START = datetime(2025, 3, 3, 9, 20, 15, tzinfo=UTC)


def _report(tenant: str, clock: InMemoryClock) -> ExportReport:
    return ExportReport(tenant=tenant, dry_run=False, started_at=clock.now())


def test_runs_at_start_then_at_the_top_of_every_hour() -> None:
    clock = InMemoryClock(START)
    runs: list[tuple[str, datetime]] = []

    def export(tenant: str, should_stop: Callable[[], bool]) -> ExportReport:
        runs.append((tenant, clock.now()))
        clock.advance(timedelta(minutes=3))  # a run takes time
        return _report(tenant, clock)

    worker = HourlyExportWorker(
        export, lambda: ["a", "b"], clock, threading.Event(), tick_seconds=60
    )
    assert worker.run(max_cycles=3) == 3

    hours = [
        START,
        START.replace(hour=10, minute=0, second=0),
        START.replace(hour=11, minute=0, second=0),
    ]
    assert runs == [
        ("a", hours[0]),
        ("b", hours[0] + timedelta(minutes=3)),
        ("a", hours[1]),
        ("b", hours[1] + timedelta(minutes=3)),
        ("a", hours[2]),
        ("b", hours[2] + timedelta(minutes=3)),
    ]


def test_a_failing_run_is_logged_and_the_next_hour_runs_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = InMemoryClock(START)
    outcomes: list[Exception | None] = [
        UnavailableError("provider down"),
        RuntimeError("bug"),
        BusyError("another export is running"),
        None,
    ]

    def export(tenant: str, should_stop: Callable[[], bool]) -> ExportReport:
        error = outcomes.pop(0)
        if error is not None:
            raise error
        return _report(tenant, clock)

    caplog.set_level(logging.INFO, logger="wfm.export")
    worker = HourlyExportWorker(
        export, lambda: ["acme"], clock, threading.Event(), tick_seconds=600
    )
    assert worker.run(max_cycles=4) == 4

    assert outcomes == []
    text = caplog.text
    assert "export acme failed: provider down (will retry next hour)" in text
    assert "failed unexpectedly" in text and "RuntimeError: bug" in text
    assert "export acme: skipped, another export is running" in text
    assert "export acme: sent 0 in 0 batch(es)" in text


def test_a_failing_tenant_list_is_logged_and_retried_next_hour(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = InMemoryClock(START)
    calls: list[int] = []

    def tenants() -> list[str]:
        calls.append(1)
        if len(calls) == 1:
            raise UnavailableError("vault locked")
        return ["acme"]

    exported: list[str] = []

    def export(tenant: str, should_stop: Callable[[], bool]) -> ExportReport:
        exported.append(tenant)
        return _report(tenant, clock)

    worker = HourlyExportWorker(export, tenants, clock, threading.Event(), tick_seconds=600)
    worker.run(max_cycles=2)

    assert exported == ["acme"]
    assert "cannot list tenants: vault locked" in caplog.text


def test_stop_during_a_run_finishes_the_page_keeps_the_checkpoint_and_ends_the_loop() -> None:
    world = ExportWorld()
    for i in range(5):
        world.record(MAPPED[i % 2])
    stop = threading.Event()

    def stop_after_first_page(step: str) -> None:
        if step == "checkpointed":
            stop.set()  # SIGTERM arrives while the first page is being exported

    reports: list[ExportReport] = []

    def export(tenant: str, should_stop: Callable[[], bool]) -> ExportReport:
        use_case = world.export(on_step=stop_after_first_page, batch_size=2)
        reports.append(use_case.run(should_stop=should_stop))
        return reports[-1]

    worker = HourlyExportWorker(export, lambda: ["acme"], world.clock, stop)
    assert worker.run() == 1

    [report] = reports
    assert report.stopped_early and report.sent == 2
    assert report.checkpoint is not None
    assert report.checkpoint.evaluation_id == "ev-00002"
    assert world.clock.slept == []  # stopped without waiting for the next hour
    rest = world.export(batch_size=2).run()
    assert (rest.sent, rest.stopped_early) == (3, False)
    assert world.sink.scores == world.expected_in_sink()


def test_stop_while_waiting_ends_the_loop_within_one_tick() -> None:
    clock = InMemoryClock(START)
    stop = threading.Event()

    class StoppingClock(InMemoryClock):
        def sleep(self, seconds: float) -> None:
            clock.sleep(seconds)
            if len(clock.slept) == 3:
                stop.set()

        def now(self) -> datetime:
            return clock.now()

    def export(tenant: str, should_stop: Callable[[], bool]) -> ExportReport:
        return _report(tenant, clock)

    worker = HourlyExportWorker(export, lambda: ["acme"], StoppingClock(), stop, tick_seconds=1)
    assert worker.run() == 1
    assert clock.slept == [1, 1, 1]


def test_next_run_is_the_next_top_of_the_hour() -> None:
    worker = HourlyExportWorker(
        lambda t, s: _report(t, InMemoryClock(START)), list, InMemoryClock(START), threading.Event()
    )
    top = START.replace(minute=0, second=0)
    assert worker.next_run_after(START) == top + timedelta(hours=1)
    assert worker.next_run_after(top) == top + timedelta(hours=1)
