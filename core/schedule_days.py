"""ScheduleDays: each agent's time blocks per date, built as activities arrive.

A big view (500 agents x 60 days: ~90k blocks) is built batch by batch while the provider
is still waiting on its rate limit, so little is left to do when the last answer comes in.
Blocks are slotted frozen dataclasses (ports.read_models) built from activities the port
already validated. Within a date they are ordered by instants in UTC, then by activity id:
datetimes sharing one ZoneInfo compare by wall time, which misorders the repeated hour when
clocks go back.

Each block is one object and each date with blocks one ``ScheduleDay`` and its list, made
when its first block comes: no per-date helper objects, nothing process-global to tune (the
fewer objects, the fewer and shorter the collector's passes over them).

Each agent has its grid: the viewer's for everybody, or (``--tz agent``) the dates of the
agent's own zone; agents sharing a zone share its grid and conversions. Every block carries
its type's availability by the tenant's ``Classifier``, the one the slot finder and the
booking check use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from wfm_bridge.core.activity_types import ActivityTypeCatalog
from wfm_bridge.core.availability import Availability, Classifier
from wfm_bridge.core.day_grid import DayGrid
from wfm_bridge.ports.models import ActivityBatch, ActivityType, ScheduleDay, TimeBlock

# A block's place within its date: (start in UTC, end in UTC, activity id). Unique: each
# activity is one piece of each date it covers.
_Key = tuple[datetime, datetime, str]
# (date index, piece start and end in UTC, the same in the viewer's zone)
_Split = tuple[int, datetime, datetime, datetime, datetime]
_Label = tuple[str, str | None, Availability]  # activity name, colour, availability
_FIRST: _Key = (datetime.min.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC), "")


class ScheduleDays:
    """Activities folded into per-agent, per-date blocks; ``days()`` gives the result."""

    def __init__(
        self,
        grids: dict[str, DayGrid],
        catalog: ActivityTypeCatalog,
        created_here: Callable[[], set[str]] | None,
        classifier: Classifier | None = None,
    ) -> None:
        self._catalog = catalog
        self._created_here = created_here
        self._classifier = classifier or Classifier()
        shared: dict[int, _Grid] = {}
        # per agent: each date's day (None until its first block), its last block's key, and
        # the grid of its dates
        self._agents: dict[str, tuple[list[ScheduleDay | None], list[_Key], _Grid]] = {}
        for agent, grid in grids.items():
            g = shared.get(id(grid)) or shared.setdefault(id(grid), _Grid(grid))
            n = len(grid.dates)
            self._agents[agent] = ([None] * n, [_FIRST] * n, g)
        self._agent_of: dict[str, str] = {}  # activity id -> agent, for each activity kept
        self._types: dict[str, ActivityType] = {}
        self._started = False  # types and our meetings are read on the first activity
        self._refreshed = False
        self._ours: set[str] = set()
        self._labels: dict[str, _Label] = {}

    @property
    def types(self) -> dict[str, ActivityType] | None:
        """The activity types read for the first activity (None: no activity came)."""
        return self._types if self._started else None

    def add(self, batch: ActivityBatch) -> None:
        """Fold one batch in: withdrawn ids out, then each new activity's pieces."""
        if batch.withdrawn:
            self._withdraw(batch.withdrawn)
        agents = self._agents
        activities = [a for a in batch.activities if a.agent_id in agents]
        if not activities:
            return
        if not self._started:
            self._start()
        agent_of, labels = self._agent_of, self._labels
        ours, make = self._ours, TimeBlock
        for a in activities:
            activity_id = a.id
            if activity_id in agent_of:  # an adapter must hand each activity over once; be sure
                continue
            agent_of[activity_id] = a.agent_id
            days, last, grid = agents[a.agent_id]
            type_id = a.type_id
            name, color, availability = labels.get(type_id) or self._new_label(type_id)
            span = grid.spans.get((a.start, a.end)) or grid.span(a.start, a.end)
            grid_dates = grid.dates
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
                    availability,
                )
                key = (start, end, activity_id)
                day = days[index]
                if day is None:
                    days[index] = ScheduleDay(grid_dates[index], [block])
                    last[index] = key
                elif key > last[index]:  # answers list an agent's activities mostly in order
                    last[index] = key
                    day.blocks.append(block)
                else:
                    day.blocks.append(block)
                    day.blocks.sort(key=_key)
                    last[index] = _key(day.blocks[-1])

    def days(self) -> dict[str, list[ScheduleDay]]:
        """Each agent's days, one per date of the grid, blocks in order."""
        return {
            agent: [ScheduleDay(g.dates[i], []) if d is None else d for i, d in enumerate(days)]
            for agent, (days, _, g) in self._agents.items()
        }

    def _start(self) -> None:
        # As when everything came at once: the types are read once (and refreshed once, when
        # an activity uses a type not cached yet: see _new_label).
        self._types = self._catalog.all()
        self._ours = self._created_here() if self._created_here else set()
        self._started = True

    def _new_label(self, type_id: str) -> _Label:
        """The label of a type no block has used yet; a type the cached catalog does not know
        (created since the daily refresh) refreshes it, once, and relabels what was built."""
        if type_id not in self._types and not self._refreshed:
            self._catalog.refresh()
            self._types = self._catalog.all()
            self._refreshed = True
            self._relabel()
        return self._label(type_id)

    def _label(self, type_id: str) -> _Label:
        kind = self._types.get(type_id)
        state = self._classifier.classify(kind)
        name, color = (kind.name, kind.color) if kind else (f"Unknown activity ({type_id})", None)
        label = (name, color, state)
        self._labels[type_id] = label
        return label

    def _relabel(self) -> None:
        """Blocks built before a refresh get the refreshed names and colours."""
        before = dict(self._labels)
        self._labels.clear()
        changed = {t: new for t, label in before.items() if (new := self._label(t)) != label}
        if not changed:
            return
        for days, _, _ in self._agents.values():
            for day in days:
                blocks = day.blocks if day is not None else []
                for i, block in enumerate(blocks):
                    if block.activity_type_id in changed:
                        name, color, state = changed[block.activity_type_id]
                        blocks[i] = replace(block, activity=name, color=color, availability=state)

    def _withdraw(self, ids: list[str]) -> None:
        for activity_id in ids:
            agent = self._agent_of.pop(activity_id, None)
            if agent is None:
                continue
            days, last, _ = self._agents[agent]
            for index, day in enumerate(days):
                if day is not None and any(b.activity_id == activity_id for b in day.blocks):
                    day.blocks[:] = [b for b in day.blocks if b.activity_id != activity_id]
                    last[index] = _key(day.blocks[-1]) if day.blocks else _FIRST


def _key(block: TimeBlock) -> _Key:
    # The same instants as the piece's, from the block's times in the viewer's zone.
    return (block.start.astimezone(UTC), block.end.astimezone(UTC), block.activity_id)


class _Grid:
    """One zone's dates, with each (start, end) split on them and converted once: schedules
    repeat a few start and end times across thousands of activities."""

    def __init__(self, grid: DayGrid) -> None:
        self.grid = grid
        self.dates = grid.dates
        self.local = _InZone(grid.zone)
        self.spans: dict[tuple[datetime, datetime], list[_Split]] = {}

    def span(self, start: datetime, end: datetime) -> list[_Split]:
        """The pieces of ``[start, end)`` on this grid, with their local times."""
        local = self.local
        span = [(i, s, e, local[s], local[e]) for i, s, e in self.grid.split(start, end)]
        self.spans[(start, end)] = span
        return span


class _InZone(dict[datetime, datetime]):
    """UTC instants in the viewer's zone, each converted once: schedules reuse a few times
    (shifts start on the hour) across thousands of blocks."""

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__()
        self.zone = zone

    def __missing__(self, instant: datetime) -> datetime:
        local = self[instant] = instant.astimezone(self.zone)
        return local
