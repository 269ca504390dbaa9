"""Published agent schedules: shifts per agent, each a run of activities, as Genesys's
schedule search answers them (``BuAgentSchedulesSearchResponse``).

Times are kept as unix seconds and written as ISO-8601 instants on the way out. A shift's
bounds are always the hull of its activities, so adding or removing a coaching activity
reshapes the shift and nothing else. A search answer is written as JSON text from each
shift's own text, made once and kept until the shift changes: a 60-day search of 500 agents
(77k activities, 15 MB) costs joining strings, not building and dumping 77k dicts.
"""

from __future__ import annotations

import bisect
import functools
import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from wfm_bridge.plugins.genesys.emulator.ledger import WireDict
from wfm_bridge.plugins.genesys.emulator.responses import iso

_NS = uuid.UUID("3f1b9a52-8c1e-4d7a-b0c4-5e2f9d6a7b18")
COACHING = "Coaching"


@dataclass
class Slot:
    """One scheduled activity (unix seconds, minutes)."""

    start: float
    minutes: int
    code_id: str
    description: str = ""
    paid: bool = True
    external_id: str | None = None
    external_type: str | None = None

    @property
    def end(self) -> float:
        """When it ends (unix seconds)."""
        return self.start + self.minutes * 60

    def wire(self) -> WireDict:
        """As ``BuAgentScheduleActivity``."""
        out: WireDict = {
            "startDate": iso(self.start),
            "lengthMinutes": self.minutes,
            "description": self.description,
            "activityCodeId": self.code_id,
            "paid": self.paid,
            "payableMinutes": self.minutes if self.paid else 0,
        }
        if self.external_id is not None:
            out["externalActivityId"] = self.external_id
            out["externalActivityType"] = self.external_type
        return out


@dataclass
class Shift:
    """One shift of one agent: its activities, sorted by start."""

    id: str
    slots: list[Slot] = field(default_factory=list)

    @property
    def start(self) -> float:
        """The first activity's start."""
        return min(s.start for s in self.slots)

    @property
    def end(self) -> float:
        """The last activity's end."""
        return max(s.end for s in self.slots)

    def wire(self, schedule: WireDict) -> WireDict:
        """As ``BuAgentScheduleShift``, with the published schedule it belongs to."""
        return {
            "id": self.id,
            "startDate": iso(self.start),
            "lengthMinutes": round((self.end - self.start) / 60),
            "activities": [s.wire() for s in sorted(self.slots, key=lambda s: s.start)],
            "manuallyEdited": False,
            "schedule": schedule,
        }


class Schedules:
    """Every agent's published shifts, indexed by start for window queries."""

    def __init__(self) -> None:
        self._shifts: defaultdict[str, list[tuple[float, str]]] = defaultdict(list)
        self._by_id: dict[str, tuple[str, Shift]] = {}  # shift id -> (user id, shift)
        self._longest: defaultdict[str, float] = defaultdict(float)
        self._text: dict[tuple[str, str, str], str] = {}  # (shift, bu, zone) -> its JSON

    def clear(self) -> None:
        """Forget every shift."""
        self._shifts.clear()
        self._by_id.clear()
        self._longest.clear()
        self._text.clear()

    def users(self) -> list[str]:
        """Every user holding at least one shift."""
        return [u for u, entries in self._shifts.items() if entries]

    def shift_text(self, shift: Shift, bu_id: str, zone: str) -> str:
        """The shift as ``BuAgentScheduleShift`` JSON text (kept until the shift changes)."""
        key = (shift.id, bu_id, zone)
        text = self._text.get(key)
        if text is None:
            wire = shift.wire(schedule_ref(bu_id, week_of(shift.start, zone)))
            text = self._text[key] = json.dumps(wire, separators=(",", ":"))
        return text

    def add_shift(self, user_id: str, shift: Shift) -> None:
        """Store a shift (replacing one with the same id)."""
        if shift.id in self._by_id:
            self._drop(shift.id)
        self._by_id[shift.id] = (user_id, shift)
        bisect.insort(self._shifts[user_id], (shift.start, shift.id))
        self._longest[user_id] = max(self._longest[user_id], shift.end - shift.start)

    def overlapping(self, user_id: str, start: float, end: float) -> list[Shift]:
        """The user's shifts overlapping ``[start, end)``, by start."""
        entries = self._shifts.get(user_id)
        if not entries:
            return []
        lo = bisect.bisect_left(entries, (start - self._longest[user_id], ""))
        hi = bisect.bisect_left(entries, (end, ""))
        found = (self._by_id[sid][1] for _, sid in entries[lo:hi])
        return [s for s in found if s.end > start]

    def count(self) -> int:
        """How many shifts are stored."""
        return len(self._by_id)

    # --- coaching ----------------------------------------------------------------------

    def add_activity(self, user_id: str, slot: Slot) -> None:
        """Put an activity in the user's schedule: into the shift it overlaps (which grows
        to hold it), else into a new shift of its own. Other activities are left as they are.
        """
        around = self.overlapping(user_id, slot.start, slot.end)
        if around:
            shift = around[0]
            self._drop(shift.id)
            shift.slots.append(slot)
        else:
            key = f"{user_id}:{slot.external_id}:{slot.start}"
            shift = Shift(str(uuid.uuid5(_NS, key)), [slot])
        self.add_shift(user_id, shift)

    def remove_external(self, external_id: str) -> list[tuple[str, Slot]]:
        """Take every activity of this external activity (e.g. an appointment) out of every
        schedule; a shift left empty goes too. Returns what was removed."""
        removed: list[tuple[str, Slot]] = []
        for shift_id, (user_id, shift) in list(self._by_id.items()):
            mine = [s for s in shift.slots if s.external_id == external_id]
            if not mine:
                continue
            self._drop(shift_id)
            shift.slots = [s for s in shift.slots if s.external_id != external_id]
            removed.extend((user_id, s) for s in mine)
            if shift.slots:
                self.add_shift(user_id, shift)
        return removed

    def _drop(self, shift_id: str) -> None:
        user_id, shift = self._by_id.pop(shift_id)
        for key in [k for k in self._text if k[0] == shift_id]:
            del self._text[key]
        entries = self._shifts[user_id]
        i = bisect.bisect_left(entries, (shift.start, shift_id))
        if i < len(entries) and entries[i] == (shift.start, shift_id):
            del entries[i]


