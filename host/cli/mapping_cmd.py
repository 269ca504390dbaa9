"""`wfm mapping show|explain|refresh`: how host employees link to provider people."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from wfm_bridge.host.cli.runtime import console, print_json, runtime
from wfm_bridge.host.cli.vocabulary import cell, working
from wfm_bridge.host.shapes import mapping_explain_json, mapping_refresh_json, mapping_show_json

if TYPE_CHECKING:
    from wfm_bridge.ports.models import EmployeeMapping, MappingExplanation


def register(app: typer.Typer) -> None:
    """Add the ``mapping`` command group."""
    group = typer.Typer(
        help="Employee mapping: host employees to provider people (agent id, email, name).",
        no_args_is_help=True,
    )

    @group.command("show")
    def show(
        ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="JSON output.")
    ) -> None:
        """Every host employee with its mapping: the rule that matched, or why not."""
        mapping = runtime(ctx).tenant.mapping
        with working("mapping employees (fetching provider people when the cache is stale)"):
            rows = mapping.map_all()
        if as_json:
            print_json(mapping_show_json(rows, mapping.refreshed_at()))
            return
        _print_mappings(rows)

    @group.command("explain")
    def explain(
        ctx: typer.Context,
        email: str = typer.Argument(..., help="The employee's email."),
        as_json: bool = typer.Option(False, "--json", help="JSON output."),
    ) -> None:
        """Why is this employee (not) showing? Each rule's verdict and the cache's age."""
        explanation = runtime(ctx).tenant.mapping.explain(email)
        if as_json:
            print_json(mapping_explain_json(explanation))
            return
        _print_explanation(explanation)

    @group.command("refresh")
    def refresh(
        ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="JSON output.")
    ) -> None:
        """Re-fetch provider people now instead of waiting for the daily refresh."""
        rt = runtime(ctx)
        with working("fetching provider people"):
            when = rt.tenant.mapping.refresh()
        if as_json:
            print_json(mapping_refresh_json(rt.settings.tenant, when))
            return
        console().print(
            f"provider people for tenant {rt.settings.tenant!r} refreshed at "
            f"{when.isoformat(timespec='seconds')}"
        )

    app.add_typer(group, name="mapping")


def _print_mappings(rows: list[EmployeeMapping]) -> None:
    from rich.table import Table

    table = Table(title="Employee mapping")
    for column in ("employee", "email", "status", "rule / reason", "provider person"):
        table.add_column(column, overflow="fold")
    for m in rows:
        mapped = m.status.value == "mapped"
        table.add_row(
            cell(m.employee.name or m.employee.host_id),
            cell(m.employee.email or ""),
            f"[green]{m.status.value}[/]" if mapped else f"[red]{m.status.value}[/]",
            cell(m.rule.value if m.rule else _headline(m.reason or "")),
            cell(_person(m, with_agent=False)),
            style=None if mapped else "dim",
        )
    out = console()
    out.print(table)
    unmapped = [m for m in rows if m.status.value != "mapped"]
    out.print(f"{len(rows) - len(unmapped)} mapped, {len(unmapped)} unmapped")
    for m in unmapped:
        out.print(cell(f"- {m.employee.email or m.employee.host_id}: {m.reason}"))
    if unmapped:
        out.print("details for one employee: `wfm mapping explain EMAIL`")


def _headline(reason: str) -> str:
    """The first clause of a reason, for the table (the full reason is printed below)."""
    import re

    return re.split(r"[:;]", reason, maxsplit=1)[0]


def _person(m: EmployeeMapping, with_agent: bool = True) -> str:
    if m.person is None:
        return ""
    shown = f"{m.person.name} <{(m.person.email or '-').strip()}>"
    return f"{shown} (agent {m.person.agent_id})" if with_agent else shown


def _print_explanation(ex: MappingExplanation) -> None:
    from rich.table import Table

    out = console()
    outcome = ex.outcome
    who = ex.employee.email or ex.employee.host_id
    if outcome.status.value == "mapped":
        rule = outcome.rule.value if outcome.rule else "?"
        out.print(cell(f"{who} is mapped by {rule} to {_person(outcome)}"), style="green")
    else:
        out.print(cell(f"{who} is not mapped: {outcome.reason}"), style="red")
    table = Table()
    table.add_column("rule")
    table.add_column("matched")
    table.add_column("detail", overflow="fold")
    for check in ex.checks:
        table.add_row(check.rule.value, "yes" if check.matched else "no", cell(check.detail))
    out.print(table)
    refreshed = ex.cache_refreshed_at
    stamp = refreshed.isoformat(timespec="seconds") if refreshed else "never"
    out.print(f"provider people last fetched: {stamp} (refresh now: `wfm mapping refresh`)")
