"""`wfm schedule` and `wfm activity-types` on the embedded demo organisation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from e2e.cli_run import Cli, isolate

AGENT = "ana.lee@example.com"
HOLIDAY = "2024-07-01"  # the demo's company holiday (anchor + 28 days): a Monday, no activity


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory per module: these commands only read the seeded demo org."""
    return tmp_path_factory.mktemp("wfm-home")


@pytest.fixture
def wfm(monkeypatch: pytest.MonkeyPatch, home: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    isolate(monkeypatch, home)
    return Cli(capsys)


def test_fourteen_days_json_one_entry_per_date_with_blocks(wfm: Cli) -> None:
    result = wfm(
        "--tz",
        "America/Chicago",
        "schedule",
        AGENT,
        "noah.fischer@example.com",
        "--start",
        "2024-06-24",
        "--days",
        "14",
        "--json",
    )
    assert result.code == 0, result.err
    view = result.json()
    (ana,) = view["employees"]
    assert ana["employee"]["email"] == AGENT
    dates = [d["date"] for d in ana["days"]]
    assert dates == [(date(2024, 6, 24) + timedelta(i)).isoformat() for i in range(14)]
    by_date = {d["date"]: d["blocks"] for d in ana["days"]}
    assert by_date[HOLIDAY] == []
    monday = by_date["2024-06-24"]
    assert monday, "an ordinary Monday has a shift"
    for block in monday:
        assert {"start", "end", "activity", "description", "activity_id"} <= set(block)
        start = datetime.fromisoformat(block["start"])
        assert start.astimezone(ZoneInfo("America/Chicago")).date() == date(2024, 6, 24)
    starts = [datetime.fromisoformat(b["start"]).astimezone(UTC) for b in monday]
    assert starts == sorted(starts)
    assert {b["activity"] for d in ana["days"] for b in d["blocks"]} >= {"Shift", "Lunch"}
    (noah,) = view["unmapped"]
    assert noah["employee"]["email"] == "noah.fischer@example.com" and noah["reason"]
    assert view["partial"] is True and result.err.startswith("partial: 1 of 2")
    assert all(b["start"].endswith("Z") for b in monday), "times are UTC, the zone given once"
    assert ana["employee"]["agent_id"], "the employee carries the provider agent id"


def test_default_start_is_today_in_the_viewers_zone_and_default_days_is_14(wfm: Cli) -> None:
    before = datetime.now(ZoneInfo("Pacific/Auckland")).date()
    result = wfm("--tz", "Pacific/Auckland", "schedule", AGENT, "--json")
    after = datetime.now(ZoneInfo("Pacific/Auckland")).date()
    assert result.code == 0, result.err
    days = result.json()["employees"][0]["days"]
    assert len(days) == 14
    assert date.fromisoformat(days[0]["date"]) in {before, after}


def test_table_shows_every_date_and_empty_dates_visibly(wfm: Cli) -> None:
    result = wfm("schedule", AGENT, "--start", "2024-06-24", "--days", "14")
    assert result.code == 0, result.err
    for i in range(14):
        assert (date(2024, 6, 24) + timedelta(i)).isoformat() in result.out
    assert "— no activities" in result.out  # the weekend and the holiday
    assert "Shift" in result.out


def test_unmapped_employees_are_listed_in_the_table(wfm: Cli) -> None:
    result = wfm("schedule", AGENT, "yuki.tanaka@example.com", "--start", "2024-06-24",
                 "--days", "7")
    assert result.code == 0, result.err
    assert "could not be mapped" in result.out
    assert "inactive in memory_fake" in result.out
    assert "partial: 1 of 2" in result.err


def test_nobody_mappable_is_bad_input(wfm: Cli) -> None:
    result = wfm("schedule", "yuki.tanaka@example.com", "--start", "2024-06-24", "--days", "7")
    assert result.code == 2
    assert "nobody could be mapped" in result.err and "inactive in memory_fake" in result.err


def test_emails_comma_separated_and_unique_names_are_accepted(wfm: Cli) -> None:
    result = wfm("schedule", f"{AGENT},maria.garcia@example.com", "Thomas  Brennan", "--start",
                 "2024-06-24", "--days", "7", "--json")
    assert result.code == 0, result.err
    emails = [e["employee"]["email"] for e in result.json()["employees"]]
    assert emails == [AGENT, "Maria.Garcia@Example.COM", "tom.brennan@old-helpdesk.example"]
    ambiguous = wfm("schedule", "Sam Taylor", "--days", "7")
    assert ambiguous.code == 2 and "ambiguous name" in ambiguous.err  # unique here, not there
    unknown = wfm("schedule", "Nobody Here", "--days", "7")
    assert unknown.code == 2 and "no employee has that name" in unknown.err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--days", "6"], "7 to 60 days"),
        (["--days", "61"], "7 to 60 days"),
        (["--start", "2024-02-30"], "YYYY-MM-DD"),
        (["--start", "next monday"], "YYYY-MM-DD"),
        (["--days", "two"], "--days"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(wfm: Cli, args: list[str], needle: str) -> None:
    result = wfm("schedule", AGENT, *args)
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("error: ") and result.err.count("\n") == 1
    assert needle in result.err


def test_bad_time_zone_is_exit_2(wfm: Cli) -> None:
    result = wfm("--tz", "Mars/Base", "schedule", AGENT)
    assert (result.code, result.err.startswith("error: unknown time zone")) == (2, True)


def test_help_recommends_7_to_14_days(wfm: Cli) -> None:
    result = wfm("schedule", "--help")
    assert result.code == 0
    assert "7-14" in result.out


def test_activity_types_lists_meeting(wfm: Cli) -> None:
    result = wfm("activity-types", "--json")
    assert result.code == 0, result.err
    names = [t["name"] for t in result.json()["items"]]
    assert "Meeting" in names and "Shift" in names
    table = wfm("activity-types", "--refresh")
    assert table.code == 0, table.err
    assert "Activity types" in table.out and "Meeting" in table.out


def test_team_picks_its_employees_and_tz_agent_is_refused_where_it_means_nothing(
    wfm: Cli,
) -> None:
    # a provider without teams: tests/host/test_capabilities.py
    team = wfm("schedule", "--team", " billing ", "--start", "2024-06-24", "--days", "7",
               "--json")
    assert team.code == 0, team.err
    assert len(team.json()["employees"]) == 8
    listed = wfm("--tz", "agent", "meetings", "list")
    assert listed.code == 2 and "--tz agent (each employee's own zone) applies to" in listed.err
    nothing = wfm("schedule", "--days", "7")
    assert nothing.code == 2 and "--team NAME" in nothing.err
