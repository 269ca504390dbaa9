"""`wfm export run|status|worker`: the hourly QA score export (and `wfm scores`); the worker
and `status --all` go through the export fleet's TenantClaims."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import typer

from wfm_bridge.host.cli.runtime import console, print_json, runtime
from wfm_bridge.host.cli.vocabulary import working

if TYPE_CHECKING:
    from wfm_bridge.core.export_report import ExportReport

LOCK_WAIT_SECONDS = 3600.0  # `--wait`: how long to wait for a running export of the tenant
MAX_FLEET_SECONDS = 86400.0  # a day: longer leases, turns or polls are typing mistakes
WORKER_LOCK_WAIT_SECONDS = 30.0  # the worker waits this long, then skips the tenant this hour

export_app = typer.Typer(
    help="Send QA scores to the WFM provider (checkpointed; nothing lost or doubled).",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the ``export`` and ``scores`` command groups."""
    from wfm_bridge.host.cli import scores_cmd

    app.add_typer(export_app, name="export")
    scores_cmd.register(app)


@export_app.command("run")
def run(
    ctx: typer.Context,
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be sent; send nothing."),
    as_json: bool = typer.Option(False, "--json", help="JSON output."),
    batch_size: int = typer.Option(500, "--batch-size", help="Scores per request (1-10000)."),
    wait: bool = typer.Option(
        False, "--wait", help="If another export of this tenant is running, wait for it."
    ),
) -> None:
    """Export the scores new or changed since the last successful export, once."""
    from wfm_bridge.core.export import ExportPolicy

    policy = ExportPolicy(
        batch_size=batch_size, lock_wait_seconds=LOCK_WAIT_SECONDS if wait else 0.0
    )
    with working("exporting QA scores in batches of " + str(batch_size)):
        report = runtime(ctx).tenant.export(policy=policy).run(dry_run=dry_run)
    if as_json:
        from wfm_bridge.host.shapes import export_report_json

        print_json(export_report_json(report))
        return
    from wfm_bridge.host.cli.export_views import show_report

    show_report(console(), report)


@export_app.command("status")
def status(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="JSON output."),
    every: bool = typer.Option(
        False, "--all", help="Every tenant with a key: last run, which worker, next due."
    ),
) -> None:
    """Last successful run, checkpoint, backlog, unmapped scores and the last error."""
    if every:
        _status_all(ctx, as_json)
        return
    from wfm_bridge.core.export_worker import next_run_after

    rt = runtime(ctx)
    view = rt.tenant.export_status()
    next_run = next_run_after(rt.bridge.clock.now())
    if as_json:
        from wfm_bridge.host.shapes import export_status_json

        print_json(export_status_json(view, next_run))
        return
    from wfm_bridge.host.cli.export_views import show_status
    from wfm_bridge.host.cli.vocabulary import utc

    show_status(console(), view)
    console().print(
        f"Next run: {utc(next_run)} (the worker runs at the top of every hour; run it as a "
        "service: docs/worker.md)", markup=False,
    )


def _status_all(ctx: typer.Context, as_json: bool) -> None:
    from wfm_bridge.core.fleet_status import fleet_schedule

    bridge = runtime(ctx).bridge
    rows = fleet_schedule(
        bridge.claims, bridge.state, bridge.tenants_with_keys(), bridge.clock.now()
    )
    if as_json:
        from wfm_bridge.host.shapes import fleet_status_json

        print_json(fleet_status_json(rows))
        return
    from rich.table import Table
    from rich.text import Text

    from wfm_bridge.host.cli.vocabulary import jsonable

    table = Table(title=f"Export of {len(rows)} tenant(s)", title_justify="left")
    for column in ("tenant", "last run", "outcome", "worker", "next due"):
        table.add_column(column, overflow="fold")
    for row in rows:
        last = jsonable(row.last_run or {})  # its times in UTC ``Z``, as everywhere
        when = str(last.get("finished_at") or last.get("started_at") or "never")
        outcome = str(last.get("outcome", "-"))
        if last.get("outcome") == "ok":
            outcome = f"ok, sent {last.get('sent')}"
        worker = f"{row.running_on} (running now)" if row.running_on else row.worker or "-"
        cells = (row.tenant, when, outcome, worker, jsonable(row.next_due))
        table.add_row(*(Text(c) for c in cells))
    console().print(table)


def _default_worker_id() -> str:
    import os
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"


