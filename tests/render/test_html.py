"""The HTML calendar: what is drawn where, colours, escaping, self-containment."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from render.page_reader import Element, read_page, with_class
from render.render_fixtures import (
    NASTY,
    TYPES,
    daytime_three,
    empty_week,
    one_by_sixty,
    twenty_by_seven,
)
from wfm_bridge.host.render import render_html
from wfm_bridge.host.render.layout import MIN_WINDOW_HOURS, Lane, Segment, time_window
from wfm_bridge.host.render.palette import contrast_ratio, palette_colors, safe_color
from wfm_bridge.ports.models import Employee, EmployeeSchedule, ScheduleDay, ScheduleView, TimeBlock

FIXTURES = {"1x60": one_by_sixty, "20x7": twenty_by_seven, "3x7-day": daytime_three}


def _key(e: Element) -> tuple[str, date, str]:
    return e.data("employee"), date.fromisoformat(e.data("date")), e.data("activity-id")


def _style(e: Element) -> dict[str, str]:
    pairs = (p.split(":", 1) for p in e.attrs["style"].split(";") if p)
    return {k.strip(): v.strip() for k, v in pairs}


@pytest.mark.parametrize("name", FIXTURES)
def test_every_block_is_drawn_once_per_date_it_touches_at_its_time_of_day(name: str) -> None:
    case = FIXTURES[name]()
    view, expected = case.view, case.segments
    elements, _ = read_page(render_html(view))
    lo, hi = case.hours
    calendar = next(e for e in elements if e.tag == "main")
    assert (calendar.data("window-start"), calendar.data("window-end")) == (str(lo), str(hi))
    per_minute = 100 / ((hi - lo) * 60)  # percent of the axis
    blocks = with_class(elements, "block")
    drawn = {_key(b): b for b in blocks}
    assert len(blocks) == len(drawn) == len(expected)
    for exp in expected:
        block = drawn[(exp.employee, exp.date, exp.activity_id)]
        assert float(block.data("seg-start")) == exp.start_min
        assert float(block.data("seg-end")) == exp.end_min
        style = _style(block)
        left = (exp.start_min - lo * 60) * per_minute
        width = (exp.end_min - exp.start_min) * per_minute
        assert float(style["left"].rstrip("%")) == pytest.approx(left, abs=1e-3)
        assert float(style["width"].rstrip("%")) == pytest.approx(width, abs=1e-3)


@pytest.mark.parametrize("name", FIXTURES)
def test_one_row_per_date_one_lane_per_employee_and_empty_lanes_marked(name: str) -> None:
    case = FIXTURES[name]()
    view, expected = case.view, case.segments
    elements, _ = read_page(render_html(view))
    days = [e for e in with_class(elements, "day") if e.tag == "section"]
    dates = [view.start + timedelta(days=i) for i in range(view.days)]
    assert [date.fromisoformat(d.data("date")) for d in days] == dates
    lanes = [e for e in with_class(elements, "lane") if "data-employee" in e.attrs]
    people = [s.employee.host_id for s in view.employees]
    assert [(ln.data("date"), ln.data("employee")) for ln in lanes] == [
        (d.isoformat(), p) for d in dates for p in people
    ]
    busy = {(x.date.isoformat(), x.employee) for x in expected}
    for lane in lanes:
        is_busy = (lane.data("date"), lane.data("employee")) in busy
        assert ("empty" in lane.classes) is not is_busy
        assert ("no activities" in "".join(lane.text)) is not is_busy
    assert any("empty" in lane.classes for lane in lanes)


def test_a_block_crossing_midnight_is_split_and_marked_as_continuing() -> None:
    view = twenty_by_seven().view  # e07's 20:00 + 8 h night shift, listed on both days
    night = [
        b
        for b in with_class(read_page(render_html(view))[0], "block")
        if b.data("employee") == "e07" and b.data("type") == "oncall"
    ]
    assert [(b.data("date"), b.data("seg-start"), b.data("seg-end")) for b in night] == [
        ("2025-06-04", "1200", "1440"),
        ("2025-06-05", "0", "240"),
    ]
    assert "cont-after" in night[0].classes and "cont-before" in night[1].classes


def test_pieces_of_one_activity_split_at_midnight_are_drawn_as_continuing() -> None:
    view = twenty_by_seven().view  # e11's 21:30 + 5 h, listed as two per-day pieces
    night = [
        b
        for b in with_class(read_page(render_html(view))[0], "block")
        if b.data("employee") == "e11" and b.data("type") == "oncall"
    ]
    assert [(b.data("date"), b.data("seg-start"), b.data("seg-end")) for b in night] == [
        ("2025-06-06", "1290", "1440"),
        ("2025-06-07", "0", "150"),
    ]
    assert "cont-after" in night[0].classes and "cont-before" in night[1].classes
    assert night[0].data("start") == night[1].data("start") == "2025-06-06T21:30:00-04:00"


def test_text_is_escaped_and_shown_in_block_and_tooltip() -> None:
    view = twenty_by_seven().view
    page = render_html(view)
    assert "<script" not in page and 'alert("x")' not in page
    elements, text = read_page(page)
    meeting = next(b for b in with_class(elements, "block") if b.data("type") == "meeting")
    assert NASTY in "".join(meeting.text)
    assert NASTY in meeting.attrs["title"] and "Meeting" in meeting.attrs["title"]
    assert "Gus <Ghost>" in text and "inactive in Assembled" in text


def test_meetings_created_here_are_marked_and_others_not() -> None:
    view = one_by_sixty().view
    blocks = with_class(read_page(render_html(view))[0], "block")
    mine = [b for b in blocks if "mine" in b.classes]
    assert [b.data("activity") for b in mine] == ["Meeting"]
    assert all(b.data("created-here") == "true" for b in mine)
    assert "\u2605" in "".join(mine[0].text)
    assert "booked through evaluagent" in mine[0].attrs["title"]
    branded = with_class(read_page(render_html(view, host_name="Acme QA"))[0], "block")
    assert any("booked through Acme QA" in b.attrs["title"] for b in branded)
    others = [b for b in blocks if b not in mine]
    assert all("\u2605" not in "".join(b.text) for b in others)
    assert all("booked through" not in b.attrs["title"] for b in others)


def test_page_is_self_contained() -> None:
    page = render_html(one_by_sixty().view)
    for needle in ("http:", "https:", "url(", "@import", "<script", "<link", "<img", "src="):
        assert needle not in page
    assert page.startswith("<!DOCTYPE html>")


def test_provider_colours_where_safe_else_a_stable_palette_and_legend_matches() -> None:
    view = one_by_sixty().view
    elements, _ = read_page(render_html(view))
    fallback = palette_colors(t for t, (_, c) in TYPES.items() if safe_color(c) is None)
    want = {t: safe_color(c) or fallback[t] for t, (_, c) in TYPES.items()}
    assert want["shift"] == "#4a90d9" and want["training"] == "#22bb22"
    for block in with_class(elements, "block"):
        style = _style(block)
        assert style["background-color"] == want[block.data("type")]
        assert contrast_ratio(style["background-color"], style["color"]) >= 4.5
    legend = {e.data("type"): e for e in elements if e.tag == "li" and "data-type" in e.attrs}
    assert set(legend) == set(TYPES)
    for type_id, item in legend.items():
        assert TYPES[type_id][0] in "".join(item.text)
        assert want[type_id] in elements[elements.index(item) + 1].attrs["style"]


def test_viewer_time_zone_is_stated_and_output_is_deterministic() -> None:
    view = twenty_by_seven().view
    page = render_html(view)
    assert page == render_html(view)
    _, text = read_page(page)
    assert re.search(r"All times are in America/New_York", text)


def test_a_week_with_nothing_scheduled_is_visibly_empty() -> None:
    elements, _ = read_page(render_html(empty_week()))
    days = [e for e in with_class(elements, "day") if e.tag == "section"]
    assert len(days) == 7 and all("empty" in d.classes for d in days)
    assert not with_class(elements, "block")


@st.composite
def _views(draw: st.DrawFn) -> ScheduleView:
    start = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 300)))
    days = draw(st.integers(7, 14))
    base = datetime.combine(start, datetime.min.time(), tzinfo=UTC)
    blocks = []
    for n in range(draw(st.integers(0, 12))):
        offset = draw(st.integers(-120, days * 1440))
        length = draw(st.integers(1, 3 * 1440))
        begin = base + timedelta(minutes=offset)
        blocks.append(
            TimeBlock(
                start=begin,
                end=begin + timedelta(minutes=length),
                activity=draw(st.text(max_size=8)),
                activity_id=f"a{n}",
                activity_type_id=draw(st.sampled_from(["x", "y", "z"])),
                color=draw(st.none() | st.text(max_size=10)),
                description=draw(st.text(max_size=20)),
                created_here=draw(st.booleans()),
            )
        )
    days_list = [
        ScheduleDay(
            date=start + timedelta(days=d),
            blocks=[b for b in blocks if b.start.date() == start + timedelta(days=d)],
        )
        for d in range(days)
    ]
    schedule = EmployeeSchedule(employee=Employee(host_id="p"), agent_id="p", days=days_list)
    return ScheduleView(start=start, days=days, timezone="UTC", employees=[schedule], unmapped=[])


@given(_views())
def test_segments_inside_the_range_add_up_to_each_listed_block(
    view: ScheduleView,
) -> None:
    first = datetime.combine(view.start, datetime.min.time(), tzinfo=UTC)
    last = first + timedelta(days=view.days)
    listed = {b.activity_id: b for d in view.employees[0].days for b in d.blocks}
    elements, _ = read_page(render_html(view))
    covered: dict[str, float] = {}
    for el in with_class(elements, "block"):
        lo, hi = float(el.data("seg-start")), float(el.data("seg-end"))
        assert 0 <= lo < hi <= 1440
        covered[el.data("activity-id")] = covered.get(el.data("activity-id"), 0) + hi - lo
        assert el.attrs["title"].startswith(listed[el.data("activity-id")].activity)
    for block in listed.values():
        inside = (min(block.end, last) - max(block.start, first)).total_seconds() / 60
        assert covered.get(block.activity_id, 0) == pytest.approx(max(inside, 0))


@pytest.mark.parametrize("day", [date(2025, 3, 30), date(2025, 10, 26)])  # 23 h and 25 h days
def test_daylight_saving_days_are_drawn_by_wall_clock(day: date) -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/London")
    midnight = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    whole = TimeBlock(
        start=midnight,
        end=midnight + timedelta(days=1),
        activity="Leave",
        activity_id="w",
        activity_type_id="leave",
    )
    early = TimeBlock(
        start=midnight.replace(minute=30),
        end=midnight.replace(hour=3, minute=30),
        activity="Early",
        activity_id="e",
        activity_type_id="early",
    )
    days = [
        ScheduleDay(date=day + timedelta(days=i), blocks=[whole, early] if i == 0 else [])
        for i in range(7)
    ]
    view = ScheduleView(
        start=day,
        days=7,
        timezone="Europe/London",
        unmapped=[],
        employees=[EmployeeSchedule(employee=Employee(host_id="p"), agent_id="p", days=days)],
    )
    drawn = {b.data("activity-id"): b for b in with_class(read_page(render_html(view))[0], "block")}
    assert (drawn["w"].data("seg-start"), drawn["w"].data("seg-end")) == ("0", "1440")
    assert (drawn["e"].data("seg-start"), drawn["e"].data("seg-end")) == ("30", "210")


@given(
    st.lists(
        st.tuples(st.integers(0, 1439), st.integers(1, 1440)).map(
            lambda t: (t[0], min(1440, t[0] + t[1]))
        ),
        min_size=1,
        max_size=6,
    )
)
def test_time_axis_is_whole_hours_covering_every_segment_and_at_least_six_wide(
    spans: list[tuple[int, int]],
) -> None:
    block = TimeBlock(
        start=datetime(2025, 1, 1, tzinfo=UTC),
        end=datetime(2025, 1, 2, tzinfo=UTC),
        activity="x",
        activity_id="x",
        activity_type_id="x",
    )
    lane = Lane(Employee(host_id="p"), date(2025, 1, 1))
    lane.segments = [Segment(block, lo, hi, False, False) for lo, hi in spans]
    window = time_window({date(2025, 1, 1): [lane]})
    assert 0 <= window.start_hour < window.end_hour <= 24
    assert window.hours >= MIN_WINDOW_HOURS
    assert window.start_hour * 60 <= min(lo for lo, _ in spans)
    assert window.end_hour * 60 >= max(hi for _, hi in spans)
    if window.hours > MIN_WINDOW_HOURS:  # no slack beyond rounding out to whole hours
        assert window.start_hour == min(lo for lo, _ in spans) // 60
        assert window.end_hour == -(-max(hi for _, hi in spans) // 60)
    assert (
        window.percent(window.start_hour * 60) == 0 and window.percent(window.end_hour * 60) == 100
    )


def test_an_empty_view_shows_the_whole_day() -> None:
    elements, _ = read_page(render_html(empty_week()))
    calendar = next(e for e in elements if e.tag == "main")
    assert (calendar.data("window-start"), calendar.data("window-end")) == ("0", "24")


def test_a_view_where_nobody_could_be_mapped_still_renders_the_dates_and_the_reasons() -> None:
    view = twenty_by_seven().view.model_copy(update={"employees": []})
    elements, text = read_page(render_html(view))
    days = [e for e in with_class(elements, "day") if e.tag == "section"]
    assert len(days) == 7 and not with_class(elements, "block")
    assert "Not shown: 2 employee(s)" in text and "ambiguous" in text
