"""The emulator's HTTP face: Genesys Cloud's token endpoint and the API routes the plugin
uses (the Teams API's in teams.py), behind the gate (gate.py), plus the admin routes
(admin.py) and download links."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from wfm_bridge.plugins.genesys.emulator.admin import admin_routes
from wfm_bridge.plugins.genesys.emulator.emulator import Emulator
from wfm_bridge.plugins.genesys.emulator.gate import Gate
from wfm_bridge.plugins.genesys.emulator.paging import id_list, listing, page_params
from wfm_bridge.plugins.genesys.emulator.responses import (
    Rejected,
    error_response,
    json_body,
    json_response,
)
from wfm_bridge.plugins.genesys.emulator.teams import team_routes

WFM = "/api/v2/workforcemanagement"
METRICS = "/api/v2/employeeperformance/externalmetrics"


def _oauth_error(status: int, error: str, description: str) -> Response:
    body = {"error": error, "description": description, "error_description": description}
    return json_response(body, status)


def _basic(request: Request) -> tuple[str, str] | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(token, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() == "true"


def build_app(emu: Emulator) -> ASGIApp:
    """The emulator as an ASGI app."""
    state = emu.state

    async def token(request: Request) -> Response:
        form = parse_qs((await request.body()).decode("latin-1"))
        if form.get("grant_type") != ["client_credentials"]:
            return _oauth_error(
                400, "unsupported_grant_type", "grant_type must be client_credentials"
            )
        credentials = _basic(request)
        issued = emu.issue_token(*credentials) if credentials else None
        if issued is None:
            return _oauth_error(401, "invalid_client", "client not found or bad secret")
        lifetime = emu.config.token_lifetime
        return json_response(
            {"access_token": issued, "token_type": "bearer", "expires_in": lifetime}
        )

    async def users(request: Request) -> Response:
        query = request.query_params
        size, number = page_params(query, default_size=25, max_size=500)
        wanted = query.get("state", "active")
        states = {"active", "inactive", "deleted"} if wanted == "any" else {wanted}
        if not states <= {"active", "inactive", "deleted"}:
            raise Rejected(400, "state must be active, inactive, deleted or any")
        ids = id_list(query, "id") or None
        if ids is not None and len(ids) > 100:
            raise Rejected(400, "At most 100 ids may be requested")
        with state.lock:
            found = state.org.users_in(states, ids)
        if query.get("sortOrder", "ASC").upper() == "DESC":
            found.reverse()
        params = {"state": wanted} if "state" in query else {}
        return json_response(listing(found, size, number, "/api/v2/users", params))

    async def business_units(request: Request) -> Response:
        with state.lock:
            units = [
                {"id": b["id"], "name": b["name"], "authorized": True, "division": b["division"],
                 "selfUri": f"{WFM}/businessunits/{b['id']}"}
                for b in state.org.business_units.values()
            ]  # fmt: skip
        return json_response({"entities": units})

    async def business_unit(request: Request) -> Response:
        bu_id = request.path_params["bu"]
        with state.lock:
            bu = dict(state.org.business_unit(bu_id))
        if "settings" not in id_list(request.query_params, "expand"):
            bu.pop("settings", None)
        return json_response(bu)

    async def activity_codes(request: Request) -> Response:
        bu_id = request.path_params["bu"]
        with state.lock:
            state.org.business_unit(bu_id)
            codes = list(state.org.activity_codes[bu_id].values())
        return json_response({"entities": codes})

    async def management_units(request: Request) -> Response:
        with state.lock:
            units = state.org.units_of(request.path_params["bu"])
        return json_response(listing(units, max(1, len(units)), 1, request.url.path))

    async def mu_users(request: Request) -> Response:
        mu_id = request.path_params["mu"]
        with state.lock:
            state.org.management_unit(mu_id)
            members = state.org.members.get(mu_id, [])
            refs = [
                {"id": u, "name": state.org.users[u]["name"], "selfUri": f"/api/v2/users/{u}"}
                for u in members
                if u in state.org.users
            ]
        return json_response({"entities": refs})

    async def search(request: Request) -> Response:
        body = await json_body(request)
        answer = state.search(
            request.path_params["bu"],
            body,
            limits=emu.config.search,
            base_url=str(request.base_url).rstrip("/"),
            force_async=_flag(request, "forceAsync"),
            force_download=_flag(request, "forceDownloadService"),
            download_ttl=emu.config.download_ttl,
        )
        return Response(answer, media_type="application/json")

    async def download(request: Request) -> Response:
        return Response(state.download(request.path_params["token"]), media_type="application/json")

    async def appointments(request: Request) -> Response:
        if request.method == "POST":
            body = await json_body(request)
            with state.lock:
                return json_response(state.coaching.create(body, None), 201)
        query = request.query_params
        size, number = page_params(query, default_size=25, max_size=100)
        criteria = {
            "userIds": id_list(query, "userIds"),
            "interval": query.get("interval"),
            "intervalCondition": query.get("intervalCondition"),
            "facilitatorIds": id_list(query, "facilitatorIds"),
            "statuses": id_list(query, "statuses"),
            "relationships": id_list(query, "relationships"),
            "sortOrder": query.get("sortOrder"),
        }
        with state.lock:
            found = state.coaching.find(criteria)
        params = {k: v for k, v in query.items() if k not in ("pageSize", "pageNumber")}
        return json_response(listing(found, size, number, request.url.path, params))

    async def appointment(request: Request) -> Response:
        appointment_id = request.path_params["id"]
        with state.lock:
            if request.method == "DELETE":
                return json_response(state.coaching.delete(appointment_id))
            return json_response(state.coaching.get(appointment_id))

    async def definitions(request: Request) -> Response:
        if request.method == "POST":
            body = await json_body(request)
            with state.lock:
                return json_response(state.metrics.define(body))
        size, number = page_params(request.query_params, default_size=25, max_size=100)
        with state.lock:
            found = list(state.metrics.definitions.values())
        return json_response(listing(found, size, number, request.url.path))

    async def definition(request: Request) -> Response:
        with state.lock:
            found = state.metrics.definitions.get(request.path_params["id"])
        if found is None:
            raise Rejected(404, "External metric definition not found")
        return json_response(found)

    async def metric_data(request: Request) -> Response:
        body = await json_body(request)
        with state.lock:
            return json_response(state.metrics.write(body))

    async def rejected(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Rejected)
        return error_response(exc.status, exc.message, code=exc.code)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return error_response(exc.status_code, exc.detail or "error")

    routes = [
        Route("/oauth/token", token, methods=["POST"]),
        Route("/api/v2/users", users, methods=["GET"]),
        Route(f"{WFM}/businessunits", business_units, methods=["GET"]),
        Route(f"{WFM}/businessunits/{{bu}}", business_unit, methods=["GET"]),
        Route(f"{WFM}/businessunits/{{bu}}/activitycodes", activity_codes, methods=["GET"]),
        Route(f"{WFM}/businessunits/{{bu}}/managementunits", management_units, methods=["GET"]),
        Route(f"{WFM}/businessunits/{{bu}}/agentschedules/search", search, methods=["POST"]),
        Route(f"{WFM}/managementunits/{{mu}}/users", mu_users, methods=["GET"]),
        Route("/_downloads/{token}", download, methods=["GET"]),
        Route("/api/v2/coaching/appointments", appointments, methods=["GET", "POST"]),
        Route("/api/v2/coaching/appointments/{id}", appointment, methods=["GET", "DELETE"]),
        Route(f"{METRICS}/definitions", definitions, methods=["GET", "POST"]),
        Route(f"{METRICS}/definitions/{{id}}", definition, methods=["GET"]),
        Route(f"{METRICS}/data", metric_data, methods=["POST"]),
        *team_routes(emu),
        *admin_routes(emu),
    ]
    handlers = {Rejected: rejected, HTTPException: http_error}
    return Gate(Starlette(routes=routes, exception_handlers=handlers), emu)