@export_app.command("worker")
def worker(
    ctx: typer.Context,
    batch_size: int = typer.Option(500, "--batch-size", help="Scores per request (1-10000)."),
    once: bool = typer.Option(
        False, "--once", help="One round over every tenant (shared with workers started "
        "alongside), then exit."
    ),
    worker_id: str = typer.Option(
        None, "--worker-id", help="This worker's name in `export status --all` (default host:pid)."
    ),
    lease_seconds: float = typer.Option(
        120.0, "--lease-seconds", help="A dead worker's tenant is taken over after this long."
    ),
    turn_seconds: float = typer.Option(
        600.0, "--turn-seconds", help="A tenant's longest turn before the others go first."
    ),
    poll_seconds: float = typer.Option(
        5.0, "--poll-seconds", help="How often to look again while tenants are leased elsewhere."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="JSON output: one object per cycle, one line each (JSON Lines)."
    ),
) -> None:
    """Export every tenant with a key now and then at the top of every hour (SIGTERM stops).

    With WFM_STATE=postgres any number of workers (processes, machines) share the tenants
    through its claims: each tenant is exported by one worker per hourly round, and a worker
    joining after the round is done waits for the next. On the embedded default (local state)
    claims are per process: run one worker per data directory."""
    import logging
    import signal
    import threading
    from datetime import timedelta

    from wfm_bridge.core.export import ExportPolicy
    from wfm_bridge.core.export_worker import FleetPolicy, HourlyExportWorker
    from wfm_bridge.ports.errors import InvalidInputError

    if not all(0 < s <= MAX_FLEET_SECONDS for s in (lease_seconds, turn_seconds, poll_seconds)):
        raise InvalidInputError(
            "--lease-seconds, --turn-seconds and --poll-seconds must be between 0 and 86400 "
            "(a day)"
        )
    fleet = FleetPolicy(
        worker=worker_id or _default_worker_id(),
        lease=timedelta(seconds=lease_seconds),
        turn=timedelta(seconds=turn_seconds),
        poll_seconds=poll_seconds,
    )
    bridge = runtime(ctx).bridge
    log = logging.getLogger("wfm.export")
    if logging.getLogger().level < logging.ERROR:  # the worker reports each run unless quieted
        log.setLevel(min(logging.INFO, logging.getLogger().level or logging.INFO))
    stop = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        log.info("stop requested; finishing the current page")
        stop.set()

    # restored on the way out: `wfm` may run in-process (tests, a host's own runner)
    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    # a short wait: `wfm export status` probes the lock, which must not cost an hourly run
    policy = ExportPolicy(batch_size=batch_size, lock_wait_seconds=WORKER_LOCK_WAIT_SECONDS)

    def export_one(tenant: str, should_stop: Callable[[], bool]) -> ExportReport:
        return bridge.tenant(tenant).export(policy=policy).run(should_stop=should_stop)

    class Worker(HourlyExportWorker):
        def run_cycle(self, round_key: str | None = None) -> dict[str, ExportReport | Exception]:
            outcomes = super().run_cycle(round_key)
            if as_json:
                _print_cycle(self.cycles, outcomes, self.next_run_after(bridge.clock.now()))
            return outcomes

    try:
        loop = Worker(
            export_one, bridge.tenants_with_keys, bridge.clock, stop, log,
            claims=bridge.claims, fleet=fleet,
        )
        if once:
            loop.run_once()
        else:
            loop.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _print_cycle(cycle: int, outcomes: dict[str, Any], next_run: datetime) -> None:
    """One worker cycle as one JSON line: each tenant's report or error, and the next run."""
    import json

    from wfm_bridge.host.cli.vocabulary import envelope, jsonable
    from wfm_bridge.host.shapes import export_report_json
    from wfm_bridge.ports.errors import WfmError

    items = []
    for tenant, outcome in outcomes.items():
        if isinstance(outcome, Exception):
            category = outcome.category if isinstance(outcome, WfmError) else "unexpected"
            error = {"category": category, "message": str(outcome) or type(outcome).__name__}
            items.append({"tenant": tenant, "report": None, "error": error})
        else:
            items.append({"tenant": tenant, "report": export_report_json(outcome), "error": None})
    data = envelope(items, cycle=cycle, next_run=next_run)
    typer.echo(json.dumps(jsonable(data), ensure_ascii=False))
