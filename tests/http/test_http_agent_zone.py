"""`tz=agent` and `team` over HTTP: the CLI's JSON, the CLI's refusals, and the default first
date in the employees' own zones (never UTC's today for `agent`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from e2e.readonly_provider import ReadOnlyPlugin
from http_world import AGENT, Face, face, memory_settings
from local.auth_world import install

from wfm_bridge import Settings
from wfm_bridge.host.cli.app import run
from wfm_bridge.host.cli.schemas import validate

T = "/api/v1/tenants/default"
OLIVER = "oliver.smith@example.com"  # Europe/London; Ana Lee is in America/Chicago
# 03:00 UTC on Tuesday 4 June 2024: still Monday 3 June in Chicago, already the 4th in London
NIGHT = datetime(2024, 6, 4, 3, 0, tzinfo=UTC)


def _cli(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run(["--home", str(home), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _cli_json(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> Any:
    code, out, err = _cli(capsys, home, *args, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Face]:
    """The memory_fake demo of June 2024 behind the API, on the CLI's own data directory."""
    monkeypatch.setenv("WFM_DEMO_ANCHOR", "2024-06-03")
    with face(Settings(data_dir=tmp_path)) as f:
        yield f


def test_schedules_with_tz_agent_and_team_answer_the_clis_json(
    demo: Face, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    headers = demo.auth("default")
    cases = [
        (["--tz", "agent", "schedule", AGENT, OLIVER, "--start", "2024-06-10", "--days", "7"],
         f"/schedules?email={AGENT}&email={OLIVER}&start=2024-06-10&days=7&tz=agent"),
        (["schedule", "--team", " billing ", "--start", "2024-06-10", "--days", "7"],
         "/schedules?team=%20billing%20&start=2024-06-10&days=7"),
        (["--tz", "agent", "schedule", "--team", "Billing", "--start", "2024-06-10", "--days",
          "7"], "/schedules?team=Billing&start=2024-06-10&days=7&tz=agent"),
    ]
    answers = []
    for args, path in cases:
        expected = _cli_json(capsys, tmp_path, *args)
        answer = demo.client.get(f"{T}{path}", headers=headers)
        assert answer.status_code == 200, (path, answer.text)
        assert answer.json() == expected, path
        validate("schedule", answer.json())
        answers.append(answer.json())

    by_agent, team, team_by_agent = answers
    zones = {e["employee"]["email"]: e["timezone"] for e in by_agent["employees"]}
    assert by_agent["timezone"] == "agent"
    assert zones == {AGENT: "America/Chicago", OLIVER: "Europe/London"}
    assert len(team["employees"]) == 8 and team["timezone"] == "UTC"
    assert {e["timezone"] for e in team_by_agent["employees"]} == {"America/Chicago"}


def test_an_unknown_team_is_a_404_naming_the_known_teams(demo: Face) -> None:
    answer = demo.client.get(f"{T}/schedules?team=Nope&days=7", headers=demo.auth("default"))
    assert answer.status_code == 404
    error = answer.json()["error"]
    assert error["category"] == "not_found"
    assert "no team is called 'Nope'" in error["message"] and "'Billing'" in error["message"]


def test_a_provider_without_teams_is_refused_as_the_cli_refuses(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plugin = ReadOnlyPlugin()
    install(monkeypatch, plugin)
    code, _, err = _cli(capsys, tmp_path, "--provider", "readonly", "schedule", "--team",
                        "Billing", "--days", "7")  # fmt: skip
    assert code == 2
    with face(memory_settings(tmp_path, provider="readonly"), (plugin,)) as f:
        headers = f.auth("default")
        for path in ("/schedules?team=Billing&days=7", "/teams"):
            answer = f.client.get(f"{T}{path}", headers=headers)
            assert answer.status_code == 400, path
            error = answer.json()["error"]
            assert error["category"] == "not_supported" and "readonly has no teams" in error[
                "message"]
            assert error["message"] in err  # word for word what the CLI says


def test_slots_with_tz_agent_answer_the_clis_json_in_the_agents_zone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with face(Settings(data_dir=tmp_path)) as f:  # the demo's weeks are this week and next
        headers = f.auth("default")
        day = f.bridge.tenant("default").slots.first_day(OLIVER, "agent").isoformat()
        expected = _cli_json(capsys, tmp_path, "--tz", "agent", "slots", OLIVER, "--from", day,
                             "--days", "7", "--minutes", "45")  # fmt: skip
        answer = f.client.get(
            f"{T}/slots?email={OLIVER}&from={day}&days=7&minutes=45&tz=agent", headers=headers
        )
        assert answer.status_code == 200, answer.text
        assert answer.json() == expected
        validate("slots", answer.json())
        assert expected["timezone"] == "Europe/London" and expected["count"] > 0
        default = f.client.get(f"{T}/slots?email={OLIVER}&days=7&minutes=45&tz=agent",
                               headers=headers)  # fmt: skip
        assert default.json() == expected  # no `from`: today in Oliver's zone


def test_the_default_first_date_of_tz_agent_is_today_in_the_employees_zones(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WFM_DEMO_ANCHOR", "2024-06-03")
    with face(memory_settings(tmp_path, clock="memory")) as f:
        f.bridge.clock.set(NIGHT)
        headers = f.auth("default")

        def start(query: str) -> str:
            answer = f.client.get(f"{T}/schedules?{query}&days=7", headers=headers)
            assert answer.status_code == 200, answer.text
            return str(answer.json()["start"])

        assert start(f"email={OLIVER}&tz=agent") == "2024-06-04"
        assert start(f"email={AGENT}&tz=agent") == "2024-06-03"  # still Monday in Chicago
        assert start(f"email={AGENT}&email={OLIVER}&tz=agent") == "2024-06-03"  # both todays
        assert start(f"email={AGENT}&tz=UTC") == "2024-06-04"  # a viewer's zone: its today
        slots = f.client.get(f"{T}/slots?email={AGENT}&days=1&tz=agent", headers=headers)
        assert list(slots.json()["days_without_slot"]) == ["2024-06-03"]  # over by 22:00 there
        slots = f.client.get(f"{T}/slots?email={AGENT}&days=1&tz=UTC", headers=headers)
        assert list(slots.json()["days_without_slot"]) == ["2024-06-03"]  # Ana's days anyway
