"""`wfm scores add|seed|list`: record QA scores on the host side (the demo score source)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import typer

from wfm_bridge.host.cli.runtime import console, print_json, runtime
from wfm_bridge.host.cli.vocabulary import agents, cell, envelope

scores_app = typer.Typer(help="QA scores recorded by the host (what the export sends).")


def register(app: typer.Typer) -> None:
    """Add the ``scores`` command group."""
    app.add_typer(scores_app, name="scores", no_args_is_help=True)


def _score(**fields: Any) -> Any:
    """A validated QaScore, or a one-line InvalidInputError."""
    from pydantic import ValidationError

    from wfm_bridge.ports.errors import InvalidInputError
    from wfm_bridge.ports.models import QaScore

    score, top = fields["score"], fields["max_score"]
    if not math.isfinite(top) or not top > 0 or not 0 <= score <= top:
        raise InvalidInputError(f"score {score:g} must be between 0 and --max ({top:g}), max > 0")
    if "@" not in fields["agent_email"].strip():
        raise InvalidInputError(f"{fields['agent_email']!r} is not an email; give --agent EMAIL")
    try:
        return QaScore(**fields)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise InvalidInputError(f"invalid score ({where}: {problem['msg']})") from exc


def score_json(row: dict[str, Any]) -> dict[str, Any]:
    """A score in the vocabulary: the evaluated ``agent`` is a person."""
    data: dict[str, Any] = agents(row)
    return data


@scores_app.command("add")
def add(
    ctx: typer.Context,
    evaluation: str = typer.Option(..., "--evaluation", help="Evaluation id (reuse to re-score)."),
    agent: str = typer.Option(..., "--agent", help="The evaluated agent's email."),
    score: float = typer.Option(..., "--score", help="Score given."),
    max_score: float = typer.Option(100.0, "--max", help="Maximum possible score."),
    scorecard: str = typer.Option("", "--scorecard", help="Scorecard name."),
    evaluated_at: datetime = typer.Option(
        None, "--evaluated-at", help="When it was evaluated (ISO). Default: now."
    ),
    as_json: bool = typer.Option(False, "--json", help="JSON output."),
) -> None:
    """Record a QA score, or re-score an evaluation (the next export sends the new value)."""
    from datetime import UTC

    bridge = runtime(ctx).bridge
    now = bridge.clock.now()
    when = evaluated_at or now
    qa = _score(
        evaluation_id=evaluation.strip(),
        agent_email=agent.strip(),
        score=score,
        max_score=max_score,
        scorecard=scorecard,
        evaluated_at=when if when.tzinfo else when.replace(tzinfo=UTC),
        updated_at=now,
    )
    bridge.scores.record(qa)
    if as_json:
        print_json(score_json(qa.model_dump()))
        return
    typer.echo(f"recorded {qa.evaluation_id} for {qa.agent_email}: {score:g}/{max_score:g}")


@scores_app.command("seed")
def seed(
    ctx: typer.Context,
    count: int = typer.Option(
        None, "--count", min=1, max=100_000, help="How many scores. Default: one per employee."
    ),
    as_json: bool = typer.Option(False, "--json", help="JSON output."),
) -> None:
    """Record demo scores for the directory's employees (unmappable ones included)."""
    bridge = runtime(ctx).bridge
    emails = [e.email for e in bridge.directory.list_employees() if e.email]
    if not emails:
        from wfm_bridge.ports.errors import NotFoundError

        raise NotFoundError("the employee directory has no emails to score; add employees first")
    count = count or len(emails)
    now = bridge.clock.now()
    source = bridge.scores
    stamp = now.strftime("%Y%m%d%H%M%S")
    scores = [
        _score(
            evaluation_id=f"demo-{stamp}-{i:05d}",
            agent_email=emails[i % len(emails)],
            score=float(60 + (i * 7) % 41),
            max_score=100.0,
            scorecard="Demo scorecard",
            evaluated_at=now,
            updated_at=now,
        )
        for i in range(count)
    ]
    record_many = getattr(source, "record_many", None)  # one write, when the source offers it
    if record_many is not None:
        record_many(scores)
    else:
        for qa in scores:
            source.record(qa)
    if as_json:
        print_json({"recorded": count, "employees": min(count, len(emails))})
        return
    typer.echo(f"recorded {count} demo score(s) for {min(count, len(emails))} employee(s)")


@scores_app.command("list")
def list_scores(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="JSON output."),
    limit: int = typer.Option(200, "--limit", min=1, help="Show at most this many."),
) -> None:
    """Recorded scores in export order, each with its export state (sent/waiting/held)."""
    from wfm_bridge.core.export_state import ExportState

    bridge = runtime(ctx).bridge
    tenant = bridge.settings.tenant
    records = ExportState(bridge.state, tenant)
    checkpoint = records.checkpoint()
    held = {p.score.evaluation_id: p.reason for p in records.pending()}
    rows = []
    for qa in bridge.scores.changed_since(None, limit):
        past = checkpoint is not None and (qa.updated_at, qa.evaluation_id) <= (
            checkpoint.updated_at,
            checkpoint.evaluation_id,
        )
        state = "held: unmapped" if qa.evaluation_id in held else ("sent" if past else "waiting")
        rows.append({**qa.model_dump(mode="json"), "export": state})
    if as_json:
        print_json(envelope([score_json(r) for r in rows], tenant=tenant))
        return
    from rich.table import Table

    table = Table(title=f"QA scores of tenant {tenant} ({len(rows)} shown)", title_justify="left")
    for col in ("evaluation", "agent", "score", "scorecard", "updated", "export"):
        table.add_column(col)
    for r in rows:
        score = f"{r['score']:g}/{r['max_score']:g}"
        cells = (r["evaluation_id"], r["agent_email"], score, r["scorecard"])
        table.add_row(*(cell(c) for c in (*cells, r["updated_at"], r["export"])))
    console().print(table)
