"""Tenant isolation: a token reaches its own tenant only, on every route; no answer ever
holds an API key or a token; missing, malformed and revoked tokens get 401."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from http_world import AGENT, Face, face, memory_settings
from pydantic import SecretStr

from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.assembled.emulator.seed import seed_demo
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer

A, B = "acme", "globex"
KEY = "sk_live_" + "s" * 32
IN_TWO_DAYS = (datetime.now(UTC) + timedelta(days=2)).replace(hour=10, minute=0, second=0,
                                                               microsecond=0)
# What each route needs to be a well-formed request, so a refusal is never a 400 by accident.
QUERY: dict[str, dict[str, Any]] = {
    "/mapping/explain": {"email": AGENT},
    "/schedules": {"email": AGENT, "days": 7},
    "/slots": {"email": AGENT, "days": 2},
}
BOOKING = {"email": AGENT, "start": IN_TWO_DAYS.isoformat(), "minutes": 30, "description": "x",
           "force": True}


def tenant_routes(f: Face) -> list[tuple[str, str]]:
    """(method, path template) of every tenant-scoped route the OpenAPI document lists."""
    found = [
        (method.upper(), path)
        for path, operations in f.app.openapi()["paths"].items()
        if "{tenant}" in path
        for method in sorted(operations)
    ]
    assert len(found) >= 16  # every use case; new routes are covered without a list here
    return found


def _call(f: Face, method: str, template: str, tenant: str, meeting_id: str,
          headers: dict[str, str]) -> Any:
    path = template.format(tenant=tenant, meeting_id=meeting_id)
    suffix = template.split("{tenant}", 1)[-1]
    body = BOOKING if method == "POST" and suffix == "/meetings" else None
    return f.client.request(method, path, params=QUERY.get(suffix), json=body, headers=headers)


@pytest.fixture
def two_tenants(tmp_path: Path) -> Iterator[tuple[Face, str]]:
    """Tenants A and B on one bridge; B has booked one meeting. Yields (face, B's meeting)."""
    with face(memory_settings(tmp_path)) as f:
        booked = f.client.post(f"/api/v1/tenants/{B}/meetings", json=BOOKING, headers=f.auth(B))
        assert booked.status_code == 201
        yield f, booked.json()["id"]


def test_a_token_of_one_tenant_gets_403_or_404_on_every_route_of_another(
    two_tenants: tuple[Face, str],
) -> None:
    f, theirs = two_tenants
    mine = f.auth(A)
    before = f.bridge.tenant(B).ledger.all()
    for method, template in tenant_routes(f):
        answer = _call(f, method, template, B, theirs, mine)
        assert answer.status_code in (403, 404), (method, template, answer.status_code)
        assert answer.json()["error"]["category"] in ("forbidden", "not_found")
        assert theirs not in answer.text and B not in answer.text
    assert f.bridge.tenant(B).ledger.all() == before  # nothing read is shown, nothing written


def test_another_tenants_meeting_is_not_found_through_ones_own_routes(
    two_tenants: tuple[Face, str],
) -> None:
    f, theirs = two_tenants
    mine = f.auth(A)
    for method in ("GET", "DELETE"):
        answer = f.client.request(method, f"/api/v1/tenants/{A}/meetings/{theirs}", headers=mine)
        assert answer.status_code == 404
    assert f.bridge.tenant(B).meetings.get(theirs).status.value == "booked"
    assert f.client.get(f"/api/v1/tenants/{A}/meetings", headers=mine).json()["items"] == []


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer nope"},
     {"Authorization": "Bearer wfmt_000000000000_" + "a" * 43}],
    ids=["none", "basic", "malformed", "unknown"],
)
def test_no_valid_token_is_a_401_on_every_route(
    two_tenants: tuple[Face, str], headers: dict[str, str]
) -> None:
    f, theirs = two_tenants
    for method, template in [*tenant_routes(f), ("GET", "/api/v1/whoami")]:
        answer = _call(f, method, template, B, theirs, headers)
        assert answer.status_code == 401, (method, template)
        assert answer.json()["error"]["category"] == "auth"
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_stops_working_at_once(two_tenants: tuple[Face, str]) -> None:
    f, _ = two_tenants
    token, info = f.tokens.create(A)
    headers = {"Authorization": f"Bearer {token}"}
    assert f.client.get("/api/v1/whoami", headers=headers).json()["tenant"] == A
    f.tokens.revoke(info.id)
    assert f.client.get(f"/api/v1/tenants/{A}/meetings", headers=headers).status_code == 401


def test_no_answer_holds_an_api_key_or_a_token(tmp_path: Path) -> None:
    emulator = Emulator(EmulatorConfig(keys=(KEY,), rate=1000, burst=1000))
    seed_demo(emulator.state, date.today())
    with EmulatorServer(emulator) as server:
        settings = memory_settings(
            tmp_path, provider="assembled", provider_options={"base_url": server.base_url}
        )
        with face(settings) as f:
            f.bridge.vault.put(A, "assembled", {"api_key": SecretStr(KEY)}, f.bridge.clock.now())
            token = f.token(A)
            headers = {"Authorization": f"Bearer {token}"}
            secret = token.rsplit("_", 1)[1]
            booked = _call(f, "POST", "/api/v1/tenants/{tenant}/meetings", A, "", headers)
            assert booked.status_code == 201, booked.text
            answers = [
                _call(f, method, template, A, booked.json()["id"], headers)
                for method, template in tenant_routes(f)
            ]
            answers.append(f.client.get("/api/v1/whoami", headers=headers))
            for answer in answers:
                seen = answer.text + str(answer.headers)
                assert KEY not in seen and secret not in seen, answer.request.url
            assert any(a.json() and "fingerprint" in str(a.json()) for a in answers)
