"""`wfm schedule EMAIL...`, `wfm teams` and `wfm activity-types`: viewing schedules on demand."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from wfm_bridge.host.cli.runtime import Runtime, console, print_json, runtime
from wfm_bridge.host.cli.schedule_output import FORMAT_HELP, ScheduleFormat, choose_format, emit
from wfm_bridge.host.cli.vocabulary import (
    cell,
    given_options,
    split_people,
    with_options,
    working,
)
from wfm_bridge.host.shapes import activity_types_json, teams_json

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, datetime

    from wfm_bridge.ports.models import ActivityType, EmployeeSchedule, ScheduleView, TimeBlock

DAYS_HELP = "Number of days, 7 to 60 (7-14 recommended: faster, easier to read)."


def register(app: typer.Typer) -> None:
    """Add the ``schedule``, ``teams`` and ``activity-types`` commands."""

    @app.command("schedule")
    def schedule(
        ctx: typer.Context,
        emails: list[str] = typer.Argument(
            None, help="Employee emails (space- or comma-separated) or unique display names."
        ),
        team: str = typer.Option(
            None, "--team", help="Add the employees of this provider team (by its name)."
        ),
        start: str = typer.Option(
            None, "--start", help="First date, YYYY-MM-DD. Default: today in the --tz zone "
            "(with --tz agent: the earliest of the employees' todays in their own zones, so "
            "each one's today is shown)."
        ),
        days: int = typer.Option(14, "--days", help=DAYS_HELP),
        as_json: bool = typer.Option(False, "--json", help="JSON output (same as --format json)."),
        fmt: ScheduleFormat = typer.Option(ScheduleFormat.TABLE, "--format", help=FORMAT_HELP),
        output: Path = typer.Option(None, "--output", "-o", help="Write to FILE, not stdout."),
        busy: bool = typer.Option(
            False, "--busy", help="ics: every event blocks the importing calendar (default: "
            "agents' events are free time, only 1:1s booked here block it)."
        ),
    ) -> None:
        """Employees' schedules, one entry per date (7-60 days; 7-14 recommended), each block
        with its availability; `wfm --tz agent schedule` shows each in their own zone."""
        from wfm_bridge.core.day_grid import is_agent_zone, parse_date, parse_zone, today_in
        from wfm_bridge.core.schedules import check_range

        rt = runtime(ctx)
        tz = rt.settings.timezone
        zone = parse_zone("UTC" if is_agent_zone(tz) else tz)
        first = parse_date(start, "--start") if start else today_in(rt.bridge.clock, zone)
        check_range(first, days)  # before building the provider (which may need a key)
        fmt = choose_format(fmt, as_json, output)
        wanted = people(rt, emails or [], team)
        schedules = rt.tenant.schedules
        if start is None and is_agent_zone(tz):  # the employees' own todays: needs them
            first = schedules.first_day(wanted, tz, rt.bridge.clock.now())
        _progress_on_stderr(rt.tenant.provider)
        with working(f"fetching {days} days of schedules for {len(wanted)} employee(s)"):
            view = schedules.view(wanted, first, days, tz)
        _refuse_when_nobody_mapped(view)
        if fmt is ScheduleFormat.TABLE:
            print_view(view)
        else:
            host = rt.settings.host_name
            emit(view, fmt, output, stamp=rt.bridge.clock.now(), busy=busy, host_name=host)
        if view.unmapped:
            who = ", ".join(u.employee.email or u.employee.host_id for u in view.unmapped)
            hint = with_options("see why: `wfm mapping explain EMAIL`", given_options(rt.overrides))
            typer.echo(
                f"partial: {len(view.unmapped)} of {len(view.unmapped) + len(view.employees)} "
                f"employee(s) could not be mapped and are not shown ({who}); {hint}",
                err=True,
            )

    @app.command("teams")
    def teams(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="JSON output."),
    ) -> None:
        """The provider's teams, for `wfm schedule --team NAME` (where the provider has teams)."""
        with working("fetching teams"):
            found = runtime(ctx).tenant.teams.teams()
        if as_json:
            print_json(teams_json(found))
            return
        out = console()
        for team in found:
            out.print(cell(team.name))
        out.print(f"{len(found)} team(s); `wfm schedule --team NAME` shows a team's schedules")

    @app.command("activity-types")
    def activity_types(
        ctx: typer.Context,
        refresh: bool = typer.Option(False, "--refresh", help="Re-fetch from the provider now."),
        as_json: bool = typer.Option(False, "--json", help="JSON output."),
    ) -> None:
        """The provider's activity types (cached for 24 h; --refresh re-fetches)."""
        catalog = runtime(ctx).tenant.activity_types
        with working("fetching activity types"):
            if refresh:
                catalog.refresh()
            types = list(catalog.all().values())
        if as_json:
            print_json(activity_types_json(types, catalog.refreshed_at()))
            return
        _print_types(types, catalog.refreshed_at())


