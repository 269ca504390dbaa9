"""The hourly export worker: every tenant once per round, alone or as one of a fleet.

A **round** is one pass over the tenants: the hourly worker's round is named after its hour
(the one in progress at start, then the top of every hour), ``run_once`` joins the pass
other workers have open, or opens one. Alone (no claims), a worker exports every tenant of
the round in order. In a fleet (``TenantClaims``, e.g. PostgreSQL), workers on any number
of processes and machines share the round: each claims one tenant at a time under a lease,
so each tenant is exported by exactly one worker; a worker keeps going while tenants of the
round are unfinished, waiting while the last ones are leased elsewhere, so the tenant of a
worker that died (its lease expired) is picked up within one lease. A tenant gets a turn of
at most ``FleetPolicy.turn``: a longer backlog stops at a page boundary (checkpointed, as
on SIGTERM), is handed back and resumes after every other tenant had its turn, so a huge
backlog never starves the rest. A worker whose lease renewal fails (the lease expired and
another worker took the tenant, or the claims server cannot confirm it) stops its turn at
once, before another page, and records nothing: what it sent is checkpointed and the
tenant's holder resumes from there. The export's checkpoint rules are untouched.

Time and waiting come from the Clock port and stopping from a ``threading.Event`` (the CLI
sets it on SIGTERM/Ctrl-C), so tests drive the loop with a fake clock. A failing run is
logged, recorded and retried next round (a score endpoint not available as configured
stands, with no provider call, until the configuration changes). Hosts with their own
scheduler call ``ExportScores`` directly instead; `wfm export status --all` reads where each
tenant stands (core/fleet_status.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from wfm_bridge.core.export_report import ExportReport
from wfm_bridge.ports.claims import TenantClaims, TenantLease, TenantRun
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import BusyError, NotAvailableError, WfmError

ExportTenant = Callable[[str, Callable[[], bool]], ExportReport]
"""Runs one tenant's export; the second argument says when to stop early."""
Outcome = ExportReport | Exception
_T = TypeVar("_T")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def next_run_after(now: datetime, interval: timedelta = timedelta(hours=1)) -> datetime:
    """When a worker running every ``interval`` next runs: the boundary strictly after
    ``now`` (what `wfm export status` shows)."""
    elapsed = (now - _EPOCH) // interval
    return _EPOCH + (elapsed + 1) * interval


@dataclass(frozen=True)
class FleetPolicy:
    """How one worker takes part in a fleet."""

    worker: str  # shown in `wfm export status --all`, e.g. host:pid
    lease: timedelta = timedelta(minutes=2)  # a dead worker's tenant waits at most this long
    turn: timedelta = timedelta(minutes=10)  # a tenant's longest turn before others go first
    poll_seconds: float = 5.0  # how often to look again while the last tenants are leased


