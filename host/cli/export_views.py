"""Readable (rich) views of export reports and status."""

from __future__ import annotations

from typing import Any

from wfm_bridge.core.export_report import ExportReport, UnmappedScore
from wfm_bridge.core.export_status import ExportStatus
from wfm_bridge.ports.scores import ScoreCursor


def _say(out: Any, text: Any) -> None:
    """Print without interpreting rich markup (scores and reasons are data)."""
    out.print(text, markup=False)


def _cells(*values: str) -> list[Any]:
    from rich.text import Text

    return [Text(v) for v in values]


def _cursor(cursor: ScoreCursor | None) -> str:
    if cursor is None:
        return "none (nothing exported yet)"
    return f"{cursor.updated_at.isoformat()} / {cursor.evaluation_id}"


def _unmapped_table(rows: list[UnmappedScore], total: int) -> Any:
    from rich.table import Table

    title = f"Held back: agent not mapped ({len(rows)} of {total} shown)"
    table = Table(title=title, title_justify="left")
    for col in ("evaluation", "agent", "reason"):
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*_cells(row.evaluation_id, row.agent_email, row.reason))
    return table


def show_report(out: Any, report: ExportReport) -> None:
    """Print one run's outcome (or a dry run's plan)."""
    verb = "Would send" if report.dry_run else "Sent"
    line = f"{verb} {report.sent} score(s) in {report.batches} batch(es)"
    if report.sent_from_pending:
        line += f", {report.sent_from_pending} of them held back earlier"
    _say(out, line + f"; {report.pending_unmapped} unmapped pending.")
    if report.stopped_early:
        _say(out, "Stopped early on request; the next run resumes from the checkpoint.")
    label = "Checkpoint (unchanged, dry run)" if report.dry_run else "Checkpoint"
    _say(out, f"{label}: {_cursor(report.checkpoint)}")
    if report.preview:
        from rich.table import Table

        table = Table(title="First scores that would be sent", title_justify="left")
        for col in ("evaluation", "agent id", "score", "updated"):
            table.add_column(col)
        for p in report.preview:
            score = f"{p.score:g}/{p.max_score:g}"
            table.add_row(*_cells(p.evaluation_id, p.agent_id, score, p.updated_at.isoformat()))
        _say(out, table)
    if report.unmapped:
        _say(out, _unmapped_table(report.unmapped, report.pending_unmapped))
        _say(out, "They go out on a later run once mapped (`wfm mapping explain EMAIL`).")


def _run_line(record: dict[str, Any] | None) -> str:
    if not record:
        return "never"
    if record.get("outcome") == "running":
        return f"started {record.get('started_at')}, not finished (running, or was killed)"
    return (
        f"{record.get('finished_at')}: {record.get('outcome')}, sent {record.get('sent')} "
        f"in {record.get('batches')} batch(es)"
    )


def show_status(out: Any, view: ExportStatus) -> None:
    """Print where the export of one tenant stands."""
    _say(out, f"Tenant: {view.tenant}" + (" (an export is running now)" if view.running else ""))
    stopped = view.not_available
    if stopped:
        _say(
            out,
            f"STOPPED since {stopped.get('since')}: {stopped.get('message')} "
            "(not retried until the configuration changes)",
        )
    _say(out, f"Last successful run: {_run_line(view.last_success)}")
    _say(out, f"Last run: {_run_line(view.last_run)}")
    _say(out, f"Checkpoint: {_cursor(view.checkpoint)}")
    _say(out, f"Waiting to be sent: {view.backlog} new or changed score(s)")
    _say(out, f"Unmapped, held back: {view.pending_unmapped}")
    error = view.last_error
    if error:
        _say(out, f"Last error ({error.get('at')}): {error.get('message')}")
    if view.unmapped:
        _say(out, _unmapped_table(view.unmapped, view.pending_unmapped))
