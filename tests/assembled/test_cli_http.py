"""The `wfm` CLI with ``--provider assembled --base-url <emulator>``, end to end, in-process."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from e2e.cli_run import Cli, check_tour_story, isolate

from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.assembled.emulator.seed import seed_demo
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer
from wfm_bridge.plugins.emulation.faults import Fault

from .support import KEY

AGENT = "ana.lee@example.com"
ANCHOR = date(2024, 6, 3)  # the anchor tests/e2e pins the embedded demo to


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    emulator = Emulator(EmulatorConfig(keys=(KEY,), rate=1000, burst=1000))
    seed_demo(emulator.state, ANCHOR, anchor=ANCHOR)
    with EmulatorServer(emulator) as running:
        yield running


@pytest.fixture
def wfm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    isolate(monkeypatch, tmp_path)
    return Cli(capsys)


def set_key(wfm: Cli, monkeypatch: pytest.MonkeyPatch, url: str, key: str = KEY) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(key + "\n"))
    code: int = wfm("--provider", "assembled", "--base-url", url, "auth", "set-key").code
    return code


def test_schedules_through_the_cli_match_the_embedded_demo(
    wfm: Cli, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert set_key(wfm, monkeypatch, server.base_url) == 0
    args = (
        "schedule",
        AGENT,
        "noah.fischer@example.com",
        "--start",
        "2024-06-24",
        "--days",
        "14",
        "--json",
    )

    over_http = wfm("--provider", "assembled", "--base-url", server.base_url, *args)
    embedded = wfm(*args)

    assert over_http.code == 0 and embedded.code == 0
    neutral = [
        json.dumps(r.json()).replace("assembled", "P").replace("memory_fake", "P")
        for r in (over_http, embedded)
    ]
    assert neutral[0] == neutral[1]


def test_a_wrong_key_is_refused_in_one_line_and_never_stored(
    wfm: Cli, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = "sk_live_" + "z" * 32
    monkeypatch.setattr(sys, "stdin", io.StringIO(bad))

    result = wfm("--provider", "assembled", "--base-url", server.base_url, "auth", "set-key")
    status = wfm("--provider", "assembled", "auth", "status", "--json")

    assert result.code == 1 and result.err.count("\n") == 1
    assert "invalid or expired" in result.err and bad not in result.err + result.out
    assert bad not in status.out


def test_plain_http_beyond_loopback_is_refused(wfm: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(KEY))

    result = wfm("--provider", "assembled", "--base-url", "http://example.com", "auth", "set-key")

    assert result.code == 2 and "https://" in result.err


def test_booking_and_cancelling_through_the_cli_touch_only_the_meeting(
    wfm: Cli, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = server.emulator.state
    before = dict(state.activities)
    assert set_key(wfm, monkeypatch, server.base_url) == 0
    when = (datetime.now(UTC) + timedelta(days=3)).replace(hour=15, minute=0, second=0)
    at = ("--provider", "assembled", "--base-url", server.base_url)

    booked = wfm(
        *at,
        "meetings",
        "book",
        AGENT,
        "--start",
        when.strftime("%Y-%m-%dT%H:%M"),
        "--minutes",
        "30",
        "--description",
        "CLI",
        "--force",  # off schedule: this test is about what the booking touches
        "--json",
    )
    assert booked.code == 0, booked.err
    meeting = booked.json()
    cancelled = wfm(*at, "meetings", "cancel", meeting["id"], "--json")

    assert cancelled.code == 0 and cancelled.json()["status"] == "cancelled"
    assert [a["id"] for a in state.ledger.created] == [meeting["provider_activity_id"]]
    assert [(a["id"], why) for a, why in state.ledger.deleted] == [
        (meeting["provider_activity_id"], "bulk delete by id")
    ]
    assert state.activities == before and state.ledger.trimmed == []


def test_emulator_serve_checks_its_options(wfm: Cli) -> None:
    assert wfm("emulator", "serve", "--port", "70000").code == 2
    assert wfm("emulator", "serve", "--seed", "galaxy").code == 2


@pytest.mark.slow
def test_the_60_day_demo_schedule_succeeds_against_a_1_per_second_account(
    wfm: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the account's limit (1/s, bursts of 3) is lower than the client starts from (5/s, 20):
    # it is learned from 429s, so the answer is slower, never a failure (issue 15)
    emulator = Emulator(EmulatorConfig(keys=(KEY,), rate=1, burst=3))
    seed_demo(emulator.state, ANCHOR, anchor=ANCHOR)
    with EmulatorServer(emulator) as slow:
        assert set_key(wfm, monkeypatch, slow.base_url) == 0
        at = ("--provider", "assembled", "--base-url", slow.base_url)
        result = wfm(*at, "schedule", AGENT, "--start", "2024-06-03", "--days", "60", "--json")

    assert result.code == 0, result.err
    (employee,) = result.json()["employees"]
    assert len(employee["days"]) == 60
    assert emulator.state.ledger.requests["GET /v0/activities 200"] == 9  # the plan: 9 slices


def test_a_cancel_refused_with_400_is_never_recorded_and_the_meeting_stays_booked(
    wfm: Cli, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = server.emulator.state
    assert set_key(wfm, monkeypatch, server.base_url) == 0
    when = (datetime.now(UTC) + timedelta(days=4)).replace(hour=16, minute=0, second=0)
    at = ("--provider", "assembled", "--base-url", server.base_url)
    booked = wfm(
        *at, "meetings", "book", AGENT, "--start", when.strftime("%Y-%m-%dT%H:%M"),
        "--minutes", "30", "--force", "--json",  # off schedule: about what is touched
    )
    assert booked.code == 0, booked.err
    meeting = booked.json()
    activity = meeting["provider_activity_id"]
    # the bulk delete action was beta: a 400 for another reason than "no such id"
    server.emulator.faults.add(
        Fault("status", status=400, method="POST", path="/v0/activities/bulk")
    )

    refused = wfm(*at, "meetings", "cancel", meeting["id"], "--json")
    listed = wfm(*at, "meetings", "list", "--json").json()["items"]

    assert refused.code != 0 and refused.err.count("\n") == 1
    assert "Assembled refused to delete" in refused.err and "nothing changed" in refused.err
    assert any(a["id"] == activity for a in state.activities.values())
    (row,) = [m for m in listed if m["id"] == meeting["id"]]
    assert row["status"] == "booked"

    cancelled = wfm(*at, "meetings", "cancel", meeting["id"], "--json")  # no fault now

    assert cancelled.code == 0 and cancelled.json()["status"] == "cancelled"
    assert not any(a["id"] == activity for a in state.activities.values())


def test_a_404_from_the_score_path_stops_the_export_with_one_clear_status(
    wfm: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = Emulator(EmulatorConfig(keys=(KEY,), rate=1000, burst=1000, scores_status=200))
    seed_demo(emulator.state, ANCHOR, anchor=ANCHOR)
    with EmulatorServer(emulator) as server:
        at = ("--provider", "assembled", "--base-url", server.base_url)
        assert set_key(wfm, monkeypatch, server.base_url) == 0
        added = wfm("scores", "add", "--evaluation", "ev-1", "--agent", AGENT, "--score", "7")
        assert added.code == 0
        monkeypatch.setenv("WFM_OPTION_SCORES_PATH", "/v0/qa_scores/elsewhere")

        first = wfm(*at, "export", "run")
        again = wfm(*at, "export", "run")  # e.g. the next hour
        export_status = wfm(*at, "export", "status")
        auth_status = wfm(*at, "auth", "status")
        pushes = {k: n for k, n in emulator.state.ledger.requests.items() if "qa_scores" in k}

        assert first.code != 0 and again.code != 0 and first.err.count("\n") == 1
        expected = "QA score ingestion is not available at /v0/qa_scores/elsewhere"
        assert expected in first.err and "WFM_OPTION_scores_path" in first.err
        assert "until the configuration changes" in again.err
        assert pushes == {"POST /v0/qa_scores/elsewhere 404": 1}  # not retried
        assert expected in " ".join(export_status.out.split())
        assert expected in " ".join(auth_status.out.split())

        monkeypatch.delenv("WFM_OPTION_SCORES_PATH")  # the configuration changes: it resumes
        fixed = wfm(*at, "export", "run", "--json")

        assert fixed.code == 0, fixed.err  # and a 200 (not 202) counts as acknowledged
        assert fixed.json()["sent"] >= 1
        assert "not available" not in wfm(*at, "export", "status").out


def test_two_installations_of_a_tenant_one_books_in_both_calendars_the_other_cancels(
    server: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    state = server.emulator.state
    before, created, deleted = dict(state.activities), len(state.ledger.created), len(
        state.ledger.deleted
    )
    at = ("--provider", "assembled", "--base-url", server.base_url)
    coach = "james.miller@example.com"
    when = (datetime.now(UTC) + timedelta(days=3)).replace(hour=15, minute=0, second=0)
    isolate(monkeypatch, tmp_path / "first")  # one installation's own data directory
    first = Cli(capsys)
    assert set_key(first, monkeypatch, server.base_url) == 0
    booked = first(
        *at, "meetings", "book", AGENT, "--start", when.strftime("%Y-%m-%dT%H:%M"),
        "--minutes", "30", "--facilitator", coach, "--force", "--json",
    )  # fmt: skip
    assert booked.code == 0, booked.err
    meeting = booked.json()
    parts = {meeting["provider_activity_id"], *(c["id"] for c in meeting["companions"])}
    assert len(parts) == 2 and meeting["notes"] == [
        f"in the calendars of the agent and of the facilitator {coach}"
    ]
    holders = {a["agent_id"] for a in state.activities.values() if a["id"] in parts}
    assert len(holders) == 2  # the agent's calendar and the coach's

    isolate(monkeypatch, tmp_path / "second")  # another installation, the same tenant key
    second = Cli(capsys)
    assert set_key(second, monkeypatch, server.base_url) == 0
    day = when.date().isoformat()
    seen = second(*at, "schedule", AGENT, "--start", day, "--days", "7", "--json").json()
    texts = [b["description"] for e in seen["employees"] for d in e["days"] for b in d["blocks"]]
    (shown,) = [t for t in texts if f"(ref {meeting['id']})" in t]
    reference = shown.rsplit("(ref ", 1)[1].rstrip(")")
    refused = second(*at, "meetings", "cancel", reference, "--json")
    assert refused.code == 2 and "--agent EMAIL" in refused.err

    cancelled = second(*at, "meetings", "cancel", reference, "--agent", "Ana Lee", "--on", day,
                       "--json")  # fmt: skip  (a unique display name, as book takes)

    assert cancelled.code == 0, cancelled.err
    assert cancelled.json()["status"] == "cancelled"
    assert state.activities == before  # both parts gone, nothing else touched
    assert {a["id"] for a in state.ledger.created[created:]} == parts
    assert {(a["id"], why) for a, why in state.ledger.deleted[deleted:]} == {
        (p, "bulk delete by id") for p in parts
    }
    assert state.ledger.trimmed == []
    isolate(monkeypatch, tmp_path / "first")  # back to the booking installation
    recorded = first(*at, "meetings", "list", "--json").json()  # its ledger, as recorded
    assert recorded["verified"] is False and recorded["items"][0]["status"] == "booked"
    assert "--verify" in first(*at, "meetings", "list").out  # says it is only the record
    checked = first(*at, "meetings", "list", "--verify", "--json")
    assert checked.code == 0, checked.err
    (gone,) = checked.json()["items"]
    assert checked.json()["verified"] is True
    assert (gone["id"], gone["in_provider"], gone["status"]) == (meeting["id"], "gone",
                                                                "booked")  # fmt: skip
    assert "1 not found" in first(*at, "meetings", "list", "--verify").out  # a read: unchanged
    again = first(*at, "meetings", "cancel", meeting["id"], "--json")  # the booker: gone, done
    assert again.code == 0 and again.json()["status"] == "cancelled"
    assert state.activities == before


def test_the_tour_tells_the_same_story_on_the_emulator(
    wfm: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WFM_DEMO_ANCHOR")  # the demo weeks of today, as `--seed demo` serves
    emulator = Emulator(EmulatorConfig(keys=(KEY,), rate=1000, burst=1000))
    seed_demo(emulator.state, datetime.now(UTC).date())
    with EmulatorServer(emulator) as server:
        before = dict(emulator.state.activities)
        assert set_key(wfm, monkeypatch, server.base_url) == 0

        toured = wfm("--provider", "assembled", "--base-url", server.base_url, "demo", "--json")

        assert toured.code == 0, toured.err
        check_tour_story(toured.json()["items"])
        assert emulator.state.activities == before  # booked and cancelled: nothing else
