"""The `wfm` CLI with ``--provider genesys --base-url <emulator>``, end to end, in-process:
the same commands as for Assembled (auth set-key with one line per declared field, mapping,
a 14-day schedule, slots, book, cancel, export)."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from e2e.cli_run import Cli, check_tour_story, isolate

from wfm_bridge.plugins.genesys.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.genesys.emulator.seed import DEMO_METRIC_ID, seed_demo
from wfm_bridge.plugins.genesys.emulator.server import EmulatorServer

from .support import CLIENT_ID, CLIENT_SECRET

AGENT = "ana.lee@example.com"
LEAD = "james.miller@example.com"  # another agent facilitates (a mapped person)
SUPERVISOR = "olivia.hart@example.com"  # a Genesys user in no management unit: no schedule


def _next_wednesday() -> datetime:
    today = datetime.now(UTC).date()
    day = today + timedelta(days=(2 - today.weekday()) % 7 or 7)
    return datetime(day.year, day.month, day.day, 15, tzinfo=UTC)


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    emulator = Emulator(EmulatorConfig(clients=((CLIENT_ID, CLIENT_SECRET),), rate_limit=False))
    seed_demo(emulator.state, datetime.now(UTC).date())  # the demo calendar around today
    with EmulatorServer(emulator) as running:
        yield running


@pytest.fixture
def wfm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    isolate(monkeypatch, tmp_path)
    monkeypatch.delenv("WFM_DEMO_ANCHOR", raising=False)
    for var in ("WFM_HOST_NAME", "WFM_WORK_HOURS", "WFM_AVAILABLE_TYPES", "WFM_STATE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("WFM_SCORES", raising=False)
    return Cli(capsys)


def test_the_whole_flow_through_the_cli(
    wfm: Cli, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = ("--provider", "genesys", "--base-url", server.base_url)
    state = server.emulator.state
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{CLIENT_ID}\n{CLIENT_SECRET}\n"))
    set_key = wfm(*at, "auth", "set-key")
    assert set_key.code == 0, set_key.err
    assert CLIENT_SECRET not in set_key.out + set_key.err

    mapping = wfm(*at, "mapping", "show", "--json")
    assert mapping.code == 0, mapping.err
    assert AGENT in mapping.out

    when = _next_wednesday()
    start = (when - timedelta(days=2)).date().isoformat()
    schedule = wfm(*at, "schedule", AGENT, "--start", start, "--days", "14", "--json")
    assert schedule.code == 0, schedule.err
    coach_before = _blocks(wfm, at, LEAD, start)
    days = schedule.json()["employees"][0]["days"]
    assert len(days) == 14
    before = [b for d in days for b in d["blocks"]]
    assert any(b["activity"] == "Shift" for b in before)

    slots = wfm(*at, "slots", AGENT, "--from", when.date().isoformat(), "--days", "1",
                "--minutes", "30", "--json")  # fmt: skip
    assert slots.code == 0, slots.err
    assert slots.json()["items"]

    start_at = when.strftime("%Y-%m-%dT%H:%M")
    booked = wfm(*at, "meetings", "book", AGENT, "--start", start_at, "--minutes", "30",
                 "--description", "CLI", "--facilitator", LEAD, "--json")  # fmt: skip
    assert booked.code == 0, booked.err
    meeting = booked.json()
    (appointment,) = state.coaching.appointments.values()
    assert appointment["id"] == meeting["provider_activity_id"]
    assert appointment["facilitator"]["id"] != appointment["attendees"][0]["id"]
    facilitator = state.org.user(appointment["facilitator"]["id"])
    assert facilitator is not None and facilitator["email"] == LEAD
    assert appointment["name"].startswith("One To One [Created via evaluagent]")

    during = wfm(*at, "schedule", AGENT, "--start", start, "--days", "14", "--json")
    blocks = [b for d in during.json()["employees"][0]["days"] for b in d["blocks"]]
    ours = [b for b in blocks if b["activity_id"] == meeting["provider_activity_id"]]
    assert len(ours) == 1 and ours[0]["created_here"] is True
    assert [b for b in blocks if b not in ours] == before
    assert [(c["id"], c["agent_id"]) for c in meeting["companions"]] == [
        (appointment["id"], facilitator["id"])
    ]  # the facilitator's calendar holds it too
    coach_during = _blocks(wfm, at, LEAD, start)
    coach_ours = [b for b in coach_during if b["activity_id"] == appointment["id"]]
    assert len(coach_ours) == 1 and coach_ours[0]["created_here"] is True
    assert [b for b in coach_during if b not in coach_ours] == coach_before

    cancelled = wfm(*at, "meetings", "cancel", meeting["id"], "--json")
    assert cancelled.code == 0, cancelled.err
    assert cancelled.json()["status"] == "cancelled"
    assert state.coaching.appointments == {}
    assert [a["id"] for a in state.ledger.appointments_deleted] == [appointment["id"]]
    after = wfm(*at, "schedule", AGENT, "--start", start, "--days", "14", "--json")
    assert [b for d in after.json()["employees"][0]["days"] for b in d["blocks"]] == before
    assert _blocks(wfm, at, LEAD, start) == coach_before

    assert wfm(*at, "scores", "seed").code == 0
    first = wfm(*at, "export", "run", "--json")
    second = wfm(*at, "export", "run", "--json")
    assert first.code == 0, first.err
    sent = first.json()["sent"]
    assert sent > 0 and second.json()["sent"] == 0
    writes = state.ledger.metric_writes
    assert all(len(w) <= 100 for w in writes)
    items = [i for w in writes for i in w]
    keys = [(i["userId"], i["metricId"], i["dateOccurred"]) for i in items]
    assert len(keys) == len(set(keys)), "each day value sent once"
    stored = {k for k in state.metrics.data if k[1] == DEMO_METRIC_ID}
    assert stored == set(keys)


def _signed_in(
    wfm: Cli, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, ...]:
    """The global options reaching the emulator, its client credentials set."""
    at = ("--provider", "genesys", "--base-url", server.base_url)
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{CLIENT_ID}\n{CLIENT_SECRET}\n"))
    assert wfm(*at, "auth", "set-key").code == 0
    return at


def _blocks(wfm: Cli, at: tuple[str, ...], email: str, start: str) -> list[dict[str, Any]]:
    shown = wfm(*at, "schedule", email, "--start", start, "--days", "14", "--json")
    assert shown.code == 0, shown.err
    return [b for d in shown.json()["employees"][0]["days"] for b in d["blocks"]]


def test_a_supervisor_without_a_schedule_facilitates_the_appointment(
    wfm: Cli, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _signed_in(wfm, server, monkeypatch)
    state = server.emulator.state
    when = _next_wednesday()
    slots = wfm(*at, "slots", AGENT, "--from", when.date().isoformat(), "--days", "1",
                "--minutes", "30", "--facilitator", SUPERVISOR, "--json")  # fmt: skip
    assert slots.code == 0, slots.err
    assert slots.json()["items"] and "has no schedule" in slots.json()["basis"]
    first = slots.json()["items"][0]["start"]

    booked = wfm(*at, "meetings", "book", AGENT, "--start", first, "--minutes", "30",
                 "--facilitator", SUPERVISOR, "--json")  # fmt: skip

    assert booked.code == 0, booked.err
    meeting = booked.json()
    (appointment,) = state.coaching.appointments.values()
    lead = state.org.user(appointment["facilitator"]["id"])
    assert lead is not None and lead["email"] == SUPERVISOR
    assert meeting["companions"] == [] and "has no schedule" in meeting["notes"][0]
    assert wfm(*at, "meetings", "cancel", meeting["id"]).code == 0
    assert state.coaching.appointments == {}


def test_the_tour_tells_the_same_story_on_the_emulator(
    wfm: Cli, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _signed_in(wfm, server, monkeypatch)

    toured = wfm(*at, "demo", "--json")

    assert toured.code == 0, toured.err
    check_tour_story(toured.json()["items"])
    assert server.emulator.state.coaching.appointments == {}  # booked, then cancelled


def test_teams_and_a_teams_schedule_through_the_cli(
    wfm: Cli, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _signed_in(wfm, server, monkeypatch)

    listed = wfm(*at, "teams", "--json")
    assert listed.code == 0, listed.err
    assert [t["name"] for t in listed.json()["items"]] == [
        "Billing", "Onboarding", "Retention", "Tech Support", "Weekend Crew"
    ]  # fmt: skip
    table = wfm(*at, "teams")
    assert table.code == 0 and "Retention" in table.out

    start = _next_wednesday().date().isoformat()
    shown = wfm(*at, "--tz", "agent", "schedule", "--team", " retention ", "--start", start,
                "--days", "7", "--json")  # fmt: skip
    assert shown.code == 0, shown.err
    employees = shown.json()["employees"]
    names = {e["employee"]["name"] for e in employees}
    assert "Oliver Smith" in names and "Ana Lee" not in names
    assert {e["timezone"] for e in employees} == {"Europe/London"}
    assert all(len(e["days"]) == 7 for e in employees)
    assert any(b["activity"] == "Shift" for e in employees for d in e["days"] for b in d["blocks"])

    unknown = wfm(*at, "schedule", "--team", "Sales", "--days", "7")
    assert unknown.code == 2 and "known teams: 'Billing'" in unknown.err
