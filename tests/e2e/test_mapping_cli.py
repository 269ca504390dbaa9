"""`wfm mapping show|explain|refresh` on the embedded demo organisation."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2e.cli_run import Cli, isolate


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory per module: these commands only read the seeded demo org."""
    return tmp_path_factory.mktemp("wfm-home")


@pytest.fixture
def wfm(monkeypatch: pytest.MonkeyPatch, home: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    isolate(monkeypatch, home)
    return Cli(capsys)


def test_show_json_gets_every_edge_case_right(wfm: Cli) -> None:
    result = wfm("mapping", "show", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["count"] == len(data["items"]) == data["mapped"] + data["unmapped"]
    assert data["unmapped"] == 3 and data["cache_refreshed_at"].endswith("Z")
    rows = {row["employee"]["email"]: row for row in data["items"]}
    assert rows["ana.lee@example.com"]["agent"]["agent_id"], "the agent is a person"
    outcome = {email: (row["status"], row["rule"]) for email, row in rows.items()}
    assert outcome["ana.lee@example.com"] == ("mapped", "email")
    assert outcome["Maria.Garcia@Example.COM"] == ("mapped", "email")
    assert outcome["pokafor@contractor-mail.example"] == ("mapped", "agent_id")
    assert outcome["tom.brennan@old-helpdesk.example"] == ("mapped", "name")
    for email in ("yuki.tanaka@example.com", "sam.t@partner.example", "noah.fischer@example.com"):
        assert outcome[email] == ("unmapped", None)
    assert rows["yuki.tanaka@example.com"]["reason"].startswith("inactive in memory_fake")
    assert rows["sam.t@partner.example"]["reason"].startswith("ambiguous name")
    assert "wfm mapping refresh" in rows["noah.fischer@example.com"]["reason"]
    assert all(row["reason"] is None for row in rows.values() if row["status"] == "mapped")
    assert sum(row["status"] == "mapped" for row in rows.values()) >= 30


def test_show_table_lists_unmapped_with_reasons(wfm: Cli) -> None:
    result = wfm("mapping", "show")
    assert result.code == 0, result.err
    assert "Employee mapping" in result.out
    assert "3 unmapped" in result.out
    assert "- yuki.tanaka@example.com: inactive in memory_fake" in result.out


def test_explain_shows_each_rule_and_the_closest_email(wfm: Cli) -> None:
    result = wfm("mapping", "explain", "ana.le@example.com", "--json")
    assert result.code == 0, result.err
    explanation = result.json()
    assert explanation["status"] == "unmapped" and explanation["agent"] is None
    assert [c["rule"] for c in explanation["checks"]] == ["agent_id", "email", "name"]
    email_check = explanation["checks"][1]
    assert not email_check["matched"]
    assert "closest memory_fake email: ana.lee@example.com" in email_check["detail"]
    assert explanation["cache_refreshed_at"]

    table = wfm("mapping", "explain", "tom.brennan@old-helpdesk.example")
    assert table.code == 0, table.err
    assert "is mapped" in table.out and "by name" in table.out
    assert "provider people last fetched" in table.out


def test_explain_rejects_a_blank_email(wfm: Cli) -> None:
    result = wfm("mapping", "explain", "  ")
    assert result.code == 2
    assert result.err.startswith("error: ") and result.err.count("\n") == 1


def test_refresh_says_when(wfm: Cli) -> None:
    result = wfm("mapping", "refresh")
    assert result.code == 0, result.err
    assert "refreshed at" in result.out and "'default'" in result.out
