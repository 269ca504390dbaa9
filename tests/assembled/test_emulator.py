"""The emulator over real HTTP: Assembled's shapes and traps, auth, rate limit, faults, ledger."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest

from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.assembled.emulator.seed import seed_demo
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer
from wfm_bridge.plugins.assembled.emulator.state import EmulatorState
from wfm_bridge.plugins.emulation.faults import Fault
from wfm_bridge.ports.errors import InvalidInputError

from .support import KEY, running_emulator

H = 3600
S = 1_718_000_000  # some unix second
PEOPLE: list[dict[str, Any]] = [
    {"id": "p1", "agent_id": "a1", "first_name": "Ana", "deleted": False},
    {"id": "p2", "agent_id": "a2", "first_name": "Bo", "deleted": False},
    {"id": "p3", "agent_id": None, "first_name": "Sup", "deleted": False},
]
TYPES: list[dict[str, Any]] = [{"id": "shift", "name": "Shift"}, {"id": "mtg", "name": "Meeting"}]


def act(id_: str, agent: str, start: int, end: int) -> dict[str, Any]:
    return {
        "id": id_,
        "agent_id": agent,
        "type_id": "shift",
        "start_time": start,
        "end_time": end,
        "description": "",
    }


@pytest.fixture
def emu() -> Iterator[tuple[Emulator, httpx.Client]]:
    with running_emulator() as (emulator, server):
        emulator.state.load(
            PEOPLE, TYPES, [act("s1", "a1", S, S + 8 * H), act("s2", "a2", S, S + 8 * H)]
        )
        with httpx.Client(base_url=server.base_url, auth=(KEY, ""), timeout=5) as client:
            yield emulator, client


def windows(emulator: Emulator, agent: str) -> list[tuple[int, int]]:
    return sorted(
        (a["start_time"] - S, a["end_time"] - S)
        for a in emulator.state.activities.values()
        if a["agent_id"] == agent
    )


def test_shapes_are_id_keyed_maps_with_unix_seconds(emu: tuple[Emulator, httpx.Client]) -> None:
    _, client = emu
    people = client.get("/v0/people", params={"limit": 2, "offset": 0}).json()
    found = client.get(
        "/v0/activities", params=[("start_time", S), ("end_time", S + H), ("agents", "a1")]
    ).json()

    assert (people["total"], people["limit"], people["offset"]) == (3, 2, 0)
    assert set(people["people"]) == {"p1", "p2"}
    assert list(found["activities"]) == [f"s1-{S}-{S + 8 * H}"]
    assert found["activities"][f"s1-{S}-{S + 8 * H}"]["id_with_timestamps"] == f"s1-{S}-{S + 8 * H}"
    assert set(client.get("/v0/activity_types").json()["activity_types"]) == {"shift", "mtg"}


def test_creating_without_allow_conflicts_deletes_the_overlapping_activities(
    emu: tuple[Emulator, httpx.Client],
) -> None:
    emulator, client = emu
    body = {"agent_id": "a1", "type_id": "mtg", "start_time": S + H, "end_time": S + 2 * H}

    created = client.post("/v0/activities", json=body).json()

    assert windows(emulator, "a1") == [(H, 2 * H)]  # the shift is gone: Assembled's default
    assert [(a["id"], why) for a, why in emulator.state.ledger.deleted] == [("s1", "conflict")]
    assert created["agent_id"] == "a1" and created["start_time"] == S + H
    assert windows(emulator, "a2") == [(0, 8 * H)]


def test_creating_with_allow_conflicts_keeps_everything(emu: tuple[Emulator, httpx.Client]) -> None:
    emulator, client = emu
    body = {
        "agent_id": "a1",
        "type_id": "mtg",
        "start_time": S + H,
        "end_time": S + 2 * H,
        "allow_conflicts": True,
    }

    assert client.post("/v0/activities", json=body).status_code == 200
    assert windows(emulator, "a1") == [(0, 8 * H), (H, 2 * H)]
    assert emulator.state.ledger.deleted == []


def test_the_window_delete_removes_inside_and_trims_overlaps(
    emu: tuple[Emulator, httpx.Client],
) -> None:
    emulator, client = emu
    emulator.state.load(
        activities=[
            act("m", "a1", S + 9 * H, S + 10 * H),
            act("late", "a1", S + 11 * H, S + 13 * H),
        ]
    )

    response = client.request(
        "DELETE",
        "/v0/activities",
        json={"agent_ids": ["a1"], "start_time": S + 7 * H, "end_time": S + 12 * H},
    )

    assert response.status_code == 200
    assert windows(emulator, "a1") == [(0, 7 * H), (12 * H, 13 * H)]  # trimmed both sides
    assert [a["id"] for a, _ in emulator.state.ledger.deleted] == ["m"]
    assert len(emulator.state.ledger.trimmed) == 2


def test_bulk_delete_by_id_deletes_exactly_that_one_and_unknown_ids_are_400(
    emu: tuple[Emulator, httpx.Client],
) -> None:
    emulator, client = emu

    def delete(id_: str) -> httpx.Response:
        return client.post(
            "/v0/activities/bulk",
            json={"activities": [{"action": "delete", "activity": {"id": id_}}]},
        )

    assert delete("s1").status_code == 200
    assert delete("s1").status_code == 400
    assert windows(emulator, "a1") == [] and windows(emulator, "a2") == [(0, 8 * H)]


def test_bulk_is_one_transaction(emu: tuple[Emulator, httpx.Client]) -> None:
    emulator, client = emu
    items = [
        {"action": "delete", "activity": {"id": "s1"}},
        {"action": "delete", "activity": {"id": "nope"}},
    ]

    assert client.post("/v0/activities/bulk", json={"activities": items}).status_code == 400
    assert windows(emulator, "a1") == [(0, 8 * H)]


@pytest.mark.parametrize(
    "body",
    [
        {"agent_id": "zz", "type_id": "mtg", "start_time": S, "end_time": S + H},
        {"agent_id": "a1", "type_id": "zz", "start_time": S, "end_time": S + H},
        {"agent_id": "a1", "type_id": "mtg", "start_time": S + H, "end_time": S},
        {"agent_id": "a1", "type_id": "mtg", "start_time": "now", "end_time": S},
    ],
)
def test_invalid_creates_are_400(emu: tuple[Emulator, httpx.Client], body: dict) -> None:  # type: ignore[type-arg]
    _, client = emu
    assert client.post("/v0/activities", json=body).status_code == 400


def test_scores_are_upserted_by_external_id(emu: tuple[Emulator, httpx.Client]) -> None:
    emulator, client = emu
    row = {"conversation_external_id": "ev1", "agent_id": "a1", "score": 5}

    for score in (5, 9):
        assert (
            client.post(
                "/v0/qa_scores/bulk", json={"qa_scores": [{**row, "score": score}]}
            ).status_code
            == 202
        )

    assert list(emulator.state.scores) == ["ev1"] and emulator.state.scores["ev1"]["score"] == 9
    assert len(emulator.state.ledger.pushed) == 2


def test_wrong_or_missing_keys_are_401() -> None:
    with running_emulator() as (_, server):
        for auth in [("sk_live_wrong", ""), None]:
            response = httpx.get(server.base_url + "/v0/people", auth=auth)
            assert response.status_code == 401
        bearer = httpx.get(
            server.base_url + "/v0/people", headers={"Authorization": f"Bearer {KEY}"}
        )
        assert bearer.status_code == 401


def test_the_rate_limit_is_a_burst_then_429_with_retry_after() -> None:
    now = [100.0]
    emulator = Emulator(EmulatorConfig(keys=(KEY,), rate=5, burst=20), monotonic=lambda: now[0])
    with (
        EmulatorServer(emulator) as server,
        httpx.Client(base_url=server.base_url, auth=(KEY, "")) as client,
    ):
        statuses = [client.get("/v0/activity_types").status_code for _ in range(21)]
        limited = client.get("/v0/activity_types")
        now[0] += 0.2  # one token back
        after = client.get("/v0/activity_types").status_code

    assert statuses == [200] * 20 + [429]
    assert limited.headers["Retry-After"] == "1"
    assert after == 200


def test_status_faults_hit_once_and_the_ledger_counts_requests() -> None:
    with running_emulator() as (emulator, server):
        emulator.faults.add(Fault("status", status=503, path="/v0/people"))
        emulator.faults.add(Fault("status", status=429, retry_after="7", method="GET"))
        with httpx.Client(base_url=server.base_url, auth=(KEY, "")) as client:
            first = client.get("/v0/people")
            second = client.get("/v0/activity_types")
            third = client.get("/v0/people")

    assert (first.status_code, second.status_code, third.status_code) == (503, 429, 200)
    assert second.headers["Retry-After"] == "7"
    assert dict(emulator.state.ledger.requests) == {
        "GET /v0/people 503": 1,
        "GET /v0/activity_types 429": 1,
        "GET /v0/people 200": 1,
    }


def test_a_dropped_connection_gives_no_answer_and_can_apply_the_write_first() -> None:
    with running_emulator() as (emulator, server):
        emulator.state.load(PEOPLE, TYPES)
        emulator.faults.add(Fault("drop", path="/v0/people"))
        emulator.faults.add(Fault("drop", path="/v0/activities", after_apply=True))
        body = {"agent_id": "a1", "type_id": "mtg", "start_time": S, "end_time": S + H}
        with httpx.Client(base_url=server.base_url, auth=(KEY, "")) as client:
            with pytest.raises(httpx.RemoteProtocolError):
                client.get("/v0/people")
            with pytest.raises(httpx.RemoteProtocolError):
                client.post("/v0/activities", json=body)
            assert client.get("/v0/people").status_code == 200

    assert len(emulator.state.ledger.created) == 1  # applied, but the client never heard
    assert emulator.state.ledger.requests["POST /v0/activities dropped"] == 1


def test_accept_then_timeout_applies_the_write_and_holds_the_answer() -> None:
    with running_emulator() as (emulator, server):
        emulator.state.load(PEOPLE, TYPES)
        emulator.faults.add(Fault("hang", seconds=30, method="POST"))
        body = {
            "agent_id": "a1",
            "type_id": "mtg",
            "start_time": S,
            "end_time": S + H,
            "allow_conflicts": True,
        }
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(
                server.base_url + "/v0/activities",
                json=body,
                auth=(KEY, ""),
                timeout=httpx.Timeout(5, read=0.3),
            )

    assert len(emulator.state.ledger.created) == 1


def test_admin_endpoints_seed_fault_configure_and_report() -> None:
    with running_emulator() as (emulator, server), httpx.Client(base_url=server.base_url) as c:
        seeded = c.post(
            "/_emulator/seed", json={"people": PEOPLE, "activity_types": TYPES, "replace": True}
        )
        faults = c.post(
            "/_emulator/faults",
            json={"faults": [{"kind": "latency", "seconds": 0.01, "times": None}]},
        )
        bad = c.post("/_emulator/faults", json={"faults": [{"kind": "explode"}]})
        configured = c.post("/_emulator/config", json={"rate": 7, "burst": 3})
        c.get("/v0/people", auth=(KEY, ""))
        ledger = c.get("/_emulator/ledger").json()
        state = c.get("/_emulator/state").json()

    assert seeded.json()["people"] == 3 and faults.json()["faults"][0]["times"] is None
    assert bad.status_code == 400
    assert configured.json() == {"latency": 0.0, "rate": 7.0, "burst": 3}
    assert ledger["requests"] == {"GET /v0/people 200": 1}
    assert set(state["people"]) == {"p1", "p2", "p3"}
    assert emulator.config.burst == 3


def test_the_demo_seed_is_the_memory_fake_organisation() -> None:
    from wfm_bridge.plugins.memory_fake.demo import (
        ACTIVITY_TYPES,
        demo_activities,
        demo_anchor,
        demo_people,
    )

    state = EmulatorState()
    anchor = seed_demo(state, date(2025, 6, 4))

    assert anchor == demo_anchor(date(2025, 6, 4))
    assert set(state.people) == {p.person_id for p in demo_people()}
    assert set(state.activity_types) == {t.id for t in ACTIVITY_TYPES}
    assert {a["id"] for a in state.activities.values()} == {a.id for a in demo_activities(anchor)}
    assert any(p["deleted"] for p in state.people.values())  # the inactive demo person
    assert any(p["agent_id"] is None for p in state.people.values())  # the supervisor


def test_the_server_refuses_to_listen_beyond_loopback() -> None:
    with pytest.raises(InvalidInputError, match="loopback only"):
        EmulatorServer(host="0.0.0.0")


def test_standing_faults_hit_every_matching_request_or_a_seeded_share_of_them() -> None:
    def statuses(probability: float) -> list[int]:
        with running_emulator(fault_seed=3) as (emulator, server):
            emulator.faults.add(
                Fault("status", status=502, times=None, probability=probability, method="GET")
            )
            with httpx.Client(base_url=server.base_url, auth=(KEY, "")) as client:
                return [client.get("/v0/activity_types").status_code for _ in range(20)]

    assert statuses(1.0) == [502] * 20
    some = statuses(0.5)
    assert 0 < some.count(502) < 20 and some == statuses(0.5)  # reproducible per seed


def test_run_latency_delays_every_api_request_but_not_admin_ones() -> None:
    with (
        running_emulator(latency=0.2) as (_, server),
        httpx.Client(base_url=server.base_url, auth=(KEY, "")) as client,
    ):
        api = client.get("/v0/activity_types").elapsed.total_seconds()
        admin = client.get("/_emulator/ledger").elapsed.total_seconds()

    assert api >= 0.2 > admin


# --- stricter where the docs are explicit (issue 15) -------------------------------------


def test_the_window_delete_splits_an_activity_that_encloses_the_window(
    emu: tuple[Emulator, httpx.Client],
) -> None:
    emulator, client = emu
    # the shift is 0-8 h; cutting 2-5 h out of it leaves 0-2 h and 5-8 h
    response = client.request(
        "DELETE",
        "/v0/activities",
        json={"agent_ids": ["a1"], "start_time": S + 2 * H, "end_time": S + 5 * H},
    )

    assert response.status_code == 200
    assert windows(emulator, "a1") == [(0, 2 * H), (5 * H, 8 * H)]
    assert emulator.state.ledger.deleted == [] and len(emulator.state.ledger.trimmed) == 2
    assert windows(emulator, "a2") == [(0, 8 * H)]


def test_the_window_delete_refuses_unknown_agent_ids_and_deletes_nothing(
    emu: tuple[Emulator, httpx.Client],
) -> None:
    emulator, client = emu
    response = client.request(
        "DELETE",
        "/v0/activities",
        json={"agent_ids": ["a1", "ghost"], "start_time": S, "end_time": S + 8 * H},
    )

    assert response.status_code == 400 and "ghost" in response.json()["message"]
    assert windows(emulator, "a1") == [(0, 8 * H)]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v0/nowhere"),
        ("POST", "/v0/agents/bulk"),
        ("PUT", "/v0/people"),
        ("DELETE", "/v0/qa_scores/bulk"),
        ("GET", "/elsewhere"),
    ],
)
def test_unknown_routes_answer_404_with_a_json_body(
    emu: tuple[Emulator, httpx.Client], method: str, path: str
) -> None:
    _, client = emu

    response = client.request(method, path)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert "no route" in response.json()["message"]


def test_include_agents_and_include_activity_types_are_honoured(
    emu: tuple[Emulator, httpx.Client],
) -> None:
    _, client = emu
    window: list[tuple[str, str | int | float | bool | None]] = [
        ("start_time", S), ("end_time", S + H), ("agents", "a1")
    ]

    plain = client.get("/v0/activities", params=window).json()
    agents = client.get("/v0/activities", params=[*window, ("include_agents", "true")]).json()
    both = client.get(
        "/v0/activities",
        params=[*window, ("include_agents", "true"), ("include_activity_types", "true")],
    ).json()

    assert set(plain) == {"activities"}
    assert set(agents) == {"activities", "agents"} and set(agents["agents"]) == {"a1"}
    assert agents["agents"]["a1"]["id"] == "p1"
    assert set(both) == {"activities", "agents", "activity_types"}


def test_productive_types_carry_channels_and_are_never_time_off() -> None:
    state = EmulatorState()
    seed_demo(state, date(2024, 6, 3), anchor=date(2024, 6, 3))
    state.load(activity_types=[{"id": "p", "name": "Phones", "productive": True}])

    kinds = list(state.activity_types.values())
    assert any(t["productive"] for t in kinds)
    for kind in kinds:
        assert bool(kind["channels"]) == bool(kind["productive"])
        assert not (kind["productive"] and kind.get("timeoff"))
