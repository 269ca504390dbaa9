"""The JSON API: every use case of one tenant under ``/api/v1/tenants/{tenant}/...``.

Each route is a thin call to ``bridge.tenant(name)``'s use case, answered with exactly what
the CLI's ``--json`` prints (the same ``to_jsonable``), so the two faces cannot drift apart.
Routes are sync functions: FastAPI runs them on its worker threads, and the Bridge is
thread-safe. Answers skip FastAPI's re-validation (a 60-day view holds many thousand blocks);
the declared models document them, and the contract tests check every answer against them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse

from wfm_bridge.core.day_grid import parse_zone, today_in
from wfm_bridge.host.cli.runtime import to_jsonable
from wfm_bridge.host.http.access import api_caller, face, scoped_tenant
from wfm_bridge.host.http.auth_status import auth_status
from wfm_bridge.host.http.errors import TENANT_ROUTE_ERRORS, error_responses
from wfm_bridge.host.http.schemas import (
    AuthStatusRow,
    BookRequest,
    JsonObject,
    RefreshAnswer,
    SlotsAnswer,
    WhoAmI,
    parse_start,
)
from wfm_bridge.host.http.tokens import TokenInfo
from wfm_bridge.host.tenant import Tenant
from wfm_bridge.ports.models import (
    ActivityType,
    EmployeeMapping,
    MappingExplanation,
    Meeting,
    MeetingStatus,
    ScheduleView,
)

PREFIX = "/api/v1/tenants/{tenant}"
TZ = Query(None, description="Viewer's IANA time zone (default: the server's, e.g. UTC).")
EMAIL = Query(..., description="The employee's email.", min_length=1, max_length=320)


def answer(value: Any, status: int = 200) -> JSONResponse:
    """``value`` as the CLI's ``--json`` would print it."""
    return JSONResponse(to_jsonable(value), status_code=status)


