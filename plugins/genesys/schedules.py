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

from wfm_bridge.plugins.genesys.wire import AgentSchedules
from wfm_bridge.ports.errors import InvalidInputError
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
    """Search answers, in arrival order, as ``ActivityBatch``es: each id once, clipped."""

    def __init__(self, wanted: Iterable[str], start: datetime, end: datetime) -> None:
        self._wanted = set(wanted)
        self._start, self._end = start, end
        self._seen: set[str] = set()

    def batch(self, answer: AgentSchedules) -> ActivityBatch:
        """The new activities of one answer."""
        return ActivityBatch.trusted(list(self._activities(answer)), [])

    def _activities(self, answer: AgentSchedules) -> Iterator[Activity]:
        lo, hi, seen = self._start, self._end, self._seen
        for schedule in answer.get("agentSchedules") or ():
            agent = schedule["user"]["id"]
            if agent not in self._wanted:
                continue
            for shift in schedule.get("shifts") or ():
                own = 0
                slots = sorted(shift.get("activities") or (), key=lambda a: a["startDate"])
                for slot in slots:
                    external = slot.get("externalActivityId")
                    if external and slot.get("externalActivityType") == COACHING:
                        activity_id = external
                    else:
                        activity_id = shift["id"] if own == 0 else f"{shift['id']}#{own}"
                        own += 1
                    begin = slot["startDate"]
                    finish = begin + timedelta(minutes=slot["lengthMinutes"])
                    if finish <= max(lo, begin) or begin >= hi or activity_id in seen:
                        continue
                    seen.add(activity_id)
                    yield Activity.trusted(
                        id=activity_id,
                        agent_id=agent,
                        type_id=slot["activityCodeId"],
                        start=max(begin, lo).astimezone(UTC),
                        end=min(finish, hi).astimezone(UTC),
                        description=slot.get("description") or "",
                    )


def by_unit(agent_ids: Sequence[str], unit_of: dict[str, str]) -> dict[str, list[str]]:
    """The requested agents grouped by business unit (unknown agents dropped)."""
    grouped: dict[str, list[str]] = {}
    for agent in agent_ids:
        bu = unit_of.get(agent)
        if bu is not None:
            grouped.setdefault(bu, []).append(agent)
    return grouped
