"""The JSON API: every use case of one tenant under ``/api/v1/tenants/{tenant}/...``.

Each route is a thin call to ``bridge.tenant(name)``'s use case, answered with exactly what
the CLI's ``--json`` prints: the same shaping function of ``host/shapes.py``, declared with the
same model of ``host/cli/schemas.py``, so the two faces cannot drift apart.
Routes are sync functions: FastAPI runs them on its worker threads, and the Bridge is
thread-safe. Answers skip FastAPI's re-validation (a 60-day view holds many thousand blocks);
the declared models document them, and the contract tests check every answer against them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse

from wfm_bridge.core.day_grid import is_agent_zone, parse_zone
from wfm_bridge.host import shapes
from wfm_bridge.host.cli import schemas as cli
from wfm_bridge.host.cli.vocabulary import jsonable
from wfm_bridge.host.http.access import api_caller, face, scoped_tenant
from wfm_bridge.host.http.auth_status import auth_status
from wfm_bridge.host.http.errors import TENANT_ROUTE_ERRORS, error_responses
from wfm_bridge.host.http.schemas import BookRequest, WhoAmI, parse_start
from wfm_bridge.host.http.tokens import TokenInfo
from wfm_bridge.host.tenant import Tenant
from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.models import MeetingStatus

PREFIX = "/api/v1/tenants/{tenant}"
TZ = Query(None, description="Viewer's IANA time zone (default: the server's, e.g. UTC).")
SCHEDULE_TZ = Query(
    None,
    description="Viewer's IANA time zone (default: the server's, e.g. UTC), or `agent`: each "
    "employee's dates and times in their own zone.",
)
SLOTS_TZ = Query(
    None,
    description="Viewer's IANA time zone, or `agent`; slots are always counted in the agent's "
    "own zone (this one only when the agent's is unknown; `agent` then means UTC).",
)
EMAIL = Query(..., description="The employee's email.", min_length=1, max_length=320)


def answer(value: Any, status: int = 200) -> JSONResponse:
    """``value`` (a ``shapes`` result: what the CLI's ``--json`` prints) as the answer."""
    return JSONResponse(jsonable(value), status_code=status)


def _tz(tenant: Tenant, tz: str | None, agent: bool = False) -> str:
    name = tz if tz is not None else tenant.settings.timezone
    if not (agent and is_agent_zone(name)):
        parse_zone(name)  # an unknown zone is refused before any provider call
    return name.strip()


def _zone_key(tenant: Tenant, tz: str | None) -> str:
    """The viewer's zone as the CLI names it in a meeting answer's ``timezone``."""
    return parse_zone(_tz(tenant, tz)).key


def build_router() -> APIRouter:
    """Every JSON route (whoami and the tenant-scoped use cases)."""
    api = APIRouter(responses=error_responses(*TENANT_ROUTE_ERRORS))
    tenant_dep = Depends(scoped_tenant)

    @api.get("/api/v1/whoami", response_model=WhoAmI, tags=["session"])
    def whoami(request: Request, caller: TokenInfo = Depends(api_caller)) -> WhoAmI:
        """The tenant the caller's token belongs to."""
        provider = face(request).bridge.settings.provider
        return WhoAmI(tenant=caller.tenant, token_id=caller.id, provider=provider)

    # --- mapping -----------------------------------------------------------------------

    @api.get(f"{PREFIX}/mapping", response_model=cli.MappingShow, tags=["mapping"])
    def mapping_show(tenant: Tenant = tenant_dep) -> JSONResponse:
        """Every host employee with its mapping: the rule that matched, or why not."""
        rows = tenant.mapping.map_all()
        return answer(shapes.mapping_show_json(rows, tenant.mapping.refreshed_at()))

    @api.get(f"{PREFIX}/mapping/explain", response_model=cli.MappingExplain, tags=["mapping"])
    def mapping_explain(email: str = EMAIL, tenant: Tenant = tenant_dep) -> JSONResponse:
        """Why is this employee (not) showing? Each rule's verdict and the cache's age."""
        return answer(shapes.mapping_explain_json(tenant.mapping.explain(email)))

    @api.post(f"{PREFIX}/mapping/refresh", response_model=cli.MappingRefresh, tags=["mapping"])
    def mapping_refresh(tenant: Tenant = tenant_dep) -> JSONResponse:
        """Re-fetch provider people now instead of waiting for the daily refresh."""
        when = tenant.mapping.refresh()
        return answer(shapes.mapping_refresh_json(tenant.name, when))

    # --- schedules, activity types, slots ------------------------------------------------

    @api.get(f"{PREFIX}/schedules", response_model=cli.Schedule, tags=["schedules"])
    def schedules(
        email: list[str] = Query(
            [], description="Employee emails or unique display names (or give `team`)."
        ),
        team: str | None = Query(
            None, description="Add the employees of this provider team (by name).",
            min_length=1, max_length=200,
        ),
        start: date | None = Query(
            None, description="First date (default: today in `tz`; for `agent`, the "
            "earliest of the employees' todays in their own zones)."
        ),
        days: int = Query(14, ge=7, le=60, description="7 to 60 days (7-14 recommended)."),
        tz: str | None = SCHEDULE_TZ,
        tenant: Tenant = tenant_dep,
    ) -> JSONResponse:
        """Employees' schedules, one entry per date, empty days present and empty, each
        block with its availability."""
        zone = _tz(tenant, tz, agent=True)
        wanted = tenant.resolve_people([e for e in email if e.strip()])
        if team is not None:
            wanted += tenant.teams.emails(team)
        if not wanted:
            raise InvalidInputError("give `email` (one or more) or `team`")
        first = start or tenant.schedules.first_day(wanted, zone, tenant.bridge.clock.now())
        return answer(shapes.schedule_json(tenant.schedules.view(wanted, first, days, zone)))

    @api.get(f"{PREFIX}/teams", response_model=cli.Teams, tags=["schedules"])
    def teams(tenant: Tenant = tenant_dep) -> JSONResponse:
        """The provider's teams (400 `not_supported` where the provider has none)."""
        return answer(shapes.teams_json(tenant.teams.teams()))

    def types_answer(tenant: Tenant) -> JSONResponse:
        catalog = tenant.activity_types
        types = list(catalog.all().values())
        return answer(shapes.activity_types_json(types, catalog.refreshed_at()))

    @api.get(f"{PREFIX}/activity-types", response_model=cli.ActivityTypes, tags=["schedules"])
    def activity_types(tenant: Tenant = tenant_dep) -> JSONResponse:
        """The provider's activity types (cached for 24 h)."""
        return types_answer(tenant)

    @api.post(
        f"{PREFIX}/activity-types/refresh", response_model=cli.ActivityTypes, tags=["schedules"]
    )
    def activity_types_refresh(tenant: Tenant = tenant_dep) -> JSONResponse:
        """Re-fetch the provider's activity types now."""
        tenant.activity_types.refresh()
        return types_answer(tenant)

    @api.get(f"{PREFIX}/slots", response_model=cli.Slots, tags=["meetings"])
    def slots(
        email: str = EMAIL,
        first: date | None = Query(
            None, alias="from",
            description="First date in the agent's zone (default: today in the agent's zone).",
        ),
        days: int = Query(5, ge=1, le=14, description="Number of days, 1 to 14."),
        minutes: int = Query(30, ge=1, le=24 * 60, description="Meeting length in minutes."),
        tz: str | None = SLOTS_TZ,
        tenant: Tenant = tenant_dep,
    ) -> JSONResponse:
        """Free start times for a 1:1 of ``minutes`` (working hours: WFM_WORK_HOURS)."""
        zone = _tz(tenant, tz, agent=True)
        (email,) = tenant.resolve_people([email])
        day = first or tenant.slots.first_day(email, zone)
        found = tenant.slots.search(email, day, days, minutes, zone)
        return answer(shapes.slots_json(found, minutes))

    # --- meetings ------------------------------------------------------------------------

    @api.get(f"{PREFIX}/meetings", response_model=cli.Meetings, tags=["meetings"])
    def meetings_list(
        status: MeetingStatus | None = Query(None, description="Only this status."),
        verify: bool = Query(
            False, description="Check booked meetings against the WFM system: one gone from "
            "it (e.g. cancelled by another installation) is marked `gone` and recorded here "
            "as cancelled."
        ),
        tz: str | None = TZ,
        tenant: Tenant = tenant_dep,
    ) -> JSONResponse:
        """The tenant's meetings booked here, with their status as this installation
        recorded it (`verify=true`: checked against the WFM system)."""
        zone = _zone_key(tenant, tz)
        listed = tenant.meetings.listed(status, verify)
        return answer(shapes.meetings_json(listed, zone, verify))

    @api.post(
        f"{PREFIX}/meetings", response_model=cli.MeetingOut, status_code=201, tags=["meetings"]
    )
    def meetings_book(
        booking: BookRequest = Body(...), tz: str | None = TZ, tenant: Tenant = tenant_dep
    ) -> JSONResponse:
        """Book a 1:1 (activity type `Meeting`, never deleting or trimming others)."""
        zone = _zone_key(tenant, tz)
        when = parse_start(booking.start, parse_zone(zone))
        meeting = tenant.meetings.book(
            booking.email, when, booking.minutes, booking.description, booking.facilitator,
            booking.key, booking.force,
        )
        return answer(shapes.meeting_out_json(meeting, zone), 201)

    @api.post(f"{PREFIX}/meetings/reconcile", response_model=cli.Reconciled, tags=["meetings"])
    def meetings_reconcile(tz: str | None = TZ, tenant: Tenant = tenant_dep) -> JSONResponse:
        """Settle meetings left pending by an unconfirmed provider write, and remove stray
        copies a late-landing write left of meetings that have not ended."""
        zone = _zone_key(tenant, tz)
        service = tenant.meetings
        done = service.reconcile()
        return answer(shapes.reconciled_json(done.settled, zone, len(done.swept)))

    @api.get(f"{PREFIX}/meetings/{{meeting_id}}", response_model=cli.MeetingOut,
             tags=["meetings"])
    def meetings_get(
        meeting_id: str, tz: str | None = TZ, tenant: Tenant = tenant_dep
    ) -> JSONResponse:
        """One meeting booked here (the shape `wfm meetings book|cancel --json` prints)."""
        zone = _zone_key(tenant, tz)
        return answer(shapes.meeting_out_json(tenant.meetings.get(meeting_id), zone))

    @api.delete(f"{PREFIX}/meetings/{{meeting_id}}", response_model=cli.MeetingOut,
                tags=["meetings"])
    def meetings_cancel(
        meeting_id: str,
        agent: str | None = Query(
            None, description="Its agent (email or unique display name), for a meeting "
            "another installation booked: "
            "it is then found in the agent's calendar by its reference.",
            min_length=1, max_length=320,
        ),
        on: date | None = Query(
            None, description="Its day in the agent's zone (with `agent`; default: the days "
            "around today)."
        ),
        tz: str | None = TZ,
        tenant: Tenant = tenant_dep,
    ) -> JSONResponse:
        """Cancel a meeting this product booked (exactly its activities, the facilitator's
        too), here or, given its `agent`, from another installation; safe to repeat."""
        zone = _zone_key(tenant, tz)
        who = tenant.resolve_people([agent])[0] if agent else None
        meeting = tenant.meetings.cancel(meeting_id, who, on)  # `wfm meetings cancel`
        return answer(shapes.meeting_out_json(meeting, zone))

    @api.patch(f"{PREFIX}/meetings/{{meeting_id}}", response_model=cli.MeetingOut,
               tags=["meetings"])
    def meetings_modify(meeting_id: str, tenant: Tenant = tenant_dep) -> JSONResponse:
        """Not supported, by design: cancel the meeting and book a new one."""
        tenant.meetings.modify(meeting_id)

    # --- export and auth -------------------------------------------------------------------

    @api.get(f"{PREFIX}/export/status", response_model=cli.Status, tags=["export"])
    def export_status(tenant: Tenant = tenant_dep) -> JSONResponse:
        """Last successful run, checkpoint, backlog, unmapped scores, the last error and
        when the worker runs next."""
        from wfm_bridge.core.export_worker import next_run_after

        view = tenant.export_status()
        next_run = next_run_after(tenant.bridge.clock.now())
        return answer(shapes.export_status_json(view, next_run))

    @api.post(f"{PREFIX}/export/dry-run", response_model=cli.Report, tags=["export"])
    def export_dry_run(
        batch_size: int = Query(500, ge=1, le=10_000, description="Scores per request."),
        tenant: Tenant = tenant_dep,
    ) -> JSONResponse:
        """What the next export would send; sends nothing, moves no checkpoint."""
        from wfm_bridge.core.export import ExportPolicy

        report = tenant.export(policy=ExportPolicy(batch_size=batch_size)).run(dry_run=True)
        return answer(shapes.export_report_json(report))

    @api.get(f"{PREFIX}/auth/status", response_model=cli.KeyStatuses, tags=["auth"])
    def auth(tenant: Tenant = tenant_dep) -> JSONResponse:
        """The tenant's key fingerprint, last validation and `Meeting` check; never a key."""
        return answer(shapes.auth_status_json([auth_status(tenant)]))  # `wfm auth status`

    return api

