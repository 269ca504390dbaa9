"""A schedule view as one self-contained HTML page: a row per date, a lane per employee.

No external fetches (inline CSS, no scripts, no fonts or images). Every piece of text is
escaped: descriptions are typed by users. Blocks carry ``data-*`` attributes (employee, date,
activity, availability, full start/end, segment minutes) so tools and tests can check what
was drawn. Availability shows as the block's look (available solid with a green edge; busy,
break and time off hatched) and, with shifts, the lane's grey background is off duty; where
the provider has no shifts the header names the working hours that stand in for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from zoneinfo import ZoneInfo

from wfm_bridge.core.meeting_adopt import reference_in
from wfm_bridge.host.render.layout import (
    Lane,
    Segment,
    Swatch,
    Window,
    block_color,
    lanes_by_date,
    legend,
    range_dates,
    time_window,
)
from wfm_bridge.host.render.page_style import CSS, LANE_PAD_PX, TRACK_PX
from wfm_bridge.host.render.palette import text_color
from wfm_bridge.ports.models import ScheduleView, TimeBlock

DASH = "\u2013"  # en dash between times
STAR = "\u2605"  # marks meetings booked through this product (explained in the legend)
MAX_NAMED = 5  # more employees than this: the header gives a count, the lanes the names


@dataclass(frozen=True)
class _Page:
    """What every part of one page shares: colours, the viewer's zone, the time axis."""

    swatches: dict[str, Swatch]
    window: Window
    host_name: str = "evaluagent"  # Settings.host_name: the brand on meetings booked here
    shifts: bool = True  # time outside available blocks is off duty
    per_agent: bool = False  # --tz agent: each lane in its employee's zone

    def pct(self, minutes: float) -> str:
        """A CSS percentage along the time axis for ``minutes`` after midnight."""
        return f"{self.window.percent(minutes):.4f}%"

    def width(self, minutes: float) -> str:
        """A CSS percentage of the axis for a duration of ``minutes``."""
        return f"{minutes / (self.window.hours * 60) * 100:.4f}%"


def _hhmm(block: TimeBlock, zone: ZoneInfo) -> str:
    start, end = block.start.astimezone(zone), block.end.astimezone(zone)
    if start.date() == end.date():
        return f"{start:%H:%M}{DASH}{end:%H:%M}"
    return f"{start:%a %d %b %H:%M} {DASH} {end:%a %d %b %H:%M}"


AVAILABILITY_LABELS = {
    "available": "available (a 1:1 may replace it)",
    "busy": "busy",
    "break": "break",
    "time_off": "time off",
}


def _tooltip(block: TimeBlock, employee: str, zone: ZoneInfo, host_name: str) -> str:
    state = AVAILABILITY_LABELS.get(block.availability.value, block.availability.value)
    lines = [f"{block.activity} · {_hhmm(block, zone)} · {state}"]
    if block.description:
        lines.append(block.description)
    lines.append(employee)
    if block.created_here:
        lines.append(f"Meeting booked through {host_name}")
    return "\n".join(lines)


def _block(seg: Segment, lane: Lane, page: _Page) -> str:
    block = seg.block
    color = block_color(block, page.swatches)
    classes = ["block", f"av-{block.availability.value}"]
    reference = reference_in(block.description)
    if block.created_here:
        classes.append("mine")
    elif reference is not None:
        classes.append("referenced")  # a 1:1 of the product another installation booked
    if seg.continues_before:
        classes.append("cont-before")
    if seg.continues_after:
        classes.append("cont-after")
    who = lane.employee.name or lane.employee.host_id
    attrs = {
        "class": " ".join(classes),
        "style": (
            f"left:{page.pct(seg.start_min)};width:{page.width(seg.end_min - seg.start_min)};"
            f"top:{LANE_PAD_PX + seg.track * TRACK_PX}px;"
            f"background-color:{color};color:{text_color(color)}"
        ),
        "title": _tooltip(block, who, lane.zone, page.host_name),
        "data-employee": lane.employee.host_id,
        "data-date": lane.date.isoformat(),
        "data-activity": block.activity,
        "data-activity-id": block.activity_id,
        "data-type": block.activity_type_id,
        "data-availability": block.availability.value,
        "data-start": block.start.isoformat(),
        "data-end": block.end.isoformat(),
        "data-seg-start": f"{seg.start_min:g}",
        "data-seg-end": f"{seg.end_min:g}",
        "data-created-here": "true" if block.created_here else "false",
    }
    if reference is not None:
        attrs["data-reference"] = reference
    rendered = " ".join(f'{k}="{escape(v)}"' for k, v in attrs.items())
    badge = f'<span class="badge">{STAR}</span> ' if block.created_here else ""
    desc = f' <span class="desc">{escape(block.description)}</span>' if block.description else ""
    return f"<div {rendered}>{badge}<b>{escape(block.activity)}</b>{desc}</div>"


def _lane(lane: Lane, page: _Page) -> str:
    height = lane.tracks * TRACK_PX + 2 * LANE_PAD_PX
    empty = not lane.segments
    off = page.shifts and not any(
        s.block.availability.value == "available" for s in lane.segments
    )
    blocks = "".join(_block(s, lane, page) for s in lane.segments)
    if empty:
        blocks = f'<span class="none">no activities{" · off duty" if page.shifts else ""}</span>'
    name = lane.employee.name or lane.employee.host_id
    who = escape(name)
    zone = f' <small class="zone">{escape(lane.zone.key)}</small>' if page.per_agent else ""
    return (
        f'<div class="lane{" empty" if empty else ""}" '
        f'data-employee="{escape(lane.employee.host_id)}" data-date="{lane.date.isoformat()}" '
        f'data-timezone="{escape(lane.zone.key)}" '
        f'data-off-duty="{"true" if off else "false"}">'
        f'<div class="who" title="{who}">{who}{zone}</div>'
        f'<div class="track" style="height:{height}px">{blocks}</div></div>'
    )


