"""The Calendar page: pick employees (search by name or email, or a team where the provider
has teams) and a range, see the calendar with each block's availability."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html import escape

from wfm_bridge.host.http.page_shell import embedded_calendar, message
from wfm_bridge.ports.models import Employee, ScheduleView

MAX_MATCHES = 50  # search results listed at once: a directory may hold thousands


@dataclass(frozen=True)
class CalendarQuery:
    """What the Calendar form asks for."""

    chosen: list[str] = field(default_factory=list)  # employee emails
    search: str = ""
    start: date | None = None
    days: int = 14
    team: str = ""  # a provider team's name: its employees are shown too


def matches(employees: list[Employee], query: CalendarQuery) -> list[Employee]:
    """Employees whose name or email contains the search text (all when none), not chosen."""
    needle = query.search.strip().casefold()
    taken = {e.casefold() for e in query.chosen}
    found = [
        e for e in employees
        if e.email
        and e.email.strip().casefold() not in taken
        and (not needle or needle in e.name.casefold() or needle in e.email.casefold())
    ]
    return found[:MAX_MATCHES]


def _pick(employee: Employee | None, email: str, checked: bool) -> str:
    name = employee.name if employee is not None and employee.name else email
    return (
        f'<label><input type="checkbox" name="email" value="{escape(email)}"'
        f'{" checked" if checked else ""}> {escape(name)} '
        f"<small>&lt;{escape(email)}&gt;</small></label>"
    )


def _team_pick(teams: list[str], chosen: str) -> str:
    if not teams:
        return ""
    options = "".join(
        f'<option value="{escape(name)}"{" selected" if name == chosen else ""}>'
        f"{escape(name)}</option>"
        for name in teams
    )
    return (
        '<label>Team<select name="team" id="team-pick"><option value="">(none)</option>'
        f"{options}</select></label>"
    )


def calendar_form(
    employees: list[Employee], query: CalendarQuery, today: date, teams: list[str] | None = None
) -> str:
    """The picker: chosen employees, search results, a team (where the provider has teams),
    range and the View Schedule button."""
    by_email = {e.email.strip().casefold(): e for e in employees if e.email}
    chosen = "".join(_pick(by_email.get(e.casefold()), e, True) for e in query.chosen)
    found = matches(employees, query)
    offered = "".join(_pick(e, (e.email or "").strip(), False) for e in found)
    more = "" if found or not query.search else "<span>no employee matches that search</span>"
    start = (query.start or today).isoformat()
    return (
        '<form class="wfm-form" method="get" action="/calendar" id="calendar-form">'
        '<label>Search by name or email<input type="search" name="q" '
        f'value="{escape(query.search)}" placeholder="e.g. ana or @example.com"></label>'
        '<button class="quiet" type="submit" name="find" value="1">Search</button>'
        f"{_team_pick(teams or [], query.team)}"
        f'<label>First date<input type="date" name="start" value="{start}"></label>'
        '<label>Days (7-60)<input type="number" name="days" min="7" max="60" '
        f'value="{query.days}"></label>'
        '<button type="submit" id="view-schedule">View Schedule</button>'
        f'<div class="picks" aria-label="Employees">{chosen}{offered}{more}</div>'
        "<small>7-14 days is recommended: faster and easier to read.</small></form>"
    )


def calendar_body(form: str, view: ScheduleView | None, refusal: str | None) -> tuple[str, str]:
    """(extra stylesheet, body) of the Calendar page below the navigation."""
    if refusal:
        return "", form + message("refusal", refusal)
    if view is None:
        return "", form + message("hint", "Pick one or more employees, then View Schedule.")
    css, calendar = embedded_calendar(view, "Schedules")
    return css, form + calendar
