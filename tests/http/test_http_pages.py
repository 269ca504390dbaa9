"""The pages without a browser: sign-in, CSRF on every form, refusals with the use cases' own
messages, every text escaped, no open redirect, a revoked token signs the page out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from http_world import AGENT, Face, face, hidden, memory_settings, sign_in
from pydantic import SecretStr

from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.assembled.emulator.seed import seed_demo
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer
from wfm_bridge.ports.models import MeetingStatus

EVIL = '<script>alert("x")</script>'
KEY = "sk_live_" + "p" * 32


@pytest.fixture
def signed_in(tmp_path: Path) -> Iterator[Face]:
    with face(memory_settings(tmp_path)) as f:
        sign_in(f)
        yield f


def _slot(f: Face) -> datetime:
    start = (datetime.now(UTC) + timedelta(days=2)).replace(hour=9, minute=0, second=0,
                                                            microsecond=0)
    found: list[datetime] = f.bridge.tenant("default").slots.find(
        AGENT, start.date(), 1, 30, "UTC"
    )
    return found[0]


def _book(f: Face, description: str, **changes: str) -> Any:
    page = f.client.get(f"/one-to-ones?agent={AGENT}")
    form = {"csrf": hidden(page.text, "csrf"), "agent": AGENT, "minutes": "30",
            "start": _slot(f).strftime("%Y-%m-%dT%H:%M"), "description": description,
            "key": hidden(page.text, "key"), **changes}
    return f.client.post("/one-to-ones/book", data=form)


def test_pages_need_a_session_and_sign_in_sets_an_httponly_strict_cookie(tmp_path: Path) -> None:
    with face(memory_settings(tmp_path)) as f:
        away = f.client.get("/one-to-ones?agent=x")
        assert away.status_code == 303
        assert away.headers["location"] == "/login?next=%2Fone-to-ones%3Fagent%3Dx"
        token = f.token("default")
        form = f.client.get("/login")
        answer = f.client.post("/login", data={
            "token": token, "next": "/calendar", "login_csrf": hidden(form.text, "login_csrf")})
        cookie = answer.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        page = f.client.get("/calendar")
        assert page.status_code == 200 and "View Schedule" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["cache-control"] == "no-store"


def test_sign_in_refuses_a_bad_token_a_forged_form_and_an_open_redirect(tmp_path: Path) -> None:
    with face(memory_settings(tmp_path)) as f:
        form = f.client.get("/login")
        nonce = hidden(form.text, "login_csrf")
        bad = f.client.post("/login", data={"token": "wfmt_nope", "login_csrf": nonce})
        assert bad.status_code == 401 and "no valid token" in bad.text
        forged = f.client.post("/login", data={"token": f.token("default"), "login_csrf": "x"})
        assert forged.status_code == 403 and "expired" in forged.text
        for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
            f.client.get("/login")
            done = f.client.post("/login", data={"token": f.token("default"), "next": target,
                                                 "login_csrf": f.client.cookies["wfm_login"]})
            assert done.headers["location"] == "/calendar", target


def test_the_calendar_page_shows_the_chosen_range_and_the_renderers_calendar(
    signed_in: Face,
) -> None:
    found = signed_in.client.get("/calendar?q=lee")
    assert f'value="{AGENT}"' in found.text
    first = date.today().isoformat()
    page = signed_in.client.get(f"/calendar?email={AGENT}&start={first}&days=14")
    assert page.status_code == 200
    assert page.text.count('<section class="day') == 14
    assert 'class="calendar solo"' in page.text
    refused = signed_in.client.get(f"/calendar?email={AGENT}&days=90")
    assert refused.status_code == 400 and "7 to 60 days" in refused.text


def test_book_and_cancel_through_the_forms_with_csrf(signed_in: Face) -> None:
    booked = _book(signed_in, "Coaching " + EVIL)
    assert booked.status_code == 303
    page = signed_in.client.get(booked.headers["location"])
    assert "Booked: One To One" in page.text
    assert EVIL not in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text
    ledger = signed_in.bridge.tenant("default").ledger
    (meeting,) = ledger.all()
    assert f'data-meeting-id="{meeting.id}"' in page.text
    cancel = signed_in.client.post("/one-to-ones/cancel", data={
        "csrf": hidden(page.text, "csrf"), "agent": AGENT, "meeting_id": meeting.id})
    assert cancel.status_code == 303
    assert ledger.get(meeting.id).status is MeetingStatus.CANCELLED


def test_a_form_without_its_csrf_token_changes_nothing(signed_in: Face) -> None:
    refused = _book(signed_in, "forged", csrf="not-the-token")
    assert refused.status_code == 403
    assert "did not come from this site" in refused.text
    assert signed_in.bridge.tenant("default").ledger.all() == []
    out = signed_in.client.post("/logout", data={"csrf": "forged"})
    assert out.status_code == 403
    assert signed_in.client.get("/calendar").status_code == 200  # still signed in


@pytest.mark.parametrize(
    ("change", "needle", "status"),
    [
        ({"agent": "nobody@example.com"}, "not mapped", 404),
        ({"start": "2020-01-01T10:00"}, "in the past", 400),
        ({"start": "next tuesday"}, "not an ISO 8601 time", 400),
        ({"minutes": "9999"}, "longer than the longest 1:1 allowed", 400),
    ],
)
def test_refusals_are_shown_with_the_use_cases_message(
    signed_in: Face, change: dict[str, str], needle: str, status: int
) -> None:
    refused = _book(signed_in, "x", **change)
    assert refused.status_code == status
    assert needle in refused.text and 'class="refusal"' in refused.text
    assert signed_in.bridge.tenant("default").ledger.all() == []


def test_an_unmapped_agent_is_explained_on_my_one_to_ones(signed_in: Face) -> None:
    page = signed_in.client.get("/one-to-ones?agent=nobody@example.com")
    assert page.status_code == 404 and "not mapped" in page.text


def test_a_missing_meeting_type_is_refused_with_its_message(tmp_path: Path) -> None:
    emulator = Emulator(EmulatorConfig(keys=(KEY,), rate=1000, burst=1000))
    seed_demo(emulator.state, date.today())
    with emulator.state.lock:
        for type_id, kind in list(emulator.state.activity_types.items()):
            if kind.get("name") == "Meeting":
                del emulator.state.activity_types[type_id]
    with EmulatorServer(emulator) as server:
        settings = memory_settings(
            tmp_path, provider="assembled", provider_options={"base_url": server.base_url}
        )
        with face(settings) as f:
            f.bridge.vault.put(
                "default", "assembled", {"api_key": SecretStr(KEY)}, f.bridge.clock.now()
            )
            sign_in(f)
            refused = _book(f, "x")
            assert refused.status_code == 404
            assert "no activity type named exactly 'Meeting'" in refused.text.replace(
                "&#x27;", "'")


def test_a_revoked_token_signs_the_pages_out(tmp_path: Path) -> None:
    with face(memory_settings(tmp_path)) as f:
        token = sign_in(f)
        f.tokens.revoke(token)
        assert f.client.get("/calendar").status_code == 303
