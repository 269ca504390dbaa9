"""Issue 14's Done-when, as a check any provider's CLI run can make: for every mapped demo
agent, every slot `wfm slots EMAIL --from D --days 5 --minutes 30 --json` offers lies inside
blocks whose availability is `available` in `wfm --tz agent schedule EMAIL --start D --days 7
--json` and overlaps no other block; agents with shifts get slots on their working days."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from e2e.cli_run import Result

Span = tuple[datetime, datetime]


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _merged(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def next_monday(today: date) -> date:
    """The Monday after ``today`` (inside the demo's 10 weeks, all of it in the future)."""
    return today + timedelta(days=7 - today.weekday())


def check_slots_lie_in_available_blocks(
    wfm: Callable[..., Result], options: Sequence[str], first: date
) -> dict[str, set[date]]:
    """Run the check for every mapped agent; each agent's dates (own zone) with a slot."""
    shown = wfm(*options, "mapping", "show", "--json")
    assert shown.code == 0, shown.err
    emails = [m["employee"]["email"] for m in shown.json()["items"] if m["status"] == "mapped"]
    assert len(emails) > 30
    schedule = wfm(*options, "--tz", "agent", "schedule", *emails, "--start", first.isoformat(),
                   "--days", "7", "--json")
    assert schedule.code == 0, schedule.err
    view = schedule.json()
    assert view["timezone"] == "agent" and view["basis"] == "shifts"
    days_with: dict[str, set[date]] = {}
    for employee in view["employees"]:
        email = employee["employee"]["email"]
        blocks = [b for d in employee["days"] for b in d["blocks"]]
        free = _merged([(_t(b["start"]), _t(b["end"])) for b in blocks
                        if b["availability"] == "available"])
        other = [(_t(b["start"]), _t(b["end"]), b["activity"]) for b in blocks
                 if b["availability"] != "available"]
        slots = wfm(*options, "slots", email, "--from", first.isoformat(), "--days", "5",
                    "--minutes", "30", "--json")
        assert slots.code == 0, slots.err
        found: Any = slots.json()
        assert found["timezone"] == employee["timezone"], email  # one zone for both commands
        zone = ZoneInfo(found["timezone"])
        for slot in found["items"]:
            start, end = _t(slot["start"]), _t(slot["end"])
            assert any(a <= start and end <= b for a, b in free), (email, slot)
            clash = [name for a, b, name in other if a < end and start < b]
            assert not clash, (email, slot, clash)
        days_with[email] = {_t(s["start"]).astimezone(zone).date() for s in found["items"]}
        on_shift = {date.fromisoformat(d["date"]) for d in employee["days"][:5]
                    if not d["off_duty"]}
        assert on_shift <= days_with[email] | _fully_busy(employee), (email, on_shift)
    return days_with


def _fully_busy(employee: dict[str, Any]) -> set[date]:
    """Dates whose available time has no 30-minute stretch (none in the demo, but honest)."""
    out = set()
    for d in employee["days"]:
        spans = _merged([(_t(b["start"]), _t(b["end"])) for b in d["blocks"]
                         if b["availability"] == "available"])
        if all(b - a < timedelta(minutes=30) for a, b in spans):
            out.add(date.fromisoformat(d["date"]))
    return out
