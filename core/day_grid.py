"""DayGrid: the calendar dates of a range in the viewer's time zone, and their UTC bounds.

A date runs from its local midnight to the next date's local midnight, so days are 23 or 25
hours long across daylight-saving changes. Splitting a time span on these bounds puts every
piece in the one date it belongs to.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import InvalidInputError

AGENT_ZONE = "agent"  # `--tz agent`: each employee's own zone, where a use case has one
AGENT_ZONE_USES = (
    "`wfm schedule` (each employee's days in their zone), `wfm slots` and `wfm meetings book` "
    "(a start without offset in the agent's zone)"
)


def is_agent_zone(tz: object) -> bool:
    """Whether ``tz`` asks for each employee's own zone (``--tz agent``)."""
    return isinstance(tz, str) and tz.strip().casefold() == AGENT_ZONE


def parse_zone(tz: str) -> ZoneInfo:
    """The IANA time zone named ``tz``; InvalidInputError when it does not exist, or for
    ``agent`` (each employee's own zone), which only some use cases take."""
    if not isinstance(tz, str) or not tz.strip():
        raise InvalidInputError("give an IANA time zone such as Europe/London or UTC")
    if is_agent_zone(tz):
        raise InvalidInputError(
            f"--tz agent (each employee's own zone) applies to {AGENT_ZONE_USES} only; "
            "here give an IANA time zone such as Europe/London or UTC"
        )
    try:
        return ZoneInfo(tz.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise InvalidInputError(
            f"unknown time zone {tz!r}; give an IANA name such as Europe/London or UTC"
        ) from exc


def own_zone(candidates: Iterable[str | None], fallback: str) -> str:
    """The first of ``candidates`` that names a known zone (e.g. the provider person's, then
    the host employee's), else ``fallback``."""
    for name in candidates:
        if name and not is_agent_zone(name):
            try:
                return parse_zone(name).key
            except InvalidInputError:
                continue
    return fallback


def parse_date(text: str, what: str = "the start date") -> date:
    """A YYYY-MM-DD date; InvalidInputError otherwise."""
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except (ValueError, AttributeError) as exc:
        raise InvalidInputError(f"{what} must be a date as YYYY-MM-DD, got {text!r}") from exc


def today_in(clock: Clock, zone: ZoneInfo) -> date:
    """Today's date in ``zone`` according to the clock."""
    return clock.now().astimezone(zone).date()


class DayGrid:
    """``days`` consecutive dates from ``start`` in ``zone``, with their UTC boundaries."""

    def __init__(self, start: date, days: int, zone: ZoneInfo) -> None:
        self.zone = zone
        try:
            self.dates = [start + timedelta(days=i) for i in range(days)]
            # fold=0 makes a non-existent local midnight mean the first instant of that date.
            self.bounds = [
                datetime.combine(start + timedelta(days=i), time(0), zone).astimezone(UTC)
                for i in range(days + 1)
            ]
        except OverflowError:  # year 1 or 9999 seen from a zone on the other side of UTC
            raise InvalidInputError(
                f"{days} days from {start.isoformat()} in {zone.key} run past the calendar's "
                "limits (years 1-9999 in UTC); pick dates closer to today"
            ) from None

    @property
    def window(self) -> tuple[datetime, datetime]:
        """The whole range as a UTC ``[start, end)`` window."""
        return self.bounds[0], self.bounds[-1]

    def split(self, start: datetime, end: datetime) -> list[tuple[int, datetime, datetime]]:
        """Pieces of ``[start, end)`` clipped to the range: (date index, piece start, end)."""
        bounds = self.bounds
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if start < bounds[0]:
            start = bounds[0]
        if end > bounds[-1]:
            end = bounds[-1]
        if start >= end:
            return []
        i = bisect.bisect_right(bounds, start) - 1
        if end <= bounds[i + 1]:  # most blocks sit inside one date
            return [(i, start, end)]
        pieces = []
        while start < end:
            piece_end = min(end, bounds[i + 1])
            pieces.append((i, start, piece_end))
            start, i = piece_end, i + 1
        return pieces
