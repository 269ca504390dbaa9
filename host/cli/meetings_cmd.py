"""`wfm meetings book|cancel|list|reconcile` and `wfm slots`: one-to-ones in the WFM system.

Modify, bulk create/delete and shift sync exist as commands only to say they are not
supported (exit 2), so nobody mistakes their absence for a typo.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from wfm_bridge.host.cli.runtime import Runtime, console, print_json, runtime
from wfm_bridge.host.cli.vocabulary import cell, working
from wfm_bridge.host.shapes import (
    meeting_out_json,
    meetings_json,
    reconciled_json,
    slots_json,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from wfm_bridge.core.meeting_verify import Presence
    from wfm_bridge.ports.models import Meeting, MeetingStatus

_ANY_ARGS = {"allow_extra_args": True, "ignore_unknown_options": True}


def register(app: typer.Typer) -> None:
    """Add the ``meetings`` command group and the ``slots`` command."""
    group = typer.Typer(
        help="One-to-one meetings booked in the WFM system (never touching other activities).",
        no_args_is_help=True,
    )

    @group.command("book")
    def book(
        ctx: typer.Context,
        email: str = typer.Argument(..., help="The agent's email or unique display name."),
        start: str = typer.Option(
            ..., "--start", help="Start, ISO 8601 (2025-06-03T14:00; no offset = the --tz zone; "
            "with --tz agent, the agent's)."
        ),
        minutes: int = typer.Option(..., "--minutes", help="Length in minutes."),
        description: str = typer.Option("", "--description", help="Shown after the title."),
        facilitator: str = typer.Option(
            None, "--facilitator", help="Who books it (email or unique display name)."
        ),
        key: str = typer.Option(
            None, "--key", help="Idempotency key: repeating a booking with it never doubles it."
        ),
        force: bool = typer.Option(
            False, "--force", help="Book off schedule (outside available time); deletes nothing."
        ),
        as_json: bool = typer.Option(False, "--json", help="JSON output."),
    ) -> None:
        """Book a 1:1 for an agent in the WFM system (never deleting others)."""
        rt = runtime(ctx)
        email, coach = _people(rt, email, facilitator)
        zone = _zone(_agent_or(rt, email))
        when = _parse_start(start, zone)
        meeting = rt.tenant.meetings.book(email, when, minutes, description, coach, key, force)
        if as_json:
            print_json(meeting_out_json(meeting, zone.key))
            return
        from wfm_bridge.core.meeting_rules import calendar_notes

        console().print(cell(
            f"booked {meeting.id}: {meeting.title} for {meeting.agent_email}, "
            f"{_span(meeting, zone)} (activity {meeting.provider_activity_id})"
        ))
        for note in calendar_notes(meeting):
            console().print(cell(f"  {note}"))

    @group.command("cancel")
    def cancel(
        ctx: typer.Context,
        meeting_id: str = typer.Argument(
            ..., help="A meeting id (`wfm meetings list`, or the `(ref mtg-...)` in a schedule)."
        ),
        agent: str = typer.Option(
            None, "--agent",
            help="Its agent (email or unique display name), for a meeting another installation "
            "booked.",
        ),
        on: str = typer.Option(
            None, "--on", help="Its day, YYYY-MM-DD in the agent's zone (with --agent)."
        ),
        as_json: bool = typer.Option(False, "--json", help="JSON output."),
    ) -> None:
        """Cancel a meeting this product booked (deletes exactly its activities, the
        facilitator's too; found by its reference when another installation booked it);
        safe to repeat."""
        from wfm_bridge.core.day_grid import parse_date

        rt = runtime(ctx)
        day = parse_date(on, "--on") if on else None
        who = rt.tenant.resolve_people([agent])[0] if agent else None
        meeting = rt.tenant.meetings.cancel(meeting_id, who, day)
        if as_json:
            print_json(meeting_out_json(meeting, _zone(rt.settings.timezone).key))
            return
        console().print(cell(f"cancelled {meeting.id} ({meeting.agent_email})"))

    @group.command("list")
    def list_(
        ctx: typer.Context,
        status: str = typer.Option(None, "--status", help="pending, booked or cancelled."),
        verify: bool = typer.Option(
            False, "--verify", help="Check booked meetings against the WFM system: one gone "
            "from it (e.g. cancelled by another installation) is shown as gone and recorded "
            "here as cancelled."
        ),
        as_json: bool = typer.Option(False, "--json", help="JSON output."),
    ) -> None:
        """The tenant's meetings booked here, with their status as this installation recorded
        it (the meeting ledger; --verify checks them against the WFM system)."""
        rt = runtime(ctx)
        wanted = _status(status)
        if verify:
            with working("checking booked meetings in the WFM system"):
                listed = rt.tenant.meetings.listed(wanted, verify=True)
        else:
            listed = rt.tenant.meetings.listed(wanted)
        if as_json:
            zone = _zone(rt.settings.timezone).key
            print_json(meetings_json(listed, zone, verify))
            return
        _print_meetings(listed, _zone(rt.settings.timezone), verify)

    @group.command("reconcile")
    def reconcile(
        ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="JSON output.")
    ) -> None:
        """Settle meetings left pending by an unconfirmed provider write (reads them back),
        and remove stray copies a late-landing write left of meetings that have not ended."""
        rt = runtime(ctx)
        with working("reading pending meetings back from the provider"):
            done = rt.tenant.meetings.reconcile()
        if as_json:
            zone = _zone(rt.settings.timezone).key
            print_json(reconciled_json(done.settled, zone, len(done.swept)))
            return
        for meeting in done.settled:
            console().print(f"{meeting.id}: {meeting.status}")
        console().print(f"{len(done.settled)} meeting(s) settled")
        if done.swept:
            console().print(f"removed {len(done.swept)} stray copy(ies) of our meetings")

    _refuse_without_provider(group)

    @app.command("slots")
    def slots(
        ctx: typer.Context,
        email: str = typer.Argument(..., help="The agent's email or unique display name."),
        first: str = typer.Option(
            None, "--from", help="First date, YYYY-MM-DD, in the agent's zone (the days are "
            "the agent's). Default: today in the agent's zone."
        ),
        days: int = typer.Option(5, "--days", help="Number of days, 1 to 14."),
        minutes: int = typer.Option(30, "--minutes", help="Meeting length in minutes."),
        facilitator: str = typer.Option(
            None, "--facilitator", help="Coach (email or unique display name)."
        ),
        as_json: bool = typer.Option(False, "--json", help="JSON output."),
    ) -> None:
        """Free start times for a 1:1 inside available time of agent (and facilitator), in
        the agent's zone (overrides: WFM_AVAILABILITY; no-shift providers: WFM_WORK_HOURS)."""
        from wfm_bridge.core.day_grid import parse_date

        rt = runtime(ctx)
        email, coach = _people(rt, email, facilitator)
        tz = rt.settings.timezone
        today = rt.tenant.slots.first_day(email, tz)  # in the zone the search counts in
        day = parse_date(first, "--from") if first else today
        with working("looking for free slots"):
            result = rt.tenant.slots.search(email, day, days, minutes, tz, coach)
        if not result.slots and (today - day).days >= days:  # not "try more days": the past
            from wfm_bridge.ports.errors import InvalidInputError

            raise InvalidInputError(
                f"--from {day} with --days {days} is wholly in the past ({result.timezone}, "
                f"the agent's zone); free slots are only in the future: give --from {today} "
                "or later"
            )
        ordered = sorted(result.slots, key=lambda s: s.start)
        if as_json:
            print_json(slots_json(result, minutes))
            return
        _print_slots([s.start for s in ordered], result.timezone)
        for d, why in result.no_slot.items():
            typer.echo(f"  {d:%a %Y-%m-%d}: no slot ({why})")
        typer.echo(f"  (available time from {result.basis})")

    app.add_typer(group, name="meetings")


def _refuse_without_provider(group: typer.Typer) -> None:
    """The not-supported commands: refused before any adapter is built."""
    from wfm_bridge.core.meetings import NOT_SUPPORTED

    for name, message in NOT_SUPPORTED.items():
        group.command(name, context_settings=_ANY_ARGS, help="Not supported, by design.")(
            _refusal(message)
        )


def _refusal(message: str) -> Callable[[typer.Context], None]:
    """A command that refuses with ``message`` (a closure: a default argument would show up
    as a ``---message`` option that anyone could set)."""

    def refuse(ctx: typer.Context) -> None:
        from wfm_bridge.ports.errors import NotSupportedError

        raise NotSupportedError(message)

    return refuse


def _people(rt: Runtime, agent: str, facilitator: str | None) -> tuple[str, str | None]:
    """Agent and facilitator as emails (display names resolved through the directory)."""
    given = [agent] if facilitator is None else [agent, facilitator]
    found = rt.tenant.resolve_people(given)
    return found[0], (found[1] if facilitator is not None else None)


def _agent_or(rt: Runtime, email: str) -> str:
    """The --tz zone, or with --tz agent the agent's own zone (UTC when unknown)."""
    from wfm_bridge.core.day_grid import is_agent_zone

    tz = rt.settings.timezone
    return rt.tenant.slots.zone_of(email, "UTC") if is_agent_zone(tz) else tz


def _zone(tz: str) -> ZoneInfo:
    from wfm_bridge.core.day_grid import parse_zone

    return parse_zone(tz)


def _parse_start(text: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 start; without an offset it is read in the viewer's zone."""
    from datetime import datetime

    from wfm_bridge.ports.errors import InvalidInputError

    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInputError(
            f"--start {text!r} is not an ISO 8601 time; give e.g. 2025-06-03T14:00"
        ) from exc
    return when.replace(tzinfo=zone) if when.tzinfo is None else when


def _status(text: str | None) -> MeetingStatus | None:
    from wfm_bridge.ports.errors import InvalidInputError
    from wfm_bridge.ports.models import MeetingStatus

    if text is None:
        return None
    try:
        return MeetingStatus(text.strip().lower())
    except ValueError as exc:
        names = ", ".join(s.value for s in MeetingStatus)
        raise InvalidInputError(f"--status must be one of {names}, not {text!r}") from exc


def _span(meeting: Meeting, zone: ZoneInfo) -> str:
    start, end = meeting.start.astimezone(zone), meeting.end.astimezone(zone)
    return f"{start:%a %Y-%m-%d %H:%M}-{end:%H:%M} {zone.key}"


_IN_WFM = {
    None: "-", "present": "present", "gone": "not found: `wfm meetings cancel` it to settle",
    "partial": "partly gone: cancel it to remove the rest",
}


def _print_meetings(
    listed: list[tuple[Meeting, Presence | None]], zone: ZoneInfo, verified: bool
) -> None:
    from rich.table import Table

    if not listed:
        console().print("no meetings found (book one with `wfm meetings book EMAIL ...`)")
        return
    table = Table(title=f"Meetings booked here ({zone.key})", title_justify="left")
    columns = ["id", "status", "agent", "when", "description", "activity"]
    for column in [*columns, "in the WFM system"] if verified else columns:
        table.add_column(column, overflow="fold")
    for m, presence in listed:
        row = [
            cell(m.id),
            m.status.value,
            cell(m.agent_email),
            _span(m, zone),
            cell(m.description),
            cell(m.provider_activity_id or "-"),
        ]
        table.add_row(*row, *([_IN_WFM[presence]] if verified else []))
    out = console()
    out.print(table)
    if verified:
        gone = sum(1 for _, presence in listed if presence == "gone")
        out.print(
            f"checked in the WFM system: {gone} not found over their time (cancelled elsewhere, "
            "or moved there); this record is unchanged: `wfm meetings cancel ID` settles one"
        )
    else:
        out.print(
            "statuses as this installation recorded them; another installation may have "
            "cancelled one since: `wfm meetings list --verify` checks the WFM system"
        )


def _print_slots(found: list[datetime], tz: str) -> None:
    if not found:
        console().print(f"no free slot in that range ({tz}); try more days or a shorter length")
        return
    by_day: dict[str, list[str]] = {}
    for s in found:
        by_day.setdefault(f"{s:%a %Y-%m-%d}", []).append(f"{s:%H:%M}")
    typer.echo(f"free start times ({tz}):")
    for day, times in by_day.items():
        typer.echo(f"  {day}: {' '.join(times)}")
