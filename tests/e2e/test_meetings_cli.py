"""`wfm meetings` and `wfm slots` end to end on the embedded demo organisation.

The demo calendar follows today here (no pinned anchor), so next week's Wednesday has
Ana's usual shift: the meeting is booked on top of it and the shift must survive.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from e2e.cli_run import Cli, isolate

AGENT = "ana.lee@example.com"


def _next_wednesday() -> date:
    today = datetime.now(UTC).date()
    return today + timedelta(days=(2 - today.weekday()) % 7 or 7)


DAY = _next_wednesday()
START = f"{DAY.isoformat()}T15:00:00+00:00"


@pytest.fixture
def wfm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    isolate(monkeypatch, tmp_path)
    monkeypatch.delenv("WFM_DEMO_ANCHOR")  # the demo calendar around today
    for var in ("WFM_HOST_NAME", "WFM_WORK_HOURS", "WFM_AVAILABLE_TYPES", "WFM_STATE"):
        monkeypatch.delenv(var, raising=False)
    return Cli(capsys)


def _blocks(wfm: Cli) -> list[dict[str, Any]]:
    result = wfm("schedule", AGENT, "--start", DAY.isoformat(), "--days", "7", "--json")
    assert result.code == 0, result.err
    return [b for b in result.json()["employees"][0]["days"][0]["blocks"]]


def _book(wfm: Cli, *extra: str, start: str = START) -> Any:
    result = wfm(
        "meetings", "book", AGENT, "--start", start, "--minutes", "30",
        "--description", "coaching on call 42", "--json", *extra,
    )  # fmt: skip
    assert result.code == 0, result.err
    return result.json()


def test_book_shows_in_schedule_then_cancel_removes_only_it(wfm: Cli) -> None:
    before = _blocks(wfm)
    assert any(b["activity"] == "Shift" for b in before), "the demo Wednesday has a shift"

    meeting = _book(wfm, "--key", "req-1", "--facilitator", "lead@example.com")
    assert {"id", "title", "start", "end", "provider_activity_id"} <= set(meeting)
    assert meeting["title"] == "One To One [Created via evaluagent]"
    assert meeting["status"] == "booked"
    assert datetime.fromisoformat(meeting["end"]) - datetime.fromisoformat(
        meeting["start"]
    ) == timedelta(minutes=30)

    during = _blocks(wfm)
    ours = [b for b in during if b["activity_id"] == meeting["provider_activity_id"]]
    assert len(ours) == 1
    assert ours[0]["activity"] == "Meeting" and ours[0]["created_here"] is True
    assert ours[0]["description"].startswith(
        "One To One [Created via evaluagent] - coaching on call 42"
    )
    assert [b for b in during if b not in ours] == before  # nothing else changed

    assert _book(wfm, "--key", "req-1", "--facilitator", "lead@example.com") == meeting
    listed = wfm("meetings", "list", "--json")
    assert [m["id"] for m in listed.json()["items"]] == [meeting["id"]]
    assert meeting["start"].endswith("Z") and meeting["agent"]["email"] == AGENT

    reused = wfm("meetings", "book", AGENT, "--start", START, "--minutes", "45", "--key", "req-1")
    assert reused.code == 2, "a reused idempotency key is bad input"
    assert "already used" in reused.err

    cancelled = wfm("meetings", "cancel", meeting["id"], "--json")
    assert cancelled.code == 0, cancelled.err
    assert cancelled.json()["status"] == "cancelled"
    assert _blocks(wfm) == before
    again = wfm("meetings", "cancel", meeting["id"])
    assert again.code == 0 and "cancelled" in again.out


def test_only_meetings_booked_here_can_be_cancelled(wfm: Cli) -> None:
    shift_id = next(b["activity_id"] for b in _blocks(wfm) if b["activity"] == "Shift")
    result = wfm("meetings", "cancel", shift_id)
    assert result.code == 2, "an unknown meeting id is bad input"
    assert "only meetings created by this product can be cancelled" in result.err
    assert shift_id in {b["activity_id"] for b in _blocks(wfm)}


@pytest.mark.parametrize("command", ["modify", "bulk-create", "bulk-delete", "sync-shifts"])
def test_not_supported_commands_exit_2(wfm: Cli, command: str) -> None:
    result = wfm("meetings", command, "mtg-1", "--start", "2030-01-01T10:00")
    assert result.code == 2
    assert result.err.startswith("error: ") and "not supported" in result.err
    assert len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--start", "soon", "--minutes", "30"], 2, "not an ISO 8601 time"),
        (["--start", "2020-01-01T10:00", "--minutes", "30"], 2, "in the past"),
        (["--start", START, "--minutes", "0"], 2, "positive"),
        (["--start", START, "--minutes", "600"], 2, "longer than the longest 1:1"),
    ],
)
def test_bad_bookings_are_one_line_errors(
    wfm: Cli, args: list[str], code: int, message: str
) -> None:
    result = wfm("meetings", "book", AGENT, *args)
    assert result.code == code
    assert message in result.err and len(result.err.strip().splitlines()) == 1
    assert wfm("meetings", "list", "--json").json()["items"] == []


def test_an_unmapped_agent_gets_the_mapping_reason(wfm: Cli) -> None:
    result = wfm("meetings", "book", "yuki.tanaka@example.com", "--start", START, "--minutes", "30")
    assert result.code == 2, "nobody mappable is bad input"
    assert "inactive" in result.err and "wfm mapping explain" in result.err


def test_slots_skip_the_booked_meeting_and_json_has_start_and_end(wfm: Cli) -> None:
    args = ("slots", AGENT, "--from", DAY.isoformat(), "--days", "1", "--minutes", "30")
    env_free = wfm(*args, "--json")
    assert env_free.code == 0, env_free.err
    assert env_free.json()["items"], "Ana is free before her shift starts"
    first = env_free.json()["items"][0]
    assert datetime.fromisoformat(first["end"]) - datetime.fromisoformat(
        first["start"]
    ) == timedelta(minutes=30)
    assert wfm(*args[:-2], "--days", "15").code == 2


def test_slots_with_shifts_available_offer_the_shift_but_not_the_meeting(
    wfm: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WFM_AVAILABLE_TYPES", "Shift")
    monkeypatch.setenv("WFM_WORK_HOURS", "00:00-23:59")
    args = ("slots", AGENT, "--from", DAY.isoformat(), "--days", "1", "--minutes", "30", "--json")
    free = [s["start"] for s in wfm(*args).json()["items"]]
    shift = [b for b in _blocks(wfm) if b["activity"] == "Shift"]
    inside = [t for t in free if any(b["start"] <= t < b["end"] for b in shift)]
    assert inside, "with Shift available, time inside the shift is offered"
    _book(wfm, start=inside[0])
    assert inside[0] not in {s["start"] for s in wfm(*args).json()["items"]}


OLIVER = "oliver.smith@example.com"


def test_done_when_oliver_gets_slots_inside_his_shift_and_off_duty_is_refused(wfm: Cli) -> None:
    found = wfm("slots", OLIVER, "--from", DAY.isoformat(), "--days", "5", "--minutes", "30",
                "--json")  # fmt: skip
    assert found.code == 0, found.err
    body = found.json()
    assert body["timezone"] == "Europe/London" and body["items"]
    sched = wfm("schedule", OLIVER, "--start", DAY.isoformat(), "--days", "7", "--json")
    blocks = [b for d in sched.json()["employees"][0]["days"] for b in d["blocks"]]
    for slot in body["items"]:
        s, e = datetime.fromisoformat(slot["start"]), datetime.fromisoformat(slot["end"])
        hits = [
            b
            for b in blocks
            if datetime.fromisoformat(b["start"]) < e and s < datetime.fromisoformat(b["end"])
        ]
        assert hits and all(b["activity"] == "Shift" for b in hits), slot  # fmt: skip
        assert slot["reason"]
    off = f"{DAY.isoformat()}T03:00:00+00:00"
    refused = wfm("meetings", "book", OLIVER, "--start", off, "--minutes", "30")
    assert refused.code == 2 and "off duty" in refused.err
    args = ("meetings", "book", OLIVER, "--start", off, "--minutes", "30", "--force", "--json")
    first, again = wfm(*args), wfm(*args)
    assert first.code == 0, first.err
    assert first.json()["id"] == again.json()["id"]
    assert wfm("meetings", "list", "--json").json()["count"] == 1


def test_slots_wholly_in_the_past_name_the_agents_zone_and_today_there(wfm: Cli) -> None:
    for zone in (("--tz", "agent"), ("--tz", "Asia/Tokyo"), ()):
        past = wfm(*zone, "slots", AGENT, "--from", "2020-01-06", "--days", "5")
        assert past.code == 2, zone
        today = datetime.now(ZoneInfo("America/Chicago")).date()  # Ana's days are Chicago's
        assert "(America/Chicago, the agent's zone)" in past.err, past.err
        assert "(agent)" not in past.err
        assert f"give --from {today} or later" in past.err or (
            f"give --from {today + timedelta(days=1)} or later" in past.err  # midnight passed
        )
