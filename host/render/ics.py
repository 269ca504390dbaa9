"""A schedule view as an RFC 5545 iCalendar file, built with the ``icalendar`` library.

One VEVENT per block (a block listed on two days is exported once). UIDs are UUIDv5 of
employee, activity id and UTC start, so re-exporting updates events instead of duplicating
them. Times carry the viewer's TZID (with ``--tz agent``, each employee's own) with a matching
VTIMEZONE (UTC times use ``Z``).

A 1:1 booked here is summarised ``One To One · Agent`` (a team huddle stays ``Meeting ·
Agent``) and categorised ``Created via <host name>``. Importing agents' schedules must not
fill the importer's own calendar: by default events are transparent (free) and only 1:1s,
which the importer attends, are opaque; ``busy=True`` makes every event block time.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from wfm_bridge.host.render.layout import unique_blocks
from wfm_bridge.ports.models import Employee, ScheduleView, TimeBlock

PRODID = "-//wfm-bridge//Schedule export//EN"
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "wfm-bridge.schedule")
UID_DOMAIN = "wfm-bridge"
DEFAULT_HOST_NAME = "evaluagent"  # Settings.host_name's default
ONE_TO_ONE = "One To One"
_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/Zulu", "Zulu"})


def created_here_category(host_name: str = DEFAULT_HOST_NAME) -> str:
    """The category of events booked through the host (branded with its configured name)."""
    return f"Created via {host_name.strip() or DEFAULT_HOST_NAME}"


def event_uid(employee: Employee, block: TimeBlock) -> str:
    """Stable UID of one block of one employee."""
    start = block.start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    key = f"{employee.host_id}|{block.activity_id}|{start}"
    return f"{uuid.uuid5(UID_NAMESPACE, key)}@{UID_DOMAIN}"


def event_summary(block: TimeBlock, employee: Employee, several: bool) -> str:
    """The activity name (``One To One`` for a 1:1 booked here), followed by who when the
    file holds several employees or the event is a 1:1 (whose it is always matters)."""
    what = ONE_TO_ONE if block.created_here else block.activity
    if not several and not block.created_here:
        return what
    return f"{what} · {employee.name or employee.host_id}"


def render_ics(
    view: ScheduleView,
    *,
    stamp: datetime | None = None,
    busy: bool = False,
    host_name: str = DEFAULT_HOST_NAME,
) -> bytes:
    """The calendar file for ``view`` (CRLF line endings, UTF-8); ``busy``: every event
    blocks the importing calendar (default: only 1:1s booked here do)."""
    dtstamp = (stamp or datetime.now(UTC)).astimezone(UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Schedules {view.start.isoformat()} ({view.days} days)")
    if not view.per_agent:  # one zone for the whole file
        cal.add("x-wr-timezone", view.timezone)
    several = len(view.employees) > 1
    zoned = False
    for schedule in view.employees:
        employee = schedule.employee
        name = view.zone_of(schedule)
        tz = UTC if name in _UTC_NAMES else ZoneInfo(name)
        zoned = zoned or tz is not UTC
        for block in unique_blocks(schedule):
            event = Event()
            event.add("uid", event_uid(employee, block))
            event.add("dtstamp", dtstamp)
            event.add("dtstart", block.start.astimezone(tz))
            event.add("dtend", block.end.astimezone(tz))
            event.add("summary", event_summary(block, employee, several))
            if block.description:
                event.add("description", block.description)
            categories = [block.activity]
            if block.created_here:
                categories.append(created_here_category(host_name))
            event.add("categories", categories)
            event.add("x-wfm-employee", employee.host_id)
            event.add("x-wfm-activity-id", block.activity_id)
            event.add("x-wfm-activity-type-id", block.activity_type_id)
            event.add("transp", "OPAQUE" if busy or block.created_here else "TRANSPARENT")
            cal.add_component(event)
    if zoned:
        cal.add_missing_timezones()
    return bytes(cal.to_ical())
