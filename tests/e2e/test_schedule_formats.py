"""`wfm schedule --format html|ics --output FILE` on the embedded demo organisation."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from e2e.cli_run import Cli, isolate
from wfm_bridge.host.render import render_html
from wfm_bridge.ports.models import ScheduleView

AGENTS = ("ana.lee@example.com", "maria.garcia@example.com")
UNMAPPED = "noah.fischer@example.com"
HOLIDAY = "2024-07-01"  # the demo's company holiday: nobody has activities
RANGE = ("--start", "2024-06-24", "--days", "14")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory per module: these commands only read the seeded demo org."""
    return tmp_path_factory.mktemp("wfm-home")


@pytest.fixture
def wfm(monkeypatch: pytest.MonkeyPatch, home: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    isolate(monkeypatch, home)
    return Cli(capsys)


def _view(wfm: Cli) -> ScheduleView:
    result = wfm("--tz", "America/Chicago", "schedule", *AGENTS, UNMAPPED, *RANGE, "--json")
    assert result.code == 0, result.err
    return view_of(result.json())


def view_of(data: dict[str, Any]) -> ScheduleView:
    """The ScheduleView a `schedule --json` output describes (its persons back to Employees,
    its UTC times back in the viewer's zone, as the service builds them)."""
    zone = ZoneInfo(data["timezone"])

    def local(block: dict[str, Any]) -> dict[str, Any]:
        return {**block, **{k: datetime.fromisoformat(block[k]).astimezone(zone).isoformat()
                            for k in ("start", "end")}}

    def employee(person: dict[str, Any]) -> dict[str, Any]:
        return {**{k: v for k, v in person.items() if k != "agent_id"},
                "name": person["name"] or ""}

    def day(d: dict[str, Any]) -> dict[str, Any]:  # off_duty is derived from the blocks
        return {"date": d["date"], "blocks": [local(b) for b in d["blocks"]]}

    def own(e: dict[str, Any]) -> str | None:  # each employee's zone is set for --tz agent
        return e["timezone"] if data["timezone"] == "agent" else None

    employees = [{**e, "employee": employee(e["employee"]), "agent_id": e["employee"]["agent_id"],
                  "timezone": own(e), "days": [day(d) for d in e["days"]]}
                 for e in data["employees"]]
    unmapped = [{**u, "employee": employee(u["employee"])} for u in data["unmapped"]]
    rest = {k: v for k, v in data.items() if k != "partial"}
    return ScheduleView.model_validate({**rest, "employees": employees, "unmapped": unmapped})


def test_html_file_is_the_calendar_of_the_same_view(wfm: Cli, tmp_path: Path) -> None:
    out = tmp_path / "cal.html"
    args = ("--tz", "America/Chicago", "schedule", *AGENTS, UNMAPPED, *RANGE)
    result = wfm(*args, "--format", "html", "--output", str(out))
    assert result.code == 0, result.err
    assert result.out == "" and f"wrote {out}" in result.err
    page = out.read_text(encoding="utf-8")
    view = _view(wfm)
    assert page == render_html(view)
    assert "All times are in <b>America/Chicago</b>" in page
    for email in AGENTS:
        host_id = next(
            s.employee.host_id
            for s in view.employees
            if (s.employee.email or "").casefold() == email
        )
        assert f'class="lane empty" data-employee="{host_id}" data-date="{HOLIDAY}"' in page
        assert f'data-employee="{host_id}" data-date="2024-06-24" data-activity=' in page
    assert "could not be matched" in page and UNMAPPED in page
    assert [p.name for p in tmp_path.iterdir()] == ["cal.html"]  # no temporary file left


def test_ics_file_holds_every_activity_once_with_stable_uids(wfm: Cli, tmp_path: Path) -> None:
    args = ("--tz", "America/Chicago", "schedule", *AGENTS, UNMAPPED, *RANGE, "--format", "ics")
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    result = wfm(*args, "--output", str(first))
    assert result.code == 0, result.err
    assert UNMAPPED in result.err and "not shown" in result.err
    assert wfm(*args, "-o", str(second)).code == 0
    events = Calendar.from_ical(first.read_bytes()).walk("VEVENT")
    again = Calendar.from_ical(second.read_bytes()).walk("VEVENT")
    assert sorted(str(e["UID"]) for e in events) == sorted(str(e["UID"]) for e in again)
    view = _view(wfm)
    activities = {
        (s.employee.host_id, b.activity_id)
        for s in view.employees
        for d in s.days
        for b in d.blocks
    }
    got = [(str(e["X-WFM-EMPLOYEE"]), str(e["X-WFM-ACTIVITY-ID"])) for e in events]
    assert sorted(got) == sorted(activities)  # each activity once, pieces joined
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_html_and_ics_go_to_stdout_without_output(wfm: Cli) -> None:
    base = ("--tz", "UTC", "schedule", AGENTS[0], *RANGE, "--format")
    html = wfm(*base, "html")
    assert html.code == 0 and html.out.startswith("<!DOCTYPE html>")
    ics = wfm(*base, "ics")
    assert ics.code == 0 and ics.out.startswith("BEGIN:VCALENDAR\r\n")
    assert Calendar.from_ical(ics.out).walk("VEVENT")


def test_json_output_file_matches_json_on_stdout(wfm: Cli, tmp_path: Path) -> None:
    out = tmp_path / "view.json"
    base = ("--tz", "America/Chicago", "schedule", *AGENTS, *RANGE)
    assert wfm(*base, "--format", "json", "--output", str(out)).code == 0
    assert json.loads(out.read_text()) == wfm(*base, "--json").json()


def test_a_file_name_at_the_file_systems_limit_is_written(wfm: Cli, tmp_path: Path) -> None:
    out = tmp_path / ("x" * 250 + ".html")  # 255 bytes: the temporary file must stay shorter
    result = wfm("schedule", AGENTS[0], *RANGE, "--format", "html", "--output", str(out))
    assert result.code == 0, result.err
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_terminal_table_stays_the_default(wfm: Cli) -> None:
    result = wfm("--tz", "America/Chicago", "schedule", AGENTS[0], *RANGE)
    assert result.code == 0, result.err
    assert "Shift" in result.out and "no activities" in result.out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--format", "table", "--output", "x.txt"), "--output needs --format json, html or ics"),
        (("--json", "--format", "ics"), "--json contradicts --format ics"),
        (("--format", "html", "--output", "missing/dir/cal.html"), "does not exist"),
        (("--json", "--output", "n" * 300), "File name too long"),  # found by the CLI fuzz
        (("--format", "pdf"), "--format"),
    ],
)
def test_contradictory_or_impossible_output_options_are_refused(
    wfm: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: tuple[str, ...], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = wfm("schedule", AGENTS[0], *RANGE, *extra)
    assert result.code == 2
    assert message in result.err and "Traceback" not in result.err
    assert list(tmp_path.iterdir()) == []