def _day(day: date, lanes: list[Lane], page: _Page) -> str:
    classes = "day weekend" if day.weekday() >= 5 else "day"
    if lanes and all(not lane.segments for lane in lanes):
        classes += " empty"
    label = f'<div class="date"><b>{day:%a}</b> {day:%d %b %Y}</div>'
    body = "".join(_lane(lane, page) for lane in lanes)
    if not lanes:
        body = '<div class="lane empty"><div class="who"></div><div class="track"></div></div>'
    return (
        f'<section class="{classes}" data-date="{day.isoformat()}">{label}'
        f'<div class="lanes">{body}</div></section>'
    )


def _axis(page: _Page) -> str:
    ticks = "".join(
        f'<span class="tick" style="left:{page.pct(h * 60)}">{h:02d}:00</span>'
        for h in page.window.ticks()
    )
    return (
        '<div class="axis"><div class="date"></div><div class="who"></div>'
        f'<div class="scale">{ticks}</div></div>'
    )


def _availability_legend(shifts: bool) -> str:
    off = (
        '<li><span class="swatch off-sample"></span> off duty (no shift)</li>' if shifts else ""
    )
    return (
        '<ul class="legend availability" aria-label="Availability">'
        '<li><span class="swatch av-sample av-available">available</span> a 1:1 may '
        "replace it</li>"
        '<li><span class="swatch av-sample av-busy">busy</span> '
        '<span class="swatch av-sample av-break">break</span> '
        '<span class="swatch av-sample av-time_off">time off</span> hatched: not '
        f"available</li>{off}</ul>"
    )


def _legend(swatches: list[Swatch], host_name: str) -> str:
    items = "".join(
        f'<li data-type="{escape(s.type_id)}"><span class="swatch" '
        f'style="background:{s.color};color:{s.text}">{escape(s.name)}</span></li>'
        for s in swatches
    )
    mine = (
        f'<li><span class="swatch mine-sample">{STAR}</span> meeting booked through '
        f"{escape(host_name)}</li>"
    )
    none = '<li><span class="swatch none-sample"></span> no activities</li>'
    return f'<ul class="legend" aria-label="Legend">{items}{mine}{none}</ul>'


def _unmapped(view: ScheduleView) -> str:
    if not view.unmapped:
        return ""
    rows = "".join(
        f"<tr><td>{escape(u.employee.name or u.employee.host_id)}</td>"
        f"<td>{escape(u.employee.email or '')}</td><td>{escape(u.reason)}</td></tr>"
        for u in view.unmapped
    )
    return (
        f'<section class="unmapped" id="unmapped"><h2>Not shown: {len(view.unmapped)} '
        "employee(s) could not be matched to the WFM provider</h2><table><thead><tr>"
        "<th>Employee</th>"
        f"<th>Email</th><th>Reason</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _zone_line(view: ScheduleView, axis: str) -> str:
    if not view.per_agent:
        where = f"<b>{escape(view.timezone)}</b> (the viewer's time zone)"
    else:
        zones = sorted({view.zone_of(s) for s in view.employees})
        where = "each employee's own time zone: " + ", ".join(
            f"<b>{escape(z)}</b>" for z in zones
        )
    return (
        f'<p class="tz" data-timezone="{escape(view.timezone)}">All times are in {where}; '
        f"rows show {axis}.</p>"
    )


def _basis_line(view: ScheduleView) -> str:
    if view.shifts:
        text = "Available time comes from shifts; grey time outside them is off duty."
    else:
        text = f"Available time: {view.basis}."
    return f'<p class="basis" data-basis="{escape(view.basis)}">{escape(text)}</p>'


def render_html(
    view: ScheduleView, *, title: str = "Schedules", host_name: str = "evaluagent"
) -> str:
    """The whole page for ``view`` as a string (UTF-8, no external resources)."""
    dates = range_dates(view)
    swatches = legend(view)
    lanes = lanes_by_date(view)
    window = time_window(lanes)
    page = _Page({s.type_id: s for s in swatches}, window, host_name, view.shifts, view.per_agent)
    span = f"{dates[0]:%a %d %b %Y} {DASH} {dates[-1]:%a %d %b %Y}" if dates else ""
    names = [e.employee.name or e.employee.host_id for e in view.employees]
    people = ": " + ", ".join(names) if len(names) <= MAX_NAMED else ""
    solo = " solo" if len(names) == 1 else ""
    days = "".join(_day(d, lanes[d], page) for d in dates)
    axis = f"{window.start_hour:02d}:00{DASH}{window.end_hour:02d}:00"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · {escape(span)}</title><style>{CSS}</style></head><body>"
        f'<header><h1>{escape(title)}</h1><p class="range">{escape(span)} '
        f"({view.days} days) · {len(names)} employee(s){escape(people)}</p>"
        f"{_zone_line(view, axis)}{_basis_line(view)}"
        f"{_legend(swatches, page.host_name)}{_availability_legend(view.shifts)}</header>"
        f'<main class="calendar{solo}" data-shifts="{"true" if view.shifts else "false"}" '
        f'style="--hours:{window.hours}" '
        f'data-window-start="{window.start_hour}" data-window-end="{window.end_hour}">'
        f"{_axis(page)}{days}</main>{_unmapped(view)}</body></html>\n"
    )
