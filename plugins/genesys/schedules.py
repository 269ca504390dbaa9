"""From schedule searches to the port's activities: the plan, the ids, the clipping.

The plan: per business unit, the requested agents in groups of at most ``max_users`` and the
window in the fewest equal slices of at most ``max_days`` (the search's own bounds); every
(slice, group) pair is one search, and that count is the plan's minimum (a search answered
with a ``downloadUrl`` costs one unthrottled download more).

Schedule activities carry no id of their own: a coaching appointment's activity is named by
the appointment id (``externalActivityId``: what cancels it), any other activity by its
shift's id, with ``#k`` for the k-th (from 1) later one of the shift's own activities in start
order. Shifts come back whole, so a shift crossing a slice boundary comes back twice: the
first copy of an id wins.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from wfm_bridge.plugins.genesys.wire import AgentSchedules, ScheduleActivity
from wfm_bridge.ports.errors import InvalidInputError, ProviderResponseError
from wfm_bridge.ports.models import Activity, ActivityBatch

COACHING = "Coaching"


@dataclass(frozen=True)
class Search:
    """One planned schedule search."""

    business_unit_id: str
    start: datetime
    end: datetime
    user_ids: tuple[str, ...]


def plan(
    by_unit: dict[str, list[str]],
    start: datetime,
    end: datetime,
    *,
    max_days: int,
    max_users: int,
) -> list[Search]:
    """Every search needed for these agents (grouped by business unit) over ``[start, end)``."""
    total = (end - start).total_seconds()
    count = max(1, math.ceil(total / (max_days * 86400)))
    bounds = [start + timedelta(seconds=total * i / count) for i in range(count + 1)]
    searches = []
    for bu_id, agents in sorted(by_unit.items()):
        ordered = sorted(set(agents))
        if not ordered:
            continue
        groups = max(1, math.ceil(len(ordered) / max_users))
        cuts = [round(i * len(ordered) / groups) for i in range(groups + 1)]
        for i in range(count):
            for g in range(groups):
                users = tuple(ordered[cuts[g] : cuts[g + 1]])
                searches.append(Search(bu_id, bounds[i], bounds[i + 1], users))
    return searches


def check_window(start: datetime, end: datetime) -> None:
    """``InvalidInputError`` for a naive or empty window."""
    if start.utcoffset() is None or end.utcoffset() is None:
        raise InvalidInputError("the activities window needs timezone-aware datetimes")
    if end <= start:
        raise InvalidInputError("the activities window must end after it starts")


class ActivityStream:
    """Search answers as ``ActivityBatch``es: ``parts`` clips one answer, an agent's schedule
    at a time (``convert``: all of it as one list); ``batch`` hands each id over once. Both
    run in the consumer's thread; the workers only fetch and parse."""

    def __init__(self, wanted: Iterable[str], start: datetime, end: datetime) -> None:
        self._wanted = frozenset(wanted)
        self._start, self._end = start.astimezone(UTC), end.astimezone(UTC)
        self._seen: set[str] = set()
        # Schedules repeat a few thousand instants (shift starts, breaks) across ~150k
        # activities: each text is parsed once, and each (start, minutes) ends once.
        self._instants: dict[str, datetime] = {}
        self._ends: dict[tuple[datetime, int], datetime] = {}

    def batch(self, activities: list[Activity]) -> ActivityBatch:
        """The activities not handed over before."""
        seen = self._seen
        ids = [a.id for a in activities]
        if seen.isdisjoint(ids):  # the usual case: only shifts across a slice bound repeat
            seen.update(ids)
            return ActivityBatch.trusted(activities, [])
        fresh = []
        for a in activities:
            if a.id not in seen:
                seen.add(a.id)
                fresh.append(a)
        return ActivityBatch.trusted(fresh, [])

    def convert(self, answer: AgentSchedules) -> list[Activity]:
        """One answer's activities of the wanted agents, clipped to the window."""
        return [a for part in self.parts(answer) for a in part]

    def parts(self, answer: AgentSchedules) -> Iterator[list[Activity]]:
        """``convert`` one agent's schedule at a time: a big answer's ~100k activities then
        live only until the consumer has folded them in, instead of all of them at once
        (fewer objects for the collector to walk, and each pass shorter)."""
        lo, hi, wanted = self._start, self._end, self._wanted
        trusted = Activity.trusted
        instants, ends = self._instants, self._ends
        for schedule in answer.get("agentSchedules") or ():
            agent = schedule["user"]["id"]
            if agent not in wanted:
                continue
            out: list[Activity] = []
            append = out.append
            for shift in schedule.get("shifts") or ():
                slots = shift.get("activities")
                if not slots:
                    continue
                timed = []
                for slot in slots:
                    text = slot["startDate"]
                    begin = instants.get(text)
                    if begin is None:
                        begin = instants[text] = instant(text)
                    timed.append((begin, slot))
                if any(timed[i][0] > timed[i + 1][0] for i in range(len(timed) - 1)):
                    timed.sort(key=_first)  # stable: equal starts keep the answer's order
                own = 0
                shift_id = shift["id"]
                for begin, slot in timed:
                    external = slot.get("externalActivityId")
                    if external and slot.get("externalActivityType") == COACHING:
                        activity_id = external
                    else:
                        activity_id = shift_id if own == 0 else f"{shift_id}#{own}"
                        own += 1
                    minutes = slot["lengthMinutes"]
                    finish = ends.get((begin, minutes))
                    if finish is None:
                        finish = ends[begin, minutes] = begin + timedelta(minutes=minutes)
                    if finish <= lo or begin >= hi or minutes == 0:
                        continue
                    append(
                        trusted(
                            activity_id,
                            agent,
                            slot["activityCodeId"],
                            lo if begin < lo else begin,
                            hi if finish > hi else finish,
                            slot.get("description") or "",
                        )
                    )
            if out:
                yield out


def instant(text: str) -> datetime:
    """A schedule instant (``2025-03-03T08:00:00.000Z``) as an aware UTC datetime;
    ``ProviderResponseError`` for anything else."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ProviderResponseError(
            f"Genesys Cloud sent the schedule time {text[:40]!r}, not an ISO-8601 instant; "
            "report it if it persists"
        )
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


def _first(pair: tuple[datetime, ScheduleActivity]) -> datetime:
    return pair[0]


def by_unit(agent_ids: Sequence[str], unit_of: dict[str, str]) -> dict[str, list[str]]:
    """The requested agents grouped by business unit (unknown agents dropped)."""
    grouped: dict[str, list[str]] = {}
    for agent in agent_ids:
        bu = unit_of.get(agent)
        if bu is not None:
            grouped.setdefault(bu, []).append(agent)
    return grouped
