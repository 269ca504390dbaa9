"""Request planning for schedules: time slices x agent groups, fetched with bounded concurrency.

A window is cut into equal slices of at most ``slice_days`` (Assembled's maximum window is
unknown; public clients slice); agents are cut into as few groups as keep every URL under
``max_url_bytes`` (``agents`` repeats once per agent), then balanced so the requests are of
similar size. Every (slice, group) pair is one request: that count is the plan's minimum.
Answers are merged, de-duplicated by occurrence (an activity crossing a slice boundary comes
back twice) and clipped to the requested window by the caller.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

import httpx

from wfm_bridge.plugins.assembled.wire import ActivitiesPage
from wfm_bridge.plugins.parallel import each_concurrently
from wfm_bridge.plugins.vendor_http.retry import RetryBudget
from wfm_bridge.ports.errors import InvalidInputError

ACTIVITIES_PATH = "/v0/activities"
T = TypeVar("T")
_LONGEST_UNIX = 10**10  # widest unix timestamp the URL may carry (11 digits)


@dataclass(frozen=True)
class ScheduleRequest:
    """One ``GET /v0/activities`` call: a time slice (unix seconds) and a group of agents."""

    start_time: int
    end_time: int
    agents: tuple[str, ...]

    def params(self) -> tuple[tuple[str, str | int], ...]:
        """Query parameters, ``agents`` repeated once per agent."""
        times: tuple[tuple[str, str | int], ...] = (
            ("start_time", self.start_time),
            ("end_time", self.end_time),
        )
        return times + tuple(("agents", a) for a in self.agents)


def time_slices(start: int, end: int, slice_seconds: float) -> list[tuple[int, int]]:
    """``[start, end)`` cut into the fewest equal slices no longer than ``slice_seconds``."""
    if end <= start:
        raise InvalidInputError("the activities window must end after it starts")
    count = max(1, math.ceil((end - start) / slice_seconds))
    bounds = [start + round(i * (end - start) / count) for i in range(count + 1)]
    return [(bounds[i], bounds[i + 1]) for i in range(count)]


def agent_groups(agents: Sequence[str], base_url: str, max_url_bytes: int) -> list[list[str]]:
    """The fewest groups of agents whose request URL stays under ``max_url_bytes``, balanced."""
    prefix = len(
        str(
            httpx.URL(
                base_url + ACTIVITIES_PATH,
                params=[("start_time", _LONGEST_UNIX), ("end_time", _LONGEST_UNIX)],
            )
        )
    )
    costs = [1 + len(str(httpx.QueryParams([("agents", a)]))) for a in agents]
    greedy: list[list[str]] = []
    used = max_url_bytes  # forces a new group for the first agent
    for agent, cost in zip(agents, costs, strict=True):
        if prefix + cost >= max_url_bytes:
            raise InvalidInputError(f"agent id {agent[:40]!r}... is too long for one request")
        if used + cost >= max_url_bytes:
            greedy.append([])
            used = prefix
        greedy[-1].append(agent)
        used += cost
    if len(greedy) < 2:
        return greedy
    # Same number of groups, sizes evened out, if that still fits (it does for uniform ids).
    n, size = len(greedy), len(agents)
    bounds = [round(i * size / n) for i in range(n + 1)]
    balanced = [list(agents[bounds[i] : bounds[i + 1]]) for i in range(n)]
    fits = all(prefix + sum(costs[bounds[i] : bounds[i + 1]]) < max_url_bytes for i in range(n))
    return balanced if fits else greedy


def plan(
    agent_ids: Sequence[str],
    start: int,
    end: int,
    *,
    slice_days: float,
    base_url: str,
    max_url_bytes: int,
) -> list[ScheduleRequest]:
    """Every request needed for these agents over ``[start, end)`` (unix seconds)."""
    agents = sorted(set(agent_ids))
    if not agents:
        return []
    slices = time_slices(start, end, slice_days * 86400)
    groups = agent_groups(agents, base_url, max_url_bytes)
    return [ScheduleRequest(s, e, tuple(g)) for (s, e) in slices for g in groups]


class PageGetter(Protocol):
    """What ``fetch_each`` needs from the client."""

    def get(
        self,
        model: type[ActivitiesPage],
        path: str,
        params: tuple[tuple[str, str | int], ...],
        budget: RetryBudget | None = None,
    ) -> ActivitiesPage:
        """GET ``path`` within ``budget`` and validate the answer as ``model``."""
        ...


def fetch_each(
    client: PageGetter,
    requests: Sequence[ScheduleRequest],
    concurrency: int,
    convert: Callable[[ActivitiesPage], T],
    budget: RetryBudget | None = None,
) -> Generator[T, None, None]:
    """Run the planned requests, at most ``concurrency`` in flight, converting each answer in
    its worker, and yield each converted answer as soon as it is in (in any order), so the
    caller works while later requests wait on the rate limit.

    The first failure to come in is raised; it, or closing the iterator early, cancels the
    requests not started yet (those in flight are let finish).
    """

    def one(request: ScheduleRequest) -> T:
        return convert(client.get(ActivitiesPage, ACTIVITIES_PATH, request.params(), budget))

    return each_concurrently(requests, concurrency, one)
