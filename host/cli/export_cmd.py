"""`wfm export run|status|worker`: the hourly QA score export (and `wfm scores`); the worker
and `status --all` go through the export fleet's TenantClaims."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from wfm_bridge.host.cli.runtime import console, print_json, runtime

if TYPE_CHECKING:
    from wfm_bridge.core.export_report import ExportReport
    from wfm_bridge.host.bridge import Bridge
    from wfm_bridge.ports.claims import TenantClaims

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
    report = runtime(ctx).tenant.export(policy=policy).run(dry_run=dry_run)
    if as_json:
        print_json(report.as_dict())
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
    view = runtime(ctx).tenant.export_status()
    if as_json:
        print_json(view.as_dict())
        return
    from wfm_bridge.host.cli.export_views import show_status

    show_status(console(), view)


def _status_all(ctx: typer.Context, as_json: bool) -> None:
    from wfm_bridge.core.export_worker import fleet_schedule

    bridge = runtime(ctx).bridge
    with _claims(bridge) as claims:
        rows = fleet_schedule(claims, bridge.state, bridge.tenants_with_keys(), bridge.clock.now())
    if as_json:
        print_json({"tenants": [r.as_dict() for r in rows]})
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Export of {len(rows)} tenant(s)", title_justify="left")
    for column in ("tenant", "last run", "outcome", "worker", "next due"):
        table.add_column(column, overflow="fold")
    for row in rows:
        last = row.last_run or {}
        when = str(last.get("finished_at") or last.get("started_at") or "never")
        outcome = str(last.get("outcome", "-"))
        if last.get("outcome") == "ok":
            outcome = f"ok, sent {last.get('sent')}"
        worker = f"{row.running_on} (running now)" if row.running_on else row.worker or "-"
        cells = (row.tenant, when, outcome, worker, row.next_due.isoformat())
        table.add_row(*(Text(c) for c in cells))
    console().print(table)


@contextmanager
def _claims(bridge: Bridge) -> Iterator[TenantClaims]:
    """The configured TenantClaims (WFM_CLAIMS, default: like the state), closed after."""
    from wfm_bridge.ports.registry import AdapterContext, PortKind

    settings = bridge.settings
    name = settings.claims_name(bridge.registry.names(PortKind.CLAIMS))
    context = AdapterContext(
        data_dir=settings.data_dir,
        tenant=settings.tenant,
        options=settings.adapter_options(),
        clock=bridge.clock,
    )
    claims = bridge.registry.build(PortKind.CLAIMS, name, context)
    try:
        yield claims
    finally:
        close = getattr(claims, "close", None)
        if callable(close):
            close()


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
) -> None:
    """Export every tenant with a key now and then at the top of every hour (SIGTERM stops).

    Any number of workers (processes, machines) share the tenants through the claims of the
    state store (PostgreSQL for a fleet): each tenant is exported by one worker per round."""
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

    try:
        with _claims(bridge) as claims:
            loop = HourlyExportWorker(
                export_one, bridge.tenants_with_keys, bridge.clock, stop, log,
                claims=claims, fleet=fleet,
            )
            if once:
                loop.run_once()
            else:
                loop.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