class HourlyExportWorker:
    """Runs ``export_tenant`` for the tenants of ``tenants()`` once per round until stopped."""

    def __init__(
        self,
        export_tenant: ExportTenant,
        tenants: Callable[[], Sequence[str]],
        clock: Clock,
        stop: threading.Event,
        log: logging.Logger | None = None,
        interval: timedelta = timedelta(hours=1),
        tick_seconds: float = 1.0,
        claims: TenantClaims | None = None,
        fleet: FleetPolicy | None = None,
    ) -> None:
        self._export = export_tenant
        self._tenants = tenants
        self._clock = clock
        self._stop = stop
        self._log = log or logging.getLogger("wfm.export")
        self._interval = interval
        self._tick = tick_seconds
        self._claims = claims
        self._fleet = fleet or FleetPolicy(worker="worker")
        self.cycles = 0

    def run(self, max_cycles: int | None = None) -> int:
        """Loop until stopped (or ``max_cycles`` rounds); returns how many rounds ran."""
        while not self._stop.is_set():
            self.run_cycle(self._hour_key(self._clock.now()))
            if max_cycles is not None and self.cycles >= max_cycles:
                break
            self._wait_until(self.next_run_after(self._clock.now()))
        self._log.info("export worker stopped after %d cycle(s)", self.cycles)
        return self.cycles

    def run_once(self) -> dict[str, Outcome]:
        """One round now: joins the unnamed round other workers have open, or opens one."""
        outcomes = self.run_cycle(None)
        self._log.info("export worker stopped after %d cycle(s)", self.cycles)
        return outcomes

    def run_cycle(self, round_key: str | None = None) -> dict[str, Outcome]:
        """Export every tenant of one round once; failures are logged and returned."""
        self.cycles += 1
        try:
            tenants = list(dict.fromkeys(self._tenants()))
        except Exception as exc:
            self._log.error("export worker: cannot list tenants: %s", exc)
            return {}
        if self._claims is None:
            outcomes: dict[str, Outcome] = {}
            for tenant in tenants:
                if self._stop.is_set():
                    break
                outcomes[tenant] = self._run_tenant(tenant, self._stop.is_set)
            return outcomes
        return self._share_round(self._claims, round_key, tenants)

    def next_run_after(self, now: datetime) -> datetime:
        """The next interval boundary (top of the hour) strictly after ``now``."""
        return next_run_after(now, self._interval)

    def _hour_key(self, now: datetime) -> str:
        return f"hourly:{(self.next_run_after(now) - self._interval).isoformat()}"

    # --- a round shared through claims ---------------------------------------------------

    def _share_round(
        self, claims: TenantClaims, key: str | None, tenants: list[str]
    ) -> dict[str, Outcome]:
        """Claim, export and record tenants until the round has none left (or it is late:
        a round ends when the next one is due)."""
        outcomes: dict[str, Outcome] = {}
        now = self._clock.now()
        ends = now + self._interval if key is None else self.next_run_after(now)
        round_key = self._safely(
            "open the round",
            lambda: claims.open_round(key, tenants, self._clock.now(), self._interval),
        )
        while not self._stop.is_set() and self._clock.now() < ends:
            if round_key is None:
                self._pause()
                round_key = self._safely(
                    "open the round",
                    lambda: claims.open_round(key, tenants, self._clock.now(), self._interval),
                )
                continue
            if not self._step(claims, round_key, tenants, outcomes):
                break
        return outcomes

    def _step(
        self, claims: TenantClaims, rk: str, tenants: list[str], outcomes: dict[str, Outcome]
    ) -> bool:
        """Export one claimed tenant, or wait for the leased ones; False once none is left."""
        worker, lease_for = self._fleet.worker, self._fleet.lease
        lease = self._safely(
            "claim a tenant",
            lambda: claims.claim(rk, worker, tenants, self._clock.now(), lease_for),
        )
        if lease is not None:
            outcomes[lease.tenant] = self._take_turn(claims, lease)
            return True
        left = self._safely("count the tenants left", lambda: claims.unfinished(rk, tenants))
        if left == 0:
            self._safely("close the round", lambda: claims.close_round(rk, self._clock.now()))
            return False
        self._log.debug("export round %s: %s tenant(s) leased elsewhere", rk, left)
        self._pause()
        return True

    def _take_turn(self, claims: TenantClaims, lease: TenantLease) -> Outcome:
        """Export the leased tenant for one turn, renewing the lease between pages."""
        started = self._clock.now()
        turn_ends = started + self._fleet.turn
        held: list[TenantLease | None] = [lease]  # None once the lease is lost
        asked = [0]

        def should_stop() -> bool:
            now = self._clock.now()
            asked[0] += 1
            # the export asks before its first page too: a turn always gets one page in,
            # else a turn shorter than a page would hand the tenant back forever
            if held[0] is None or self._stop.is_set() or (asked[0] > 1 and now >= turn_ends):
                return True
            if held[0].until - now <= self._fleet.lease / 2:
                held[0] = self._renew(claims, held[0], now)
                return held[0] is None
            return False

        outcome = self._run_tenant(lease.tenant, should_stop)
        now = self._clock.now()
        if held[0] is None:  # fenced: the tenant's new holder resumes from the checkpoint
            return outcome
        kept = held[0]
        if isinstance(outcome, ExportReport) and outcome.stopped_early:
            self._safely("hand a tenant back", lambda: claims.hand_back(kept, now))
            return outcome
        run = TenantRun(
            tenant=lease.tenant,
            round_key=lease.round_key,
            worker=lease.worker,
            started_at=started,
            finished_at=now,
            outcome=_outcome_name(outcome),
            detail=_detail(outcome),
        )
        self._safely("record a finished run", lambda: claims.finish(kept, run))
        return outcome

    def _renew(self, claims: TenantClaims, lease: TenantLease, now: datetime) -> TenantLease | None:
        """The renewed lease, or None: the turn must stop at once, before another page.

        Lost (it expired and another worker claimed the tenant) or not confirmed (the claims
        server is unreachable): either way this worker can no longer prove the tenant is
        its own, so it stops at a page boundary; what was sent is checkpointed, and the
        tenant's next holder resumes from there (an unconfirmed lease simply runs out)."""
        try:
            renewed = claims.renew(lease, now, self._fleet.lease)
        except WfmError as exc:
            self._log.warning(
                "export %s: cannot renew its lease (%s); stopping its turn", lease.tenant, exc
            )
            return None
        if renewed is None:
            self._log.warning(
                "export %s: lease lost to another worker; stopping its turn", lease.tenant
            )
        return renewed

    def _safely(self, what: str, step: Callable[[], _T]) -> _T | None:
        """A claims call whose failure (its server restarting) costs a pause, not the loop."""
        try:
            return step()
        except WfmError as exc:
            self._log.warning("export worker: cannot %s (%s); trying again", what, exc)
            return None

    def _pause(self) -> None:
        self._wait_until(self._clock.now() + timedelta(seconds=self._fleet.poll_seconds))

    # --- one tenant --------------------------------------------------------------------

    def _run_tenant(self, tenant: str, should_stop: Callable[[], bool]) -> Outcome:
        try:
            report = self._export(tenant, should_stop)
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


def _outcome_name(outcome: Outcome) -> str:
    if isinstance(outcome, ExportReport):
        return "ok"
    return "busy" if isinstance(outcome, BusyError) else "failed"


def _detail(outcome: Outcome) -> str:
    if isinstance(outcome, ExportReport):
        return f"sent {outcome.sent} in {outcome.batches} batch(es)"
    if isinstance(outcome, WfmError):  # our own messages: adapters redact what they say
        return " ".join(str(outcome).split())[:300]
    # anything else may carry a URL or a header a library put in its text: the name only
    # (the full exception goes to the worker's log, through the redacting filter)
    return f"unexpected {type(outcome).__name__}; see the worker's log"
