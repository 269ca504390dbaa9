"""Issue 14's Done-when against the Assembled emulator (the demo organisation over HTTP):
every slot lies in available blocks of the agent's own schedule; teams come from Assembled."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from e2e.cli_run import Cli, isolate
from e2e.slots_in_schedule import check_slots_lie_in_available_blocks, next_monday

from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.assembled.emulator.seed import seed_demo
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer
from wfm_bridge.plugins.memory_fake.demo import demo_anchor

from .support import KEY
from .test_cli_http import set_key

TODAY = datetime.now(UTC).date()


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    emulator = Emulator(EmulatorConfig(keys=(KEY,), rate=1000, burst=1000))
    seed_demo(emulator.state, TODAY, anchor=demo_anchor(TODAY))
    with EmulatorServer(emulator) as running:
        yield running


@pytest.fixture
def wfm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    isolate(monkeypatch, tmp_path)
    return Cli(capsys)


def test_every_slot_lies_in_available_blocks_over_http(
    wfm: Cli, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert set_key(wfm, monkeypatch, server.base_url) == 0
    options = ("--provider", "assembled", "--base-url", server.base_url)
    days_with = check_slots_lie_in_available_blocks(wfm, options, next_monday(TODAY))
    assert len(days_with["oliver.smith@example.com"]) >= 4


def test_team_schedules_and_unknown_teams_over_http(
    wfm: Cli, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert set_key(wfm, monkeypatch, server.base_url) == 0
    options = ("--provider", "assembled", "--base-url", server.base_url)
    listed = wfm(*options, "teams", "--json")
    assert listed.code == 0, listed.err
    assert [t["name"] for t in listed.json()["items"]] == [
        "Billing", "Onboarding", "Retention", "Tech Support", "Weekend Crew"]
    shown = wfm(*options, "--tz", "agent", "schedule", "--team", "retention", "--days", "7",
                "--json")
    assert shown.code == 0, shown.err
    employees = shown.json()["employees"]
    assert "Oliver Smith" in [e["employee"]["name"] for e in employees]
    assert {e["timezone"] for e in employees} == {"Europe/London"}
    unknown = wfm(*options, "schedule", "--team", "Sales", "--days", "7")
    assert unknown.code == 2 and "known teams: 'Billing'" in unknown.err
