"""The pages: sign in with a tenant token, Calendar, My 1-to-1s (book and cancel by clicking).

Signing in puts the token in an HttpOnly, SameSite=Strict cookie; every page checks it again
(a revoked token signs the page out). Every form that changes something carries the
caller's CSRF token; the sign-in form, which has no caller yet, a double-submit cookie.
Refusals (not mapped, no `Meeting` type, in the past...) are shown on the page with the
use case's own message and the status its category implies.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import date
from html import escape
from urllib.parse import parse_qs, quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from wfm_bridge.core.day_grid import parse_date, parse_zone, today_in
from wfm_bridge.core.meeting_verify import Presence
from wfm_bridge.host.http.access import SESSION_COOKIE, Face, face, page_caller
from wfm_bridge.host.http.calendar_page import CalendarQuery, calendar_body, calendar_form
from wfm_bridge.host.http.errors import ForbiddenError, status_for
from wfm_bridge.host.http.face_script import FACE_JS
from wfm_bridge.host.http.one_to_ones import DAYS, OneToOnes, agent_form, one_to_ones_body
from wfm_bridge.host.http.one_to_ones import with_slots as add_slots
from wfm_bridge.host.http.page_shell import SCRIPT_PATH, message, nav, page
from wfm_bridge.host.http.schemas import parse_start
from wfm_bridge.host.http.tokens import TokenInfo
from wfm_bridge.host.tenant import Tenant
from wfm_bridge.ports.errors import InvalidInputError, WfmError
from wfm_bridge.ports.models import Meeting, MeetingStatus
from wfm_bridge.ports.provider import Capability

LOGIN_COOKIE = "wfm_login"
MAX_FORM_BYTES = 16_384
DEFAULT_MINUTES = 30


async def _form(request: Request) -> dict[str, list[str]]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise InvalidInputError("the form is too large; shorten the description")
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=50)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidInputError("the form could not be read; reload the page") from exc


def _one(form: dict[str, list[str]], name: str, default: str = "") -> str:
    values = form.get(name)
    return values[0] if values else default


def _int(text: str | None, default: int, what: str) -> int:
    if text is None or not text.strip():
        return default
    try:
        return int(text)
    except ValueError:
        raise InvalidInputError(f"{what} must be a whole number, not {text!r}") from None


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status)


def _to_login(request: Request) -> RedirectResponse:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(here, safe='')}", status_code=303)


def _safe_next(target: str) -> str:
    """Only a path of this site (never //host or a scheme: no open redirect)."""
    ok = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if ok else "/calendar"


def build_pages() -> APIRouter:
    """The page routes (not part of the OpenAPI document)."""
    pages = APIRouter(include_in_schema=False)

    @pages.get("/")
    def home() -> RedirectResponse:
        return RedirectResponse("/calendar", status_code=303)

    @pages.get(SCRIPT_PATH)
    def script() -> Response:
        return Response(FACE_JS, media_type="text/javascript")

    @pages.get("/login")
    def login_page(request: Request, next: str = "/calendar") -> HTMLResponse:
        return _login(request, _safe_next(next), None, 200)

    @pages.post("/login")
    async def login(request: Request) -> Response:
        form = await _form(request)
        target = _safe_next(_one(form, "next", "/calendar"))
        cookie = request.cookies.get(LOGIN_COOKIE, "")
        if not cookie or not hmac.compare_digest(cookie, _one(form, "login_csrf")):
            return _login(request, target, "This sign-in form has expired; try again.", 403)
        try:
            face(request).tokens.verify(_one(form, "token"))
        except WfmError as exc:
            return _login(request, target, exc.message, status_for(exc))
        done = RedirectResponse(target, status_code=303)
        done.set_cookie(
            SESSION_COOKIE, _one(form, "token").strip(), httponly=True, samesite="strict",
            secure=_secure(request), path="/",
        )
        done.delete_cookie(LOGIN_COOKIE, path="/login")
        return done

    @pages.post("/logout")
    async def logout(request: Request) -> Response:
        caller = page_caller(request)
        if caller is not None:
            face(request).check_csrf(caller, _one(await _form(request), "csrf"))
        done = RedirectResponse("/login", status_code=303)
        done.delete_cookie(SESSION_COOKIE, path="/")
        return done

    @pages.get("/calendar")
    def calendar(request: Request) -> Response:
        caller = page_caller(request)
        if caller is None:
            return _to_login(request)
        return _calendar(request, face(request), caller)

    @pages.get("/one-to-ones")
    def one_to_ones(request: Request) -> Response:
        caller = page_caller(request)
        if caller is None:
            return _to_login(request)
        args = request.query_params
        return _one_to_ones(
            face(request), caller, args.get("agent", ""), args.get("minutes"),
            notice=_notice(face(request), caller, args.get("done"), args.get("meeting")),
        )

    @pages.post("/one-to-ones/book")
    async def book(request: Request) -> Response:
        return await _write(request, "book")

    @pages.post("/one-to-ones/cancel")
    async def cancel(request: Request) -> Response:
        return await _write(request, "cancel")

    return pages


def _secure(request: Request) -> bool:
    """Whether cookies get ``Secure``: the request came over HTTPS (directly or via a proxy)."""
    return request.url.scheme == "https"


def _login(request: Request, target: str, refusal: str | None, status: int) -> HTMLResponse:
    nonce = secrets.token_urlsafe(24)
    body = (
        '<h1>Sign in to wfm-bridge</h1>'
        f'{message("refusal", refusal)}'
        '<form class="wfm-form" method="post" action="/login" id="login-form">'
        f'<input type="hidden" name="next" value="{escape(target)}">'
        f'<input type="hidden" name="login_csrf" value="{nonce}">'
        '<label>Tenant token<input type="password" name="token" autocomplete="off" required '
        'placeholder="wfmt_..."></label><button type="submit">Sign in</button></form>'
        '<p class="hint">An administrator creates a token with '
        "<code>wfm serve token create --tenant T</code>.</p>"
    )
    response = _html(page("Sign in", body), status)
    response.set_cookie(
        LOGIN_COOKIE, nonce, httponly=True, samesite="strict", path="/login",
        secure=_secure(request),
    )
    return response


def _calendar(request: Request, f: Face, caller: TokenInfo) -> HTMLResponse:
    tenant = f.bridge.tenant(caller.tenant)
    tz = tenant.settings.timezone
    args = request.query_params
    chosen = list(dict.fromkeys(e.strip() for e in args.getlist("email") if e.strip()))
    team = args.get("team", "").strip()
    refusal, view, status = None, None, 200
    today = today_in(f.bridge.clock, parse_zone(tz))
    start: date | None = None
    days = 14
    teams: list[str] = []
    try:
        if tenant.supports(Capability.TEAMS):
            teams = [t.name for t in tenant.teams.teams()]
        start = parse_date(args["start"], "the first date") if args.get("start") else None
        days = _int(args.get("days"), 14, "days")
        if (chosen or team) and not args.get("find"):
            wanted = chosen + (tenant.teams.emails(team) if team else [])
            view = tenant.schedules.view(wanted, start or today, days, tz)
    except WfmError as exc:
        refusal, status = exc.message, status_for(exc)
    query = CalendarQuery(chosen, args.get("q", ""), start, days, team=team)
    employees = f.bridge.directory.list_employees()
    form = calendar_form(employees, query, today, teams)
    css, body = calendar_body(form, view, refusal)
    head = nav("/calendar", caller.tenant, f.csrf_token(caller))
    return _html(page("Calendar", head + body, extra_css=css), status)


def _one_to_ones(
    f: Face,
    caller: TokenInfo,
    agent: str,
    minutes_text: str | None,
    *,
    notice: str | None = None,
    refusal: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    tenant = f.bridge.tenant(caller.tenant)
    tz = tenant.settings.timezone
    agent = agent.strip()
    view, minutes = None, DEFAULT_MINUTES
    booked: list[Meeting] = []
    try:
        minutes = _int(minutes_text, DEFAULT_MINUTES, "the length")
        if agent:
            today = today_in(f.bridge.clock, parse_zone(tz))
            view = tenant.schedules.view([agent], today, DAYS, tz)
            booked, gone = _still_booked(tenant, agent)
            if gone:
                notice = " ".join(filter(None, [notice, (
                    f"{gone} 1:1(s) booked here for {agent} are no longer in the WFM system "
                    "(cancelled elsewhere): recorded as cancelled here."
                )]))
            # an unmapped agent: the calendar says so, and the slot finder's refusal says why
            view = add_slots(view, tenant.slots.find(agent, today, DAYS, minutes, tz), minutes)
    except WfmError as exc:
        if refusal is None:
            refusal, status = exc.message, status_for(exc)
    content = OneToOnes(
        agent, minutes, tz, view, booked, f.csrf_token(caller), secrets.token_hex(12)
    )
    css, body = one_to_ones_body(content)
    head = nav("/one-to-ones", caller.tenant, f.csrf_token(caller))
    employees = f.bridge.directory.list_employees()
    shown = head + agent_form(employees, agent, minutes) + message("notice", notice)
    shown += message("refusal", refusal) + body
    return _html(page("My 1-to-1s", shown, extra_css=css, script=True), status)


def _still_booked(tenant: Tenant, agent: str) -> tuple[list[Meeting], int]:
    """The agent's meetings booked here that the WFM system still holds, and how many it no
    longer shows over their time (cancelled elsewhere, or moved; the record is unchanged)."""
    wanted = agent.casefold()
    mine = [
        m for m in tenant.meetings.list_meetings(MeetingStatus.BOOKED)
        if m.agent_email.casefold() == wanted
    ]
    checked = tenant.meetings.verify(mine)
    gone = sum(1 for _, presence in checked if presence is Presence.GONE)
    return [m for m, presence in checked if presence is not Presence.GONE], gone


def _notice(f: Face, caller: TokenInfo, done: str | None, meeting_id: str | None) -> str | None:
    if done not in ("booked", "cancelled") or not meeting_id:
        return None
    try:
        meeting = f.bridge.tenant(caller.tenant).meetings.get(meeting_id)
    except WfmError:
        return None
    zone = parse_zone(f.bridge.tenant(caller.tenant).settings.timezone)
    when = meeting.start.astimezone(zone).strftime("%a %d %b %Y %H:%M")
    if done == "booked":
        return f"Booked: {meeting.title} with {meeting.agent_email} on {when} ({zone.key})."
    return f"Cancelled the 1:1 with {meeting.agent_email} on {when}."


async def _write(request: Request, action: str) -> Response:
    f = face(request)
    caller = page_caller(request)
    if caller is None:
        return RedirectResponse("/login?next=/one-to-ones", status_code=303)
    form = await _form(request)
    agent, minutes = _one(form, "agent").strip(), _one(form, "minutes")
    try:
        f.check_csrf(caller, _one(form, "csrf"))
    except ForbiddenError as exc:
        return _one_to_ones(f, caller, agent, minutes, refusal=exc.message, status=403)
    tenant = f.bridge.tenant(caller.tenant)
    try:
        if action == "book":
            zone = parse_zone(tenant.settings.timezone)
            meeting = tenant.meetings.book(
                agent, parse_start(_one(form, "start"), zone),
                _int(minutes, DEFAULT_MINUTES, "the length"), _one(form, "description"),
                None, _one(form, "key") or None,
            )
            done = "booked"
        else:
            on = _day_of(tenant, agent, _one(form, "at"))
            meeting = tenant.meetings.cancel(_one(form, "meeting_id"), agent or None, on)
            done = "cancelled"
    except WfmError as exc:
        return _one_to_ones(
            f, caller, agent, minutes, refusal=exc.message, status=status_for(exc)
        )
    query = urlencode({"agent": agent, "minutes": minutes, "done": done, "meeting": meeting.id})
    return RedirectResponse(f"/one-to-ones?{query}", status_code=303)


def _day_of(tenant: Tenant, agent: str, at: str) -> date | None:
    """The date, in the agent's own zone, of a clicked 1:1's start (None when not given):
    the day `wfm meetings cancel --on` names, where a 1:1 another installation booked is
    looked up."""
    if not at.strip() or not agent:
        return None
    when = parse_start(at, parse_zone("UTC"))
    zone = parse_zone(tenant.slots.zone_of(agent, tenant.settings.timezone))
    return when.astimezone(zone).date()
