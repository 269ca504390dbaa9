"""Genesys Cloud's teams: the listing (``GET /api/v2/teams``) and each team's members
(``GET /api/v2/teams/{teamId}/members``), both cursor-paged (``after`` carried in
``nextUri``).

A user is a member of at most one team (the SDK's ``User.team``). Membership is read per team
rather than through ``GET /api/v2/users?expand=team``, which Genesys resolves "best effort,
not guaranteed". Cost of everyone's teams: one page walk for the teams, then one page walk
per team, ``concurrency`` of them in flight, every request waiting on the client's rate
limiter like any other. The cursor is taken out of ``nextUri`` and sent to the same path: a
URI from an answer is never followed as given (it could name another host, and the request
carries the bearer token).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import closing
from typing import Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

from pydantic import Field

from wfm_bridge.plugins.genesys.client import MAX_PAGES, GenesysClient
from wfm_bridge.plugins.genesys.wire import NonEmpty, Wire
from wfm_bridge.plugins.parallel import each_concurrently
from wfm_bridge.ports.errors import ProviderResponseError

TEAMS = "/api/v2/teams"
MAX_TEAM_PAGE = 100  # the page size the emulator allows (Genesys documents none)
T = TypeVar("T")


class TeamWire(Wire):
    """A ``Team`` of the listing."""

    id: NonEmpty
    name: str = ""


class Member(Wire):
    """A ``UserReferenceWithName`` of a team's members."""

    id: NonEmpty


class CursorPage(Wire, Generic[T]):
    """One page of a cursor-paged listing (``TeamEntityListing``,
    ``TeamMemberEntityListing``)."""

    entities: list[T] = Field(default_factory=list)
    next_uri: str | None = None


def next_cursor(next_uri: str | None, path: str) -> str | None:
    """The ``after`` cursor of a ``nextUri`` (None: the last page)."""
    if not next_uri:
        return None
    after = parse_qs(urlsplit(next_uri).query).get("after", [""])[0]
    if not after:
        raise ProviderResponseError(
            f"Genesys Cloud answered GET {path} with a nextUri without an after cursor "
            f"({next_uri!r}); report it"
        )
    return after


def cursor_pages(
    client: GenesysClient, item: type[T], path: str, page_size: int
) -> Iterator[list[T]]:
    """Every page of a cursor-paged listing, in order."""
    after: str | None = None
    for _ in range(MAX_PAGES):
        params: dict[str, str | int] = {"pageSize": page_size}
        if after is not None:
            params["after"] = after
        page: CursorPage[T] = client.get(CursorPage[item], path, params)  # type: ignore[valid-type]
        yield list(page.entities)
        after = next_cursor(page.next_uri, path)
        if after is None or not page.entities:
            return
    raise ProviderResponseError(
        f"Genesys Cloud kept answering GET {path} with more pages after {MAX_PAGES}; report it"
    )


class TeamReader:
    """The organisation's teams and who is in each, over one client."""

    def __init__(self, client: GenesysClient, *, page_size: int, concurrency: int) -> None:
        self._client = client
        self._page_size = max(1, min(page_size, MAX_TEAM_PAGE))
        self._concurrency = concurrency

    def teams(self) -> list[TeamWire]:
        """Every team, each once (by id, first one wins)."""
        found: dict[str, TeamWire] = {}
        for page in cursor_pages(self._client, TeamWire, TEAMS, self._page_size):
            for team in page:
                found.setdefault(team.id, team)
        return list(found.values())

    def members(self, team_id: str) -> list[str]:
        """The user ids of one team's members."""
        path = f"{TEAMS}/{team_id}/members"
        return [m.id for page in cursor_pages(self._client, Member, path, self._page_size)
                for m in page]  # fmt: skip

    def team_ids(self, teams: Sequence[TeamWire] | None = None) -> dict[str, list[str]]:
        """User id -> the ids of the teams they are in (``teams``: default every team)."""
        listed = self.teams() if teams is None else list(teams)

        def one(team: TeamWire) -> tuple[str, list[str]]:
            return team.id, self.members(team.id)

        of: dict[str, list[str]] = {}
        with closing(each_concurrently(listed, self._concurrency, one)) as answers:
            for team_id, users in answers:
                for user in users:
                    of.setdefault(user, []).append(team_id)
        order = {t.id: n for n, t in enumerate(listed)}  # stable whatever the answer order
        return {u: sorted(ids, key=order.__getitem__) for u, ids in of.items()}