@functools.lru_cache(maxsize=4096)
def _day_of(ts: float, zone: str) -> date:
    return datetime.fromtimestamp(ts, UTC).astimezone(ZoneInfo(zone)).date()


def week_of(ts: float, zone: str, start_day: int = 0) -> date:
    """The first day of the schedule week holding ``ts`` in the business unit's time zone."""
    local = _day_of(ts, zone)  # shifts share their starts: cached
    return local - timedelta(days=(local.weekday() - start_day) % 7)


def schedule_ref(bu_id: str, week: date) -> WireDict:
    """The published schedule of one business-unit week (``BuScheduleReference``)."""
    sid = _schedule_id(bu_id, week)
    return {
        "id": sid,
        "weekDate": week.isoformat(),
        "selfUri": f"/api/v2/workforcemanagement/businessunits/{bu_id}/weeks/"
        f"{week.isoformat()}/schedules/{sid}",
    }


@functools.lru_cache(maxsize=4096)
def _schedule_id(bu_id: str, week: date) -> str:
    return str(uuid.uuid5(_NS, f"{bu_id}:{week.isoformat()}"))


def weeks_between(start: float, end: float, zone: str) -> Iterable[date]:
    """Every schedule week overlapping ``[start, end)``."""
    week = week_of(start, zone)
    last = week_of(max(start, end - 1), zone)
    while week <= last:
        yield week
        week += timedelta(days=7)


def search_text(
    schedules: Schedules, bu_id: str, zone: str, user_ids: list[str], start: float, end: float
) -> tuple[str, int]:
    """``BuAgentSchedulesSearchResponse`` JSON for these agents and window, and how many
    shifts it holds: every shift that overlaps the window, whole (never clipped)."""
    parts, shifts = [], 0
    for user_id in user_ids:
        found = schedules.overlapping(user_id, start, end)
        shifts += len(found)
        user = json.dumps({"id": user_id, "selfUri": f"/api/v2/users/{user_id}"})
        texts = ",".join(schedules.shift_text(s, bu_id, zone) for s in found)
        parts.append(f'{{"user":{user},"shifts":[{texts}],"fullDayTimeOffMarkers":[]}}')
    published = [
        {**schedule_ref(bu_id, week), "weekCount": 1} for week in weeks_between(start, end, zone)
    ]
    tail = json.dumps({"businessUnitTimeZone": zone, "publishedSchedules": published})
    return f'{{"agentSchedules":[{",".join(parts)}],{tail[1:]}', shifts


def search_result(
    schedules: Schedules, bu_id: str, zone: str, user_ids: list[str], start: float, end: float
) -> dict[str, Any]:
    """``search_text`` as data."""
    result: dict[str, Any] = json.loads(
        search_text(schedules, bu_id, zone, user_ids, start, end)[0]
    )
    return result