def _tz(tenant: Tenant, tz: str | None) -> str:
    name = tz if tz is not None else tenant.settings.timezone
    parse_zone(name)  # an unknown zone is refused before any provider call
    return name.strip()


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

    @api.get(f"{PREFIX}/mapping", response_model=list[EmployeeMapping], tags=["mapping"])
    def mapping_show(tenant: Tenant = tenant_dep) -> JSONResponse:
        """Every host employee with its mapping: the rule that matched, or why not."""
        return answer(tenant.mapping.map_all())

    @api.get(f"{PREFIX}/mapping/explain", response_model=MappingExplanation, tags=["mapping"])
    def mapping_explain(email: str = EMAIL, tenant: Tenant = tenant_dep) -> JSONResponse:
        """Why is this employee (not) showing? Each rule's verdict and the cache's age."""
        return answer(tenant.mapping.explain(email))

    @api.post(f"{PREFIX}/mapping/refresh", response_model=RefreshAnswer, tags=["mapping"])
    def mapping_refresh(tenant: Tenant = tenant_dep) -> JSONResponse:
        """Re-fetch provider people now instead of waiting for the daily refresh."""
        when = tenant.mapping.refresh()
        return answer(RefreshAnswer(tenant=tenant.name, refreshed_at=when))

    # --- schedules, activity types, slots ------------------------------------------------

    @api.get(f"{PREFIX}/schedules", response_model=ScheduleView, tags=["schedules"])
    def schedules(
        email: list[str] = Query(..., description="One or more employee emails.", min_length=1),
        start: date | None = Query(None, description="First date (default: today in `tz`)."),
        days: int = Query(14, ge=7, le=60, description="7 to 60 days (7-14 recommended)."),
        tz: str | None = TZ,
        tenant: Tenant = tenant_dep,
    ) -> JSONResponse:
        """Employees' schedules, one entry per date, empty days present and empty."""
        zone = _tz(tenant, tz)
        first = start or today_in(tenant.bridge.clock, parse_zone(zone))
        return answer(tenant.schedules.view(email, first, days, zone))

    @api.get(f"{PREFIX}/activity-types", response_model=list[ActivityType], tags=["schedules"])
    def activity_types(tenant: Tenant = tenant_dep) -> JSONResponse:
        """The provider's activity types (cached for 24 h)."""
        return answer(list(tenant.activity_types.all().values()))

    @api.post(
        f"{PREFIX}/activity-types/refresh", response_model=list[ActivityType], tags=["schedules"]
    )
    def activity_types_refresh(tenant: Tenant = tenant_dep) -> JSONResponse:
        """Re-fetch the provider's activity types now."""
        tenant.activity_types.refresh()
        return answer(list(tenant.activity_types.all().values()))

    @api.get(f"{PREFIX}/slots", response_model=SlotsAnswer, tags=["meetings"])
    def slots(
        email: str = EMAIL,
        first: date | None = Query(None, alias="from", description="First date (default today)."),
        days: int = Query(5, ge=1, le=14, description="Number of days, 1 to 14."),
        minutes: int = Query(30, ge=1, le=24 * 60, description="Meeting length in minutes."),
        tz: str | None = TZ,
        tenant: Tenant = tenant_dep,
    ) -> JSONResponse:
        """Free start times for a 1:1 of ``minutes`` (working hours: WFM_WORK_HOURS)."""
        zone = _tz(tenant, tz)
        day = first or today_in(tenant.bridge.clock, parse_zone(zone))
        found = tenant.slots.find(email, day, days, minutes, zone)
        length = timedelta(minutes=minutes)
        return answer(
            {
                "agent": email.strip(),
                "timezone": zone,
                "minutes": minutes,
                "slots": [{"start": s.isoformat(), "end": (s + length).isoformat()} for s in found],
            }
        )

    # --- meetings ------------------------------------------------------------------------

    @api.get(f"{PREFIX}/meetings", response_model=list[Meeting], tags=["meetings"])
    def meetings_list(
        status: MeetingStatus | None = Query(None, description="Only this status."),
        tenant: Tenant = tenant_dep,
    ) -> JSONResponse:
        """The tenant's meetings booked here, with their status."""
        return answer(tenant.meetings.list_meetings(status))

    @api.post(f"{PREFIX}/meetings", response_model=Meeting, status_code=201, tags=["meetings"])
    def meetings_book(
        booking: BookRequest = Body(...), tz: str | None = TZ, tenant: Tenant = tenant_dep
    ) -> JSONResponse:
        """Book a 1:1 (activity type `Meeting`, never deleting or trimming others)."""
        when = parse_start(booking.start, parse_zone(_tz(tenant, tz)))
        meeting = tenant.meetings.book(
            booking.email, when, booking.minutes, booking.description, booking.facilitator,
            booking.key,
        )
        return answer(meeting, 201)

    @api.post(f"{PREFIX}/meetings/reconcile", response_model=list[Meeting], tags=["meetings"])
    def meetings_reconcile(tenant: Tenant = tenant_dep) -> JSONResponse:
        """Settle meetings left pending by an unconfirmed provider write."""
        return answer(tenant.meetings.reconcile())

    @api.get(f"{PREFIX}/meetings/{{meeting_id}}", response_model=Meeting, tags=["meetings"])
    def meetings_get(meeting_id: str, tenant: Tenant = tenant_dep) -> JSONResponse:
        """One meeting booked here."""
        return answer(tenant.meetings.get(meeting_id))

    @api.delete(f"{PREFIX}/meetings/{{meeting_id}}", response_model=Meeting, tags=["meetings"])
    def meetings_cancel(meeting_id: str, tenant: Tenant = tenant_dep) -> JSONResponse:
        """Cancel a meeting booked here (deletes exactly its one activity); safe to repeat."""
        return answer(tenant.meetings.cancel(meeting_id))

    @api.patch(f"{PREFIX}/meetings/{{meeting_id}}", response_model=Meeting, tags=["meetings"])
    def meetings_modify(meeting_id: str, tenant: Tenant = tenant_dep) -> JSONResponse:
        """Not supported, by design: cancel the meeting and book a new one."""
        tenant.meetings.modify(meeting_id)

    # --- export and auth -------------------------------------------------------------------

    @api.get(f"{PREFIX}/export/status", response_model=JsonObject, tags=["export"])
    def export_status(tenant: Tenant = tenant_dep) -> JSONResponse:
        """Last successful run, checkpoint, backlog, unmapped scores and the last error."""
        return answer(tenant.export_status().as_dict())

    @api.post(f"{PREFIX}/export/dry-run", response_model=JsonObject, tags=["export"])
    def export_dry_run(
        batch_size: int = Query(500, ge=1, le=10_000, description="Scores per request."),
        tenant: Tenant = tenant_dep,
    ) -> JSONResponse:
        """What the next export would send; sends nothing, moves no checkpoint."""
        from wfm_bridge.core.export import ExportPolicy

        report = tenant.export(policy=ExportPolicy(batch_size=batch_size)).run(dry_run=True)
        return answer(report.as_dict())

    @api.get(f"{PREFIX}/auth/status", response_model=list[AuthStatusRow], tags=["auth"])
    def auth(tenant: Tenant = tenant_dep) -> JSONResponse:
        """The tenant's key fingerprint, last validation and `Meeting` check; never a key."""
        return answer([auth_status(tenant)])  # a list of one row, as `wfm auth status --json`

    return api

