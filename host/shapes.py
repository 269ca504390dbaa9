"""The JSON shape of every use case's result: one copy, for both faces.

Each function turns a use case's result into the JSON data (UTC ``Z`` times, ``person``
agents and employees, ``{"items": [...], "count": N, ...}`` lists) that `wfm ... --json`
prints and the HTTP face answers; its schema is the model of the same command in
``host/cli/schemas.py`` (named in each docstring), which the HTTP face also declares as the
operation's response model. The faces only gather the inputs (options, query parameters).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from wfm_bridge.host.cli.vocabulary import agents, employee, envelope, jsonable, person

if TYPE_CHECKING:
    from wfm_bridge.core.export_report import ExportReport
    from wfm_bridge.core.export_status import ExportStatus
    from wfm_bridge.core.fleet_status import TenantSchedule
    from wfm_bridge.core.slots import SlotSearch
    from wfm_bridge.ports.models import (
        ActivityType,
        EmployeeMapping,
        MappingExplanation,
        Meeting,
        ScheduleView,
        Team,
    )


def _json(value: Any) -> dict[str, Any]:
    """``value`` (an object) as JSON data in the vocabulary."""
    data: dict[str, Any] = jsonable(value)
    return data


# --- mapping ---------------------------------------------------------------------------------


def mapping_json(m: EmployeeMapping) -> dict[str, Any]:
    """One employee's mapping (``Mapping``): ``employee`` and ``agent`` persons."""
    agent = None
    if m.person is not None:
        agent = person(name=m.person.name, email=m.person.email, agent_id=m.person.agent_id)
    return {
        "employee": employee(m.employee),
        "status": m.status.value,
        "rule": m.rule.value if m.rule else None,
        "agent": agent,
        "reason": m.reason,
    }


def mapping_show_json(
    rows: Sequence[EmployeeMapping], refreshed_at: datetime | None
) -> dict[str, Any]:
    """Every employee's mapping with the tallies (``MappingShow``, `wfm mapping show`)."""
    mapped = sum(m.status.value == "mapped" for m in rows)
    return _json(envelope(
        [mapping_json(m) for m in rows], mapped=mapped, unmapped=len(rows) - mapped,
        cache_refreshed_at=refreshed_at,
    ))


def mapping_explain_json(explanation: MappingExplanation) -> dict[str, Any]:
    """Why an employee is (not) mapped (``MappingExplain``, `wfm mapping explain`)."""
    return _json({
        **mapping_json(explanation.outcome),
        "checks": [c.model_dump() for c in explanation.checks],
        "cache_refreshed_at": explanation.cache_refreshed_at,
    })


def mapping_refresh_json(tenant: str, when: datetime) -> dict[str, Any]:
    """When provider people were re-fetched (``MappingRefresh``, `wfm mapping refresh`)."""
    return _json({"tenant": tenant, "cache_refreshed_at": when})


# --- schedules, activity types, slots --------------------------------------------------------


def schedule_json(view: ScheduleView) -> dict[str, Any]:
    """A schedule view (``Schedule``, `wfm schedule --json`): ``employee`` persons, each
    with the zone of its dates, UTC times, each block's ``availability``, each date's
    ``off_duty`` (no available time, with shifts), the ``basis`` and ``partial``."""
    data: dict[str, Any] = jsonable(view)
    for shown, schedule in zip(data["employees"], view.employees, strict=True):
        shown["employee"] = employee(schedule.employee, agent_id=schedule.agent_id)
        shown["timezone"] = view.zone_of(schedule)
        del shown["agent_id"]
        for day_data, day in zip(shown["days"], schedule.days, strict=True):
            day_data["off_duty"] = view.shifts and not day.has_available()
    for item in data["unmapped"]:
        item["employee"] = employee(item["employee"])
    data["partial"] = bool(view.unmapped)
    return data


def teams_json(teams: Sequence[Team]) -> dict[str, Any]:
    """The provider's teams by name (``Teams``, `wfm teams`)."""
    return _json(envelope([{"id": t.id, "name": t.name} for t in teams]))


def activity_types_json(
    types: Sequence[ActivityType], refreshed_at: datetime | None
) -> dict[str, Any]:
    """The provider's activity types (``ActivityTypes``, `wfm activity-types`)."""
    return _json(envelope(types, cache_refreshed_at=refreshed_at))


def slots_json(result: SlotSearch, minutes: int) -> dict[str, Any]:
    """Ranked free slots in time order, with why each ranks there, the agent's zone, what
    availability was judged from, and the days without a slot (``Slots``, `wfm slots`)."""
    slots = [
        {"start": s.start, "end": s.end, "rank": s.rank, "reason": s.reason}
        for s in sorted(result.slots, key=lambda s: s.start)
    ]
    return _json(envelope(
        slots,
        agent=person(email=result.agent_email),
        timezone=result.timezone,
        minutes=minutes,
        basis=result.basis,
        staffing=result.staffing,
        days_without_slot={d.isoformat(): r for d, r in result.no_slot.items()},
    ))


# --- meetings --------------------------------------------------------------------------------


def meeting_json(meeting: Meeting) -> dict[str, Any]:
    """A meeting (``Meeting``): its ``agent`` person, UTC times."""
    data: dict[str, Any] = jsonable(meeting)
    data["agent"] = person(email=data.pop("agent_email"), agent_id=data.pop("agent_id"))
    return data


def meeting_out_json(meeting: Meeting, timezone: str) -> dict[str, Any]:
    """One meeting booked or cancelled (``MeetingOut``, `wfm meetings book|cancel`), with
    whose calendars hold it."""
    from wfm_bridge.core.meeting_rules import calendar_notes

    return {**meeting_json(meeting), "timezone": timezone, "notes": calendar_notes(meeting)}


def meetings_json(
    meetings: Sequence[tuple[Meeting, str | None]], timezone: str, verified: bool
) -> dict[str, Any]:
    """The tenant's meetings, each with what the provider holds of it when ``verified``
    (``Meetings``, `wfm meetings list [--verify]`)."""
    items = [
        {**meeting_json(m), "in_provider": None if presence is None else str(presence)}
        for m, presence in meetings
    ]
    return envelope(items, timezone=timezone, verified=verified)


def reconciled_json(settled: Sequence[Meeting], timezone: str, swept: int) -> dict[str, Any]:
    """Meetings settled and stray copies removed (``Reconciled``, `wfm meetings reconcile`)."""
    return envelope([meeting_json(m) for m in settled], timezone=timezone, swept=swept)


# --- export and auth -------------------------------------------------------------------------


def export_report_json(report: ExportReport) -> dict[str, Any]:
    """One export run or dry run (``Report``, `wfm export run`)."""
    return _json(agents(report.as_dict()))


def export_status_json(view: ExportStatus, next_run: datetime) -> dict[str, Any]:
    """Where a tenant's export stands and when it runs next (``Status``, `wfm export
    status`)."""
    return _json({**agents(view.as_dict()), "next_run": next_run})


def fleet_status_json(rows: Sequence[TenantSchedule]) -> dict[str, Any]:
    """Each tenant's last run, worker and next due time (``FleetStatus``, `wfm export status
    --all`)."""
    return envelope([_json(row.as_dict()) for row in rows])


def auth_status_json(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Stored keys, never a key (``KeyStatuses``, `wfm auth status`); each row is
    ``auth_cmd.status_row``'s."""
    return _json(envelope(rows))
