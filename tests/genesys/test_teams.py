"""Genesys Cloud's Teams API: the official SDK judges the emulator's answers (``TeamsApi``
into ``TeamEntityListing`` / ``Team`` / ``TeamMemberEntityListing``), the provider's own
requests are replayed through the SDK and must get the same answers, and the provider reads
the demo organisation's teams and everyone's team at the planned cost."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import PureCloudPlatformClientV2 as genesys
import pytest
from PureCloudPlatformClientV2.rest import ApiException
from pydantic import SecretStr

from wfm_bridge.plugins.emulation.faults import Fault
from wfm_bridge.plugins.genesys.config import GenesysConfig
from wfm_bridge.plugins.genesys.emulator.emulator import Emulator
from wfm_bridge.plugins.genesys.emulator.server import EmulatorServer
from wfm_bridge.plugins.genesys.provider import GenesysProvider
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.demo import TEAMS, agent_id_for, demo_people, team_id_for
from wfm_bridge.ports.errors import AuthError

from .support import CLIENT_ID, CLIENT_SECRET, Spy, api, judge, running, sdk_client

NAMES = sorted(t.name for t in TEAMS)
RETENTION = team_id_for("Retention")


@pytest.fixture(scope="module")
def emu() -> Iterator[tuple[Emulator, EmulatorServer, Any]]:
    with running() as (emulator, server):
        yield emulator, server, sdk_client(server)


@pytest.fixture
def teams_api(emu: tuple[Emulator, EmulatorServer, Any]) -> Any:
    return genesys.TeamsApi(emu[2])


def _after(next_uri: str | None) -> str | None:
    if next_uri is None:
        return None
    (after,) = parse_qs(urlsplit(next_uri).query)["after"]
    return after


def _provider(server: EmulatorServer, spy: Spy | None = None, **options: str) -> GenesysProvider:
    config = GenesysConfig.from_options({"base_url": server.base_url, **options})
    return GenesysProvider(
        config, SecretStr(CLIENT_ID), SecretStr(CLIENT_SECRET), InMemoryClock(), transport=spy
    )


def test_the_sdk_pages_the_teams_by_cursor(teams_api: Any) -> None:
    seen: list[Any] = []
    kwargs: dict[str, Any] = {"page_size": 2}
    while True:
        page = teams_api.get_teams(**kwargs)
        assert isinstance(page, genesys.TeamEntityListing)
        assert len(page.entities) <= 2 and page.self_uri.startswith("/api/v2/teams?")
        assert (page.previous_uri is None) == (not seen)
        seen.extend(page.entities)
        after = _after(page.next_uri)
        if after is None:
            break
        kwargs["after"] = after
    assert [t.name for t in seen] == NAMES
    for team in seen:
        assert isinstance(team, genesys.Team)
        assert team.id == team_id_for(team.name) and team.member_count == 8
        assert team.division.id and team.date_created is not None
        assert team.self_uri == f"/api/v2/teams/{team.id}"
    back = teams_api.get_teams(
        page_size=2, before=_after(teams_api.get_teams(page_size=2).next_uri)
    )
    assert [t.name for t in back.entities] == NAMES[:2]


def test_the_sdk_filters_teams_by_name_prefix_and_refuses_bad_paging(teams_api: Any) -> None:
    assert [t.name for t in teams_api.get_teams(name="re").entities] == ["Retention"]
    assert teams_api.get_teams(name="Sales").entities == []
    for bad in ({"after": "not-a-cursor"}, {"page_size": 101}, {"page_size": 0}):
        with pytest.raises(ApiException) as caught:
            teams_api.get_teams(**bad)
        assert caught.value.status == 400
        error = judge(caught.value.body, "ErrorBody")
        assert error.status == 400 and error.message


def test_the_sdk_reads_one_team_and_an_unknown_one_is_404(teams_api: Any) -> None:
    team = teams_api.get_team(RETENTION)
    assert isinstance(team, genesys.Team)
    assert (team.name, team.member_count) == ("Retention", 8)
    for call in (teams_api.get_team, teams_api.get_team_members):
        with pytest.raises(ApiException) as caught:
            call("no-such-team")
        assert caught.value.status == 404
        assert judge(caught.value.body, "ErrorBody").code == "not.found"


def test_the_sdk_pages_a_teams_members(teams_api: Any) -> None:
    members: list[Any] = []
    kwargs: dict[str, Any] = {"page_size": 3}
    while True:
        page = teams_api.get_team_members(RETENTION, **kwargs)
        assert isinstance(page, genesys.TeamMemberEntityListing)
        members.extend(page.entities)
        after = _after(page.next_uri)
        if after is None:
            break
        kwargs["after"] = after
    retention = next(t for t in TEAMS if t.name == "Retention")
    assert [m.id for m in members] == [agent_id_for(n) for n in retention.members]
    assert all(isinstance(m, genesys.UserReferenceWithName) and m.name is None for m in members)
    named = teams_api.get_team_members(RETENTION, expand="entities")
    assert "Oliver Smith" in [m.name for m in named.entities]


def test_the_providers_team_requests_are_the_sdks(
    emu: tuple[Emulator, EmulatorServer, Any], teams_api: Any
) -> None:
    dump = emu[2].sanitize_for_serialization
    spy = Spy()
    provider = _provider(emu[1], spy, page_size="3")
    provider.list_teams()
    provider.list_people()
    provider.close()
    replayed = 0
    with api(emu[1]) as plain:
        for request in spy.seen:
            path = request.url.path
            if not path.startswith("/api/v2/teams"):
                continue
            query = {k: v for k, (v,) in parse_qs(request.url.query.decode()).items()}
            assert set(query) <= {"pageSize", "after"}, query
            kwargs: dict[str, Any] = {"page_size": int(query["pageSize"])}
            if "after" in query:
                kwargs["after"] = query["after"]
            if path == "/api/v2/teams":
                sdk, model = teams_api.get_teams(**kwargs), "TeamEntityListing"
            else:
                team_id = path.removeprefix("/api/v2/teams/").removesuffix("/members")
                sdk, model = (
                    teams_api.get_team_members(team_id, **kwargs),
                    "TeamMemberEntityListing",
                )
            # the same request as the provider sent it, judged by the SDK: the same answer
            theirs = judge(_get(plain, request), model)
            assert dump(sdk) == dump(theirs)
            replayed += 1
    assert replayed == 2 * 2 + 5 * 3  # teams 3+2 twice (list_teams, list_people), 8 members/3


def _get(plain: httpx.Client, request: httpx.Request) -> str:
    answer = plain.get(request.url.raw_path.decode())
    answer.raise_for_status()
    return answer.text


def test_the_demo_teams_and_everyones_team(emu: tuple[Emulator, EmulatorServer, Any]) -> None:
    emulator, server, _ = emu
    with emulator.state.lock:
        emulator.state.ledger.requests.clear()
    provider = _provider(server)
    teams = provider.list_teams()
    people = provider.list_people()
    provider.close()

    assert sorted((t.name, t.id) for t in teams) == sorted((n, team_id_for(n)) for n in NAMES)
    expected = {p.email.strip(): p.team_ids for p in demo_people() if p.email}
    assert {p.email.strip(): p.team_ids for p in people if p.email} == expected
    with emulator.state.lock:
        asked = {k: v for k, v in emulator.state.ledger.requests.items() if "/teams" in k}
    # one page of teams for each call, then one page of members per team (8 < 100 a page)
    assert asked == {"GET /api/v2/teams 200": 2} | {
        f"GET /api/v2/teams/{team_id_for(n)}/members 200": 1 for n in NAMES
    }


def test_a_client_that_may_not_read_teams_still_lists_people(
    emu: tuple[Emulator, EmulatorServer, Any], caplog: pytest.LogCaptureFixture
) -> None:
    emulator, server, _ = emu
    emulator.faults.add(Fault("status", status=403, path="/api/v2/teams", times=None))
    provider = _provider(server)
    try:
        people = provider.list_people()
        with pytest.raises(AuthError, match="Admin > Roles"):
            provider.list_teams()
    finally:
        emulator.faults.clear()
        provider.close()
    assert len(people) == 42 and all(p.team_ids == [] for p in people)
    assert "people listed without their teams" in caplog.text
