"""The iCalendar export: parsed back with icalendar and compared with the schedule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from icalendar import Calendar

from render.render_fixtures import NASTY, Case, empty_week, one_by_sixty, twenty_by_seven
from wfm_bridge.host.render import render
from wfm_bridge.host.render.ics import PRODID, render_ics

STAMP = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


def _events(data: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(data)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _categories(event: Any) -> list[str]:
    return [str(c) for c in event["CATEGORIES"].cats]


def _expected(case: Case) -> list[tuple[str, str, datetime, datetime, str, str]]:
    several = len(case.view.employees) > 1
    names = {s.employee.host_id: s.employee.name for s in case.view.employees}

    def summary(who: str, b: Any) -> str:
        if b.created_here:  # a 1:1 booked here says so, and whose it is
            return f"One To One · {names[who]}"
        return f"{b.activity} · {names[who]}" if several else b.activity

    return sorted(
        (who, b.activity_id, b.start, b.end, summary(who, b), b.description)
        for who, b in case.activities
    )


@pytest.mark.parametrize("make", [one_by_sixty, twenty_by_seven])
def test_events_parse_back_to_the_schedules_activities(make: Callable[[], Case]) -> None:
    case = make()
    view = case.view
    data = render_ics(view, stamp=STAMP)
    cal = Calendar.from_ical(data)
    assert str(cal["PRODID"]) == PRODID and str(cal["VERSION"]) == "2.0"
    events = cal.walk("VEVENT")
    got = sorted(
        (
            str(e["X-WFM-EMPLOYEE"]),
            str(e["X-WFM-ACTIVITY-ID"]),
            e.decoded("DTSTART"),
            e.decoded("DTEND"),
            str(e["SUMMARY"]),
            str(e.get("DESCRIPTION", "")),
        )
        for e in events
    )
    assert got == _expected(case)
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert all(e.decoded("DTSTAMP") == STAMP for e in events)


def test_times_carry_the_viewers_zone_with_a_vtimezone() -> None:
    view = twenty_by_seven().view
    data = render_ics(view, stamp=STAMP)
    cal = Calendar.from_ical(data)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]
    assert b"DTSTART;TZID=America/New_York:" in data
    assert all(e["DTSTART"].params["TZID"] == "America/New_York" for e in cal.walk("VEVENT"))


def test_utc_views_use_utc_times_and_no_vtimezone() -> None:
    view = one_by_sixty().view
    utc = view.model_copy(update={"timezone": "UTC"})
    cal = Calendar.from_ical(render_ics(utc, stamp=STAMP))
    assert not cal.walk("VTIMEZONE")
    assert all(e.decoded("DTSTART").utcoffset().total_seconds() == 0 for e in cal.walk("VEVENT"))


def test_uids_are_stable_across_exports_and_independent_of_the_viewers_zone() -> None:
    view = one_by_sixty().view
    first = _events(render_ics(view, stamp=STAMP))
    later = _events(render_ics(view.model_copy(update={"timezone": "Asia/Tokyo"})))
    assert set(first) == set(later)


def test_user_text_is_kept_verbatim_and_meetings_created_here_are_tagged() -> None:
    view = twenty_by_seven().view
    cal = Calendar.from_ical(render(view, "ics", stamp=STAMP))
    meeting = next(e for e in cal.walk("VEVENT") if "1:1" in str(e.get("DESCRIPTION", "")))
    assert str(meeting["DESCRIPTION"]) == "1:1 " + NASTY
    assert "Created via evaluagent" in _categories(meeting)
    others = [e for e in cal.walk("VEVENT") if e is not meeting]
    assert all("Created via evaluagent" not in _categories(e) for e in others)
    branded = Calendar.from_ical(render(view, "ics", stamp=STAMP, host_name="Acme QA"))
    assert any("Created via Acme QA" in _categories(e) for e in branded.walk("VEVENT"))


def test_agents_events_are_free_time_unless_busy_and_one_to_ones_block() -> None:
    view = twenty_by_seven().view
    default = Calendar.from_ical(render_ics(view, stamp=STAMP)).walk("VEVENT")
    ours = [e for e in default if str(e["SUMMARY"]).startswith("One To One · ")]
    assert ours and all(str(e["TRANSP"]) == "OPAQUE" for e in ours)
    assert all(str(e["TRANSP"]) == "TRANSPARENT" for e in default if e not in ours)
    busy = Calendar.from_ical(render_ics(view, stamp=STAMP, busy=True)).walk("VEVENT")
    assert all(str(e["TRANSP"]) == "OPAQUE" for e in busy)


def test_an_empty_schedule_is_a_valid_calendar_without_events() -> None:
    cal = Calendar.from_ical(render_ics(empty_week(), stamp=STAMP))
    assert cal.name == "VCALENDAR" and not cal.walk("VEVENT")
    assert str(cal["PRODID"]) == PRODID


def test_lines_are_folded_and_crlf_terminated() -> None:
    data = render_ics(twenty_by_seven().view, stamp=STAMP)
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= 75 for line in lines)
    assert b"\n" not in data.replace(b"\r\n", b"")
