"""`wfm schedule EMAIL...` and `wfm activity-types`: viewing schedules on demand."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from wfm_bridge.host.cli.runtime import console, print_json, runtime
from wfm_bridge.host.cli.schedule_output import FORMAT_HELP, ScheduleFormat, choose_format, emit

if TYPE_CHECKING:
    from datetime import date, datetime

    from wfm_bridge.ports.models import ActivityType, EmployeeSchedule, ScheduleView, TimeBlock

DAYS_HELP = "Number of days, 7 to 60 (7-14 recommended: faster, easier to read)."


def register(app: typer.Typer) -> None:
    """Add the ``schedule`` and ``activity-types`` commands."""

    @app.command("schedule")
    def schedule(
        ctx: typer.Context,
        emails: list[str] = typer.Argument(..., help="One or more employee emails."),
        start: str = typer.Option(
            None, "--start", help="First date, YYYY-MM-DD. Default: today in the --tz zone."
        ),
        days: int = typer.Option(14, "--days", help=DAYS_HELP),
        as_json: bool = typer.Option(False, "--json", help="JSON output (same as --format json)."),
        fmt: ScheduleFormat = typer.Option(ScheduleFormat.TABLE, "--format", help=FORMAT_HELP),
        output: Path = typer.Option(None, "--output", "-o", help="Write to FILE, not stdout."),
    ) -> None:
        """Employees' schedules, one entry per date (7-60 days; 7-14 recommended)."""
        from wfm_bridge.core.day_grid import parse_date, parse_zone, today_in
        from wfm_bridge.core.schedules import check_range

        rt = runtime(ctx)
        tz = rt.settings.timezone
        zone = parse_zone(tz)
        first = parse_date(start, "--start") if start else today_in(rt.bridge.clock, zone)
        check_range(first, days)  # before building the provider (which may need a key)
        fmt = choose_format(fmt, as_json, output)
        schedules = rt.tenant.schedules
        _progress_on_stderr(rt.tenant.provider)
        view = schedules.view(emails, first, days, tz)
        if fmt is ScheduleFormat.TABLE:
            _print_view(view)
            return
        emit(view, fmt, output, stamp=rt.bridge.clock.now())

    @app.command("activity-types")
    def activity_types(
        ctx: typer.Context,
        refresh: bool = typer.Option(False, "--refresh", help="Re-fetch from the provider now."),
        as_json: bool = typer.Option(False, "--json", help="JSON output."),
    ) -> None:
        """The provider's activity types (cached for 24 h; --refresh re-fetches)."""
        catalog = runtime(ctx).tenant.activity_types
        if refresh:
            catalog.refresh()
        types = list(catalog.all().values())
        if as_json:
            print_json(types)
            return
        _print_types(types, catalog.refreshed_at())


def _progress_on_stderr(provider: object) -> None:
    """A provider that reports long planned reads (a slow account's rate limit) says how
    long on stderr; stdout stays the schedule."""
    if hasattr(provider, "on_progress"):
        provider.on_progress = lambda progress: typer.echo(progress.message(), err=True)


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


def _print_view(view: ScheduleView) -> None:
    out = console()
    for schedule in view.employees:
        out.print(_schedule_table(schedule, view.timezone))
    if view.unmapped:
        from rich.table import Table

        table = Table(title="Not shown: could not be mapped", title_style="bold red")
        table.add_column("employee")
        table.add_column("reason", overflow="fold")
        for item in view.unmapped:
            table.add_row(item.employee.email or item.employee.host_id, item.reason)
        out.print(table)
        out.print("see why: `wfm mapping explain EMAIL`")


def _schedule_table(schedule: EmployeeSchedule, tz: str) -> object:
    from rich.table import Table

    who = schedule.employee.name or schedule.employee.host_id
    table = Table(title=f"{who} <{schedule.employee.email or '-'}>  ({tz})", title_justify="left")
    for column in ("date", "time", "", "activity", "description"):
        table.add_column(column, overflow="fold")
    for day in schedule.days:
        label = day.date.strftime("%a %Y-%m-%d")
        if not day.blocks:
            table.add_row(label, "", "", "[dim]— no activities[/]", "", end_section=True)
            continue
        for i, block in enumerate(day.blocks):
            table.add_row(
                label if i == 0 else "",
                f"{_clock_time(block, day.date)}-{_clock_time(block, day.date, end=True)}",
                _swatch(block.color),
                block.activity + (" [cyan](booked here)[/]" if block.created_here else ""),
                block.description,
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
        table.add_row(t.name, _swatch(t.color), t.id, t.short_name or "", productive)
    out = console()
    out.print(table)
    stamp = refreshed_at.isoformat(timespec="seconds") if refreshed_at else "never"
    out.print(f"fetched: {stamp} (cached for 24 h; `--refresh` re-fetches)")
