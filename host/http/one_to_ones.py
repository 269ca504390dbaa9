"""The "My 1-to-1s" page: an agent's next two weeks, free slots to click, 1:1s to cancel.

The suggested slots are drawn by the calendar renderer itself, as a lane of their own under
the agent ("Free slots", activity type ``wfm-free-slot``), so they sit on the same time axis
as the agent's activities. Slots that would overlap each other are thinned out for display
(one every meeting length); any other start can be typed into the booking form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from wfm_bridge.host.http.page_shell import embedded_calendar
from wfm_bridge.ports.models import (
    Availability,
    Employee,
    EmployeeSchedule,
    Meeting,
    ScheduleDay,
    ScheduleView,
    TimeBlock,
)

SLOT_TYPE = "wfm-free-slot"
SLOT_COLOR = "#c8ecc9"
DAYS = 14  # "the next two weeks"
SLOT_LANE = Employee(host_id="free-slots", name="Free slots")


def spaced(slots: list[datetime], length: timedelta) -> list[datetime]:
    """The slots that do not overlap an earlier one (each starts after the last one ends)."""
    kept: list[datetime] = []
    for slot in sorted(slots):
        if not kept or slot >= kept[-1] + length:
            kept.append(slot)
    return kept


def with_slots(view: ScheduleView, slots: list[datetime], minutes: int) -> ScheduleView:
    """``view`` plus a lane of free-slot blocks (one per shown slot) after its employees."""
    zone = ZoneInfo(view.timezone)
    length = timedelta(minutes=minutes)
    by_day: dict[date, list[TimeBlock]] = {}
    for slot in spaced(slots, length):
        start = slot.astimezone(zone)
        block = TimeBlock(
            start=start,
            end=start + length,
            activity="Free slot",
            activity_id=f"slot-{start.isoformat()}",
            activity_type_id=SLOT_TYPE,
            color=SLOT_COLOR,
            description="",
            availability=Availability.AVAILABLE,  # the finder's: inside available time
        )
        by_day.setdefault(start.date(), []).append(block)
    days = [
        ScheduleDay(date=d, blocks=by_day.get(d, []))
        for d in (view.start + timedelta(days=i) for i in range(view.days))
    ]
    lane = EmployeeSchedule(employee=SLOT_LANE, agent_id="free-slots", days=days)
    return ScheduleView(
        start=view.start,
        days=view.days,
        timezone=view.timezone,
        employees=[*view.employees, lane],
        unmapped=view.unmapped,
        basis=view.basis,
    )


@dataclass(frozen=True)
class OneToOnes:
    """Everything the page shows for one agent."""

    agent: str
    minutes: int
    timezone: str
    view: ScheduleView | None
    booked: list[Meeting]
    csrf: str
    booking_key: str


def agent_form(employees: list[Employee], agent: str, minutes: int) -> str:
    """Pick an agent (by email, with the directory as suggestions) and a meeting length."""
    options = "".join(
        f'<option value="{escape(e.email.strip())}">{escape(e.name)}</option>'
        for e in sorted(employees, key=lambda e: e.name.casefold())
        if e.email
    )
    return (
        '<form class="wfm-form" method="get" action="/one-to-ones" id="agent-form">'
        '<label>Agent (email)<input type="search" name="agent" list="agents" required '
        f'value="{escape(agent)}" placeholder="ana.lee@example.com"></label>'
        f'<datalist id="agents">{options}</datalist>'
        '<label>Length (minutes)<input type="number" name="minutes" min="5" max="480" '
        f'value="{minutes}"></label>'
        '<button type="submit" id="show-agent">Show the next two weeks</button></form>'
    )


def _span(meeting: Meeting, zone: ZoneInfo) -> str:
    start, end = meeting.start.astimezone(zone), meeting.end.astimezone(zone)
    return f"{start:%a %d %b %H:%M}-{end:%H:%M}"


def _booked_table(page: OneToOnes, zone: ZoneInfo) -> str:
    if not page.booked:
        return "<p>No 1:1 booked here for this agent yet: click a free slot above.</p>"
    rows = "".join(
        f'<tr data-meeting-id="{escape(m.id)}" '
        f'data-activity-id="{escape(m.provider_activity_id or "")}"'
        f' data-summary="{escape(f"{_span(m, zone)}: {m.description or m.title}")}">'
        f"<td>{escape(_span(m, zone))}</td><td>{escape(m.description)}</td>"
        f"<td>{escape(m.status.value)}</td><td>{_cancel_form(page, m.id, 'Cancel session')}</td>"
        "</tr>"
        for m in page.booked
    )
    return (
        f'<h2>1:1s booked here for {escape(page.agent)}</h2><table class="booked"><thead><tr>'
        "<th>When</th><th>Description</th><th>Status</th><th></th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _cancel_form(page: OneToOnes, meeting_id: str, label: str) -> str:
    return (
        '<form method="post" action="/one-to-ones/cancel">'
        f'<input type="hidden" name="csrf" value="{escape(page.csrf)}">'
        f'<input type="hidden" name="agent" value="{escape(page.agent)}">'
        f'<input type="hidden" name="minutes" value="{page.minutes}">'
        f'<input type="hidden" name="meeting_id" value="{escape(meeting_id)}">'
        f'<button class="danger" type="submit">{escape(label)}</button></form>'
    )


def _dialogs(page: OneToOnes) -> str:
    hidden = (
        f'<input type="hidden" name="csrf" value="{escape(page.csrf)}">'
        f'<input type="hidden" name="agent" value="{escape(page.agent)}">'
    )
    book = (
        '<dialog id="book-dialog"><form method="post" action="/one-to-ones/book">'
        f"<h3>Book a 1:1 with {escape(page.agent)}</h3>{hidden}"
        f'<input type="hidden" name="key" value="{escape(page.booking_key)}">'
        f'<label>Start ({escape(page.timezone)})<input type="datetime-local" name="start" '
        'required></label>'
        '<label>Length (minutes)<input type="number" name="minutes" min="5" max="480" '
        f'value="{page.minutes}" required></label>'
        '<label>Description<textarea name="description" rows="3" maxlength="1000" '
        'placeholder="What the session is about (shown in the WFM system)"></textarea></label>'
        '<div class="actions"><button class="quiet" type="button" data-close>Close</button>'
        '<button type="submit" id="book-submit">Book</button></div></form></dialog>'
    )
    cancel = (
        '<dialog id="cancel-dialog"><form method="post" action="/one-to-ones/cancel">'
        f'<h3>Cancel this 1:1</h3><p class="what"></p>{hidden}'
        f'<input type="hidden" name="minutes" value="{page.minutes}">'
        '<input type="hidden" name="meeting_id" value="">'
        # a 1:1 another installation booked: its start, so it is looked up on its day
        '<input type="hidden" name="at" value="">'
        '<div class="actions"><button class="quiet" type="button" data-close>Close</button>'
        '<button class="danger" type="submit" id="cancel-submit">Cancel session</button></div>'
        "</form></dialog>"
    )
    return book + cancel


def one_to_ones_body(page: OneToOnes) -> tuple[str, str]:
    """(extra stylesheet, body below the agent form) for one agent's two weeks."""
    if page.view is None:
        return "", ""
    zone = ZoneInfo(page.timezone)
    css, calendar = embedded_calendar(page.view, f"1:1s with {page.agent}")
    hint = (
        '<p class="hint">Green dashed blocks are suggested free slots: click one, describe '
        "the session, Book. Click a ★ 1:1 booked here, or a 1:1 another installation "
        "booked (it carries its reference), to cancel it.</p>"
    )
    return css, hint + calendar + _booked_table(page, zone) + _dialogs(page)
