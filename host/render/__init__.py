"""Presentation of schedule views for people and calendar apps: HTML page and iCalendar file.

Rendering belongs to the host, not core: core returns a ``ScheduleView``, the host turns it
into a page or a file. ``render`` picks the renderer by format name and returns bytes to write.
"""

from __future__ import annotations

from datetime import datetime

from wfm_bridge.host.render.html import render_html
from wfm_bridge.host.render.ics import render_ics
from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.models import ScheduleView

FILE_FORMATS = ("html", "ics")


def render(
    view: ScheduleView,
    fmt: str,
    *,
    stamp: datetime | None = None,
    busy: bool = False,
    host_name: str = "evaluagent",
) -> bytes:
    """``view`` rendered as ``fmt`` ("html" or "ics"), ready to write to a file; ``busy``
    and ``host_name`` as ``render_ics`` and ``render_html`` take them."""
    if fmt == "html":
        return render_html(view, host_name=host_name).encode("utf-8")
    if fmt == "ics":
        return render_ics(view, stamp=stamp, busy=busy, host_name=host_name)
    raise InvalidInputError(f"unknown file format {fmt!r}; use one of: {', '.join(FILE_FORMATS)}")


__all__ = ["FILE_FORMATS", "render", "render_html", "render_ics"]
