"""The hourly export worker: every tenant once at start, then at the top of every hour.

Time and waiting come from the Clock port and stopping from a ``threading.Event`` (the CLI
sets it on SIGTERM/Ctrl-C), so tests drive the loop with a fake clock. A failing run is
logged and retried next hour (a score endpoint not available as configured stands, with no
provider call, until the configuration changes); a stop request lets the running export
finish its current page (checkpointed) and ends the loop. Hosts with their own scheduler call
``ExportScores`` directly instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from wfm_bridge.core.export_report import ExportReport
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import BusyError, NotAvailableError, WfmError

ExportTenant = Callable[[str, Callable[[], bool]], ExportReport]
"""Runs one tenant's export; the second argument says when to stop early."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def next_run_after(now: datetime, interval: timedelta = timedelta(hours=1)) -> datetime:
    """When a worker running every ``interval`` next runs: the boundary strictly after
    ``now`` (what `wfm export status` shows)."""
    elapsed = (now - _EPOCH) // interval
    return _EPOCH + (elapsed + 1) * interval


class HourlyExportWorker:
    """Runs ``export_tenant`` for every tenant of ``tenants()`` on the hour until stopped."""

    def __init__(
        self,
        export_tenant: ExportTenant,
        tenants: Callable[[], Sequence[str]],
        clock: Clock,
        stop: threading.Event,
        log: logging.Logger | None = None,
        interval: timedelta = timedelta(hours=1),
        tick_seconds: float = 1.0,
    ) -> None:
        self._export = export_tenant
        self._tenants = tenants
        self._clock = clock
        self._stop = stop
        self._log = log or logging.getLogger("wfm.export")
        self._interval = interval
        self._tick = tick_seconds
        self.cycles = 0

    def run(self, max_cycles: int | None = None) -> int:
        """Loop until stopped (or ``max_cycles`` cycles); returns how many cycles ran."""
        while not self._stop.is_set():
            self.run_cycle()
            if max_cycles is not None and self.cycles >= max_cycles:
                break
            self._wait_until(self.next_run_after(self._clock.now()))
        self._log.info("export worker stopped after %d cycle(s)", self.cycles)
        return self.cycles

    def run_cycle(self) -> dict[str, ExportReport | Exception]:
        """Export every tenant once; failures are logged and returned, never raised."""
        self.cycles += 1
        outcomes: dict[str, ExportReport | Exception] = {}
        try:
            tenants = list(self._tenants())
        except Exception as exc:
            self._log.error("export worker: cannot list tenants: %s", exc)
            return outcomes
        for tenant in tenants:
            if self._stop.is_set():
                break
            outcomes[tenant] = self._run_tenant(tenant)
        return outcomes

    def next_run_after(self, now: datetime) -> datetime:
        """The next interval boundary (top of the hour) strictly after ``now``."""
        return next_run_after(now, self._interval)

    def _run_tenant(self, tenant: str) -> ExportReport | Exception:
        try:
            report = self._export(tenant, self._stop.is_set)
        except BusyError as exc:
            self._log.warning("export %s: skipped, %s", tenant, exc)
            return exc
        except NotAvailableError as exc:  # standing: no provider call until config changes
            self._log.warning("export %s stopped: %s", tenant, exc)
            return exc
        except WfmError as exc:
            self._log.error("export %s failed: %s (will retry next hour)", tenant, exc)
            return exc
        except Exception as exc:
            self._log.exception("export %s failed unexpectedly (will retry next hour)", tenant)
            return exc
        self._log.info(
            "export %s: sent %d in %d batch(es), %d unmapped pending%s",
            tenant,
            report.sent,
            report.batches,
            report.pending_unmapped,
            ", stopped early" if report.stopped_early else "",
        )
        return report

    def _wait_until(self, when: datetime) -> None:
        """Sleep on the clock in short ticks so a stop request is noticed quickly."""
        while not self._stop.is_set():
            remaining = (when - self._clock.now()).total_seconds()
            if remaining <= 0:
                return
            self._clock.sleep(min(self._tick, remaining))
