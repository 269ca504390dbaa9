"""ScheduleDays: each agent's time blocks per date, built as activities arrive.

A big view (500 agents x 60 days: ~90k blocks) is built batch by batch while the provider
is still waiting on its rate limit, so little is left to do when the last answer comes in.
Blocks are slotted frozen dataclasses (ports.read_models) built from activities the port
already validated. Within a date they are ordered by instants in UTC, then by activity id: datetimes
sharing one ZoneInfo compare by wall time, which misorders the repeated hour when clocks go
back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from datetime import date as Date
from zoneinfo import ZoneInfo

from wfm_bridge.core.activity_types import ActivityTypeCatalog
from wfm_bridge.core.day_grid import DayGrid
from wfm_bridge.ports.models import Activity, ActivityBatch, ActivityType, ScheduleDay, TimeBlock

# A block's place within its date: (start in UTC, end in UTC, activity id). Unique: each
# activity is one piece of each date it covers.
_Key = tuple[datetime, datetime, str]
# (date index, piece start and end in UTC, the same in the viewer's zone)
_Split = tuple[int, datetime, datetime, datetime, datetime]


class ScheduleDays:
    """Activities folded into per-agent, per-date blocks; ``days()`` gives the result."""

    def __init__(
        self,
        agent_ids: list[str],
        grid: DayGrid,
        catalog: ActivityTypeCatalog,
        created_here: Callable[[], set[str]] | None,
    ) -> None:
        self._grid = grid
        self._catalog = catalog
        self._created_here = created_here
        self._dates: dict[str, list[_Date | None]] = {
            agent: [None] * len(grid.dates) for agent in agent_ids
        }
        self._agent_of: dict[str, str] = {}  # activity id -> agent, for each activity kept
        self._types: dict[str, ActivityType] | None = None  # read on the first activity
        self._refreshed = False
        self._ours: set[str] = set()
        self._labels: dict[str, tuple[str, str | None]] = {}
        self._local = _InZone(grid.zone)
        self._spans: dict[tuple[datetime, datetime], list[_Split]] = {}

    def add(self, batch: ActivityBatch) -> None:
        """Fold one batch in: withdrawn ids out, then each new activity's pieces."""
        if batch.withdrawn:
            self._withdraw(batch.withdrawn)
        by_agent = self._dates
        activities = [a for a in batch.activities if a.agent_id in by_agent]
        if not activities:
            return
        self._know_types(activities)
        agent_of, spans, labels = self._agent_of, self._spans, self._labels
        grid_dates, ours, make = self._grid.dates, self._ours, TimeBlock
        for a in activities:
            activity_id = a.id
            if activity_id in agent_of:  # an adapter must hand each activity over once; be sure
                continue
            agent_of[activity_id] = a.agent_id
            dates = by_agent[a.agent_id]
            type_id = a.type_id
            name, color = labels.get(type_id) or self._label(type_id)
            span = spans.get((a.start, a.end)) or self._span(a.start, a.end)
            for index, start, end, local_start, local_end in span:
                block = make(
                    local_start,
                    local_end,
                    name,
                    activity_id,
                    type_id,
                    color,
                    a.description,
                    activity_id in ours,
                )
                key = (start, end, activity_id)
                day = dates[index]
                if day is None:
                    dates[index] = _Date(grid_dates[index], key, block)
                elif key > day.last:  # answers list an agent's activities mostly in order
                    day.last = key
                    day.blocks.append(block)
                else:
                    day.insert(block)

    def days(self) -> dict[str, list[ScheduleDay]]:
        """Each agent's days, one per date of the grid, blocks in order."""
        dates = self._grid.dates
        return {
            agent: [
                ScheduleDay(dates[i], []) if day is None else day.day
                for i, day in enumerate(days)
            ]
            for agent, days in self._dates.items()
        }

    def _know_types(self, activities: list[Activity]) -> None:
        # As when everything came at once: the types are read once, and refreshed once when
        # an activity uses a type not cached yet (created since the daily refresh).
        if self._types is None:
            self._types = self._catalog.all()
            if any(a.type_id not in self._types for a in activities):
                self._refresh()
            self._ours = self._created_here() if self._created_here else set()
        elif not self._refreshed and any(a.type_id not in self._types for a in activities):
            self._refresh()
            self._relabel()

    def _refresh(self) -> None:
        self._catalog.refresh()
        self._types = self._catalog.all()
        self._refreshed = True

    def _span(self, start: datetime, end: datetime) -> list[_Split]:
        # Schedules repeat a few start and end times across thousands of activities: each
        # (start, end) is split on the grid and converted to the viewer's zone once.
        local = self._local
        span = [(i, s, e, local[s], local[e]) for i, s, e in self._grid.split(start, end)]
        self._spans[(start, end)] = span
        return span

    def _label(self, type_id: str) -> tuple[str, str | None]:
        kind = (self._types or {}).get(type_id)
        label = (kind.name, kind.color) if kind else (f"Unknown activity ({type_id})", None)
        self._labels[type_id] = label
        return label

    def _relabel(self) -> None:
        """Blocks built before a refresh get the refreshed names and colours."""
        before = dict(self._labels)
        self._labels.clear()
        changed = {t for t, label in before.items() if self._label(t) != label}
        if not changed:
            return
        for days in self._dates.values():
            for day in days:
                blocks = day.blocks if day is not None else []
                for i, block in enumerate(blocks):
                    if block.activity_type_id in changed:
                        name, color = self._labels[block.activity_type_id]
                        blocks[i] = replace(block, activity=name, color=color)

    def _withdraw(self, ids: list[str]) -> None:
        for activity_id in ids:
            agent = self._agent_of.pop(activity_id, None)
            for day in self._dates[agent] if agent is not None else ():
                if day is not None:
                    day.drop(activity_id)


class _Date:
    """One agent's date while answers come in: its ScheduleDay, whose block list is kept in
    order until the view is handed out, and the sort key of its last block."""

    __slots__ = ("blocks", "day", "last")

    def __init__(self, date: Date, key: _Key, block: TimeBlock) -> None:
        self.last = key
        self.blocks = [block]
        self.day = ScheduleDay(date, self.blocks)

    def insert(self, block: TimeBlock) -> None:
        """Add a block that does not go last, in its place."""
        self.blocks.append(block)
        self.blocks.sort(key=_key)
        self.last = _key(self.blocks[-1])

    def drop(self, activity_id: str) -> None:
        """Remove the activity's block, if it has one here."""
        self.blocks[:] = [b for b in self.blocks if b.activity_id != activity_id]
        self.last = _key(self.blocks[-1]) if self.blocks else _FIRST


def _key(block: TimeBlock) -> _Key:
    # The same instants as the piece's, from the block's times in the viewer's zone.
    return (block.start.astimezone(UTC), block.end.astimezone(UTC), block.activity_id)


_FIRST: _Key = (datetime.min.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC), "")


class _InZone(dict[datetime, datetime]):
    """UTC instants in the viewer's zone, each converted once: schedules reuse a few times
    (shifts start on the hour) across thousands of blocks."""

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__()
        self.zone = zone

    def __missing__(self, instant: datetime) -> datetime:
        local = self[instant] = instant.astimezone(self.zone)
        return local