def _progress_on_stderr(provider: object) -> None:
    """A provider that reports long planned reads (a slow account's rate limit) says how
    long on stderr; stdout stays the schedule."""
    if hasattr(provider, "on_progress"):
        provider.on_progress = lambda progress: typer.echo(progress.message(), err=True)


def people(rt: Runtime, args: Sequence[str], team: str | None = None) -> list[str]:
    """Emails from ``args`` (space/comma-separated; unique display names resolved through
    the host directory), then those of ``team``'s employees."""
    from wfm_bridge.ports.errors import InvalidInputError

    items = rt.tenant.resolve_people(split_people(args)) if args else []
    if team is not None:
        items += rt.tenant.teams.emails(team)
    if not items:
        raise InvalidInputError("give employee emails or display names, or --team NAME")
    return items


def _refuse_when_nobody_mapped(view: ScheduleView) -> None:
    """Nobody to show is bad input (exit 2), not an empty success."""
    from wfm_bridge.ports.errors import UnmappableError

    if view.employees or not view.unmapped:
        return
    reasons = "; ".join(
        f"{u.employee.email or u.employee.host_id}: {u.reason}" for u in view.unmapped
    )
    raise UnmappableError(
        f"nobody could be mapped, so there is no schedule to show: {reasons}"
    )


def _swatch(color: str | None) -> str:
    """A coloured square for a colour rich understands, else a blank."""
    from rich.color import Color, ColorParseError

    if not color:
        return " "
    try:
        Color.parse(color)
    except ColorParseError:
        return " "
    return f"[{color}]■[/]"


def _clock_time(block: TimeBlock, day: date, end: bool = False) -> str:
    """HH:MM of a block's start or end; an end at the next midnight shows as 24:00."""
    when = block.end if end else block.start
    if end and when.date() > day:
        return "24:00"
    return when.strftime("%H:%M")


_STATE_STYLE = {
    "available": "green", "busy": "yellow", "break": "dark_orange", "time_off": "grey50",
}


def print_view(view: ScheduleView) -> None:
    """The view as one table per employee (in the employee's zone), the unmapped, and what
    available time comes from."""
    out = console()
    for schedule in view.employees:
        out.print(_schedule_table(schedule, view.zone_of(schedule), view.shifts))
    if view.unmapped:
        from rich.table import Table

        table = Table(title="Not shown: could not be mapped", title_style="bold red")
        table.add_column("employee")
        table.add_column("reason", overflow="fold")
        for item in view.unmapped:
            table.add_row(cell(item.employee.email or item.employee.host_id), cell(item.reason))
        out.print(table)
    if view.employees:
        out.print(cell(f"available time: {_basis_line(view)}"))


def _basis_line(view: ScheduleView) -> str:
    if view.shifts:
        return "shifts (time outside them is off duty)"
    return view.basis


def _schedule_table(schedule: EmployeeSchedule, tz: str, shifts: bool) -> object:
    from rich.table import Table
    from rich.text import Text

    who = schedule.employee.name or schedule.employee.host_id
    table = Table(title=cell(f"{who} <{schedule.employee.email or '-'}>  ({tz})"),
                  title_justify="left")
    for column in ("date", "time", "", "activity", "availability", "description"):
        # "— no activities" on one line, even in an 80-column terminal
        table.add_column(column, overflow="fold", min_width=15 if column == "activity" else None)
    for day in schedule.days:
        label = day.date.strftime("%a %Y-%m-%d")
        off = shifts and not day.has_available()
        if not day.blocks:
            off_duty = "[grey50]off duty[/]" if shifts else ""
            table.add_row(label, "", "", "[dim]— no activities[/]", off_duty, "", end_section=True)
            continue
        for i, block in enumerate(day.blocks):
            state = block.availability.value
            table.add_row(
                (label + ("\n[dim]off duty[/]" if off else "")) if i == 0 else "",
                f"{_clock_time(block, day.date)}-{_clock_time(block, day.date, end=True)}",
                _swatch(block.color),
                Text.assemble(
                    cell(block.activity), (" (booked here)", "cyan") if block.created_here else ""
                ),
                Text(state.replace("_", " "), style=_STATE_STYLE.get(state, "")),
                cell(block.description),
                end_section=i == len(day.blocks) - 1,
            )
    return table


def _print_types(types: list[ActivityType], refreshed_at: datetime | None) -> None:
    from rich.table import Table

    table = Table(title="Activity types")
    for column in ("name", "", "id", "short name", "productive"):
        table.add_column(column, overflow="fold")
    for t in sorted(types, key=lambda t: t.name.casefold()):
        productive = "" if t.productive is None else ("yes" if t.productive else "no")
        table.add_row(
            cell(t.name), _swatch(t.color), cell(t.id), cell(t.short_name or ""), productive
        )
    out = console()
    out.print(table)
    stamp = refreshed_at.isoformat(timespec="seconds") if refreshed_at else "never"
    out.print(f"fetched: {stamp} (cached for 24 h; `--refresh` re-fetches)")
