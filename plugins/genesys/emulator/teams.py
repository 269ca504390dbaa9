"""Genesys Cloud's Teams API as the emulator serves it: ``GET /api/v2/teams`` (the listing,
``name`` a case-insensitive prefix), ``GET /api/v2/teams/{teamId}`` and ``GET /api/v2/teams/
{teamId}/members``, in the SDK's shapes (``TeamEntityListing`` of ``Team``,
``TeamMemberEntityListing`` of ``UserReferenceWithName``).

Both listings are cursor-paged as Genesys pages them: ``pageSize`` (1 to 100, default 25; the
bound is assumed, the SDK does not state one), ``after``/``before`` opaque cursors, and a
``nextUri``/``previousUri`` carrying them; there is no ``total`` or ``pageNumber``. A user is
a member of at most one team (the SDK's ``User.team`` is one team): adding them to another
moves them. Members are the users of the organisation (any state); a member's ``name`` is
sent only when ``expand`` asks for it, as the SDK's parameter describes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wfm_bridge.plugins.genesys.emulator.directory import DIVISION, Org
from wfm_bridge.plugins.genesys.emulator.ledger import WireDict
from wfm_bridge.plugins.genesys.emulator.responses import Rejected, json_response

if TYPE_CHECKING:
    from wfm_bridge.plugins.genesys.emulator.emulator import Emulator

TEAMS = "/api/v2/teams"
DEFAULT_PAGE = 25
MAX_PAGE = 100
_STAMP = "2024-01-01T00:00:00.000Z"


def team_wire(team_id: str, name: str, description: str = "") -> WireDict:
    """A ``Team`` as stored (``memberCount`` is filled in when served)."""
    wire: WireDict = {
        "id": team_id,
        "name": name,
        "division": {**DIVISION, "selfUri": f"/api/v2/authorization/divisions/{DIVISION['id']}"},
        "dateCreated": _STAMP,
        "dateModified": _STAMP,
        "selfUri": f"{TEAMS}/{team_id}",
    }
    if description:
        wire["description"] = description
    return wire


class Teams:
    """The organisation's teams and who is in each. Not locked by itself: ``GenesysState``
    holds the one lock."""

    def __init__(self, org: Org) -> None:
        self._org = org
        self.teams: dict[str, WireDict] = {}
        self._team_of: dict[str, str] = {}  # user id -> team id

    # --- loading ---------------------------------------------------------------------

    def add_team(self, team: WireDict, member_ids: Iterable[str] = ()) -> None:
        """Add or replace a team (see ``team_wire``) and add these members to it."""
        self.teams[team["id"]] = dict(team)
        self.add_members(team["id"], member_ids)

    def add_members(self, team_id: str, user_ids: Iterable[str]) -> None:
        """Make these users members of the team (moving them out of any other); the team
        may be added after its members."""
        for user_id in user_ids:
            self._team_of.pop(user_id, None)  # re-added: last in the team's order
            self._team_of[user_id] = team_id

    def clear(self) -> None:
        """Forget every team and membership."""
        self.teams.clear()
        self._team_of.clear()

    # --- reads -----------------------------------------------------------------------

    def team(self, team_id: str) -> WireDict:
        """The team with its ``memberCount``; 404 when unknown."""
        team = self.teams.get(team_id)
        if team is None:
            raise Rejected(404, f"Team {team_id} not found", code="not.found")
        return {**team, "memberCount": len(self.member_ids(team_id))}

    def listed(self, prefix: str | None) -> list[WireDict]:
        """Every team (by name, then id), optionally those whose name starts with
        ``prefix`` (case ignored)."""
        wanted = (prefix or "").casefold()
        found = [
            self.team(t)
            for t, wire in self.teams.items()
            if wire["name"].casefold().startswith(wanted)
        ]
        return sorted(found, key=lambda t: (t["name"].casefold(), t["id"]))

    def member_ids(self, team_id: str) -> list[str]:
        """The team's members that are users of the organisation, in the order added."""
        return [u for u, t in self._team_of.items() if t == team_id and u in self._org.users]

    def members(self, team_id: str, with_names: bool) -> list[WireDict]:
        """The team's members as ``UserReferenceWithName``; 404 for an unknown team."""
        self.team(team_id)
        out = []
        for user_id in self.member_ids(team_id):
            ref: WireDict = {"id": user_id, "selfUri": f"/api/v2/users/{user_id}"}
            if with_names:
                ref["name"] = self._org.users[user_id]["name"]
            out.append(ref)
        return out


# --- cursor paging ---------------------------------------------------------------------


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _offset(cursor: str, total: int) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, number = raw.partition(":")
        offset = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        offset = -1
        kind = ""
    if kind != "offset" or not 0 <= offset <= total:
        raise Rejected(400, f"The cursor {cursor!r} is not valid", code="bad.request")
    return offset


def cursor_listing(
    items: Sequence[Any], query: Mapping[str, str], path: str, keep: Mapping[str, str]
) -> WireDict:
    """One page of ``items`` as a cursor-paged entity listing (``after``/``before``)."""
    raw = query.get("pageSize") or str(DEFAULT_PAGE)
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise Rejected(400, f"pageSize must be between 1 and {MAX_PAGE}", code="bad.request")
    size = int(raw)
    after, before = query.get("after"), query.get("before")
    if after and before:
        raise Rejected(400, "Give after or before, not both", code="bad.request")
    if before:
        end = _offset(before, len(items))
        start = max(0, end - size)
    else:
        start = _offset(after, len(items)) if after else 0
        end = min(len(items), start + size)

    def uri(**cursor: str) -> str:
        return path + "?" + urlencode({**keep, "pageSize": size, **cursor})

    body: WireDict = {"entities": list(items[start:end]), "selfUri": uri()}
    if after or before:
        body["selfUri"] = uri(**({"after": after} if after else {"before": before or ""}))
    if end < len(items):
        body["nextUri"] = uri(after=_cursor(end))
    if start > 0:
        body["previousUri"] = uri(before=_cursor(start))
    return body


# --- routes ----------------------------------------------------------------------------


def team_routes(emu: Emulator) -> list[Route]:
    """The Teams API routes (the app puts them behind the gate with the others)."""
    state = emu.state

    def kept(query: Mapping[str, str], *names: str) -> dict[str, str]:
        return {n: query[n] for n in names if query.get(n)}

    async def teams(request: Request) -> Response:
        query = request.query_params
        with state.lock:
            found = state.teams.listed(query.get("name"))
        keep = kept(query, "name", "expand")
        return json_response(cursor_listing(found, query, TEAMS, keep))

    async def team(request: Request) -> Response:
        with state.lock:
            return json_response(state.teams.team(request.path_params["team"]))

    async def members(request: Request) -> Response:
        query = request.query_params
        team_id = request.path_params["team"]
        with state.lock:
            found = state.teams.members(team_id, with_names=bool(query.get("expand")))
        path = f"{TEAMS}/{team_id}/members"
        return json_response(cursor_listing(found, query, path, kept(query, "expand")))

    return [
        Route(TEAMS, teams, methods=["GET"]),
        Route(f"{TEAMS}/{{team}}", team, methods=["GET"]),
        Route(f"{TEAMS}/{{team}}/members", members, methods=["GET"]),
    ]
