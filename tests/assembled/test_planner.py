"""The schedule request planner: slices x agent groups, URL size, concurrency, merging."""

from __future__ import annotations

import itertools
import math
import threading
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wfm_bridge.plugins.assembled.planner import agent_groups, fetch_each, plan, time_slices
from wfm_bridge.plugins.assembled.wire import ActivitiesPage
from wfm_bridge.ports.errors import InvalidInputError, UnavailableError
from wfm_bridge.ports.schedule_source import collect

from .support import T0, Recorder, answer, mock_provider

BASE = "https://api.assembledhq.com"
DAY = 86400
START = int(T0.timestamp())
UUIDS = [str(uuid.UUID(int=i + 1)) for i in range(500)]


def url_of(params: tuple[tuple[str, str | int], ...]) -> str:
    return str(httpx.URL(BASE + "/v0/activities", params=params))


@given(
    length=st.integers(min_value=1, max_value=120 * DAY),
    slice_days=st.floats(min_value=0.01, max_value=30),
)
def test_slices_cover_the_window_exactly_with_the_fewest_slices(
    length: int, slice_days: float
) -> None:
    slices = time_slices(START, START + length, slice_days * DAY)

    assert slices[0][0] == START and slices[-1][1] == START + length
    assert all(a[1] == b[0] for a, b in itertools.pairwise(slices))
    assert all(s < e <= s + math.ceil(slice_days * DAY) for s, e in slices)
    assert len(slices) == max(1, math.ceil(length / (slice_days * DAY)))


def test_an_empty_window_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        time_slices(START, START, DAY)


agent_ids = st.lists(
    st.text(min_size=1, max_size=60).filter(lambda s: s.strip() == s and s),
    min_size=1,
    max_size=300,
    unique=True,
)


@given(agents=agent_ids, limit=st.integers(min_value=300, max_value=9000))
def test_every_planned_url_stays_under_the_limit_and_every_agent_is_asked_once(
    agents: list[str], limit: int
) -> None:
    try:
        requests = plan(
            agents, START, START + 20 * DAY, slice_days=7, base_url=BASE, max_url_bytes=limit
        )
    except InvalidInputError:  # one id alone does not fit: refused, never truncated
        assert any(
            len(url_of((("start_time", 0), ("end_time", 0), ("agents", a)))) >= limit - 20
            for a in agents
        )
        return
    assert all(len(url_of(r.params())) < limit for r in requests)
    per_slice: dict[tuple[int, int], list[str]] = {}
    for r in requests:
        per_slice.setdefault((r.start_time, r.end_time), []).extend(r.agents)
    assert len(per_slice) == 3
    assert all(sorted(found) == sorted(agents) for found in per_slice.values())


def test_500_uuid_agents_over_60_days_take_9_slices_of_3_balanced_groups() -> None:
    requests = plan(UUIDS, START, START + 60 * DAY, slice_days=7, base_url=BASE, max_url_bytes=8000)

    assert len(requests) == 9 * 3
    sizes = {len(r.agents) for r in requests}
    assert sizes <= {166, 167}
    assert max(len(url_of(r.params())) for r in requests) < 8000


def test_groups_are_as_few_as_the_url_limit_allows() -> None:
    groups = agent_groups(UUIDS, BASE, 8000)
    per_agent = len("&agents=") + 36
    prefix = len(url_of((("start_time", 10**10), ("end_time", 10**10))))
    assert len(groups) == math.ceil(500 / ((8000 - 1 - prefix) // per_agent))


def test_no_agents_means_no_requests_and_duplicates_are_asked_once() -> None:
    assert plan([], START, START + DAY, slice_days=7, base_url=BASE, max_url_bytes=8000) == []
    (request,) = plan(
        ["a", "b", "a"], START, START + DAY, slice_days=7, base_url=BASE, max_url_bytes=8000
    )
    assert request.agents == ("a", "b")


class SlowPages:
    """A page getter that records how many calls are in flight at once; with a barrier,
    calls wait for each other in groups (so they overlap without any timed wait)."""

    def __init__(self, fail_on: int | None = None, together: int | None = None) -> None:
        self.in_flight = 0
        self.peak = 0
        self.calls = 0
        self.lock = threading.Lock()
        self.barrier = threading.Barrier(together, timeout=10) if together else None
        self.fail_on = fail_on

    def get(
        self, model: type[ActivitiesPage], path: str, params: object, budget: object = None
    ) -> ActivitiesPage:
        with self.lock:
            self.calls += 1
            n = self.calls
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        if self.barrier is not None:
            self.barrier.wait()
        with self.lock:
            self.in_flight -= 1
        if n == self.fail_on:
            raise UnavailableError("boom")
        marker = dict(params)  # type: ignore[call-overload]  # start_time + last agent
        tag = f"{marker['start_time']}/{marker['agents']}"
        activity = {"id": tag, "agent_id": "a", "type_id": "t", "start_time": 1, "end_time": 2}
        return {"activities": {tag: activity}}  # type: ignore[dict-item]


def test_fetch_each_hands_every_answer_over_once_with_bounded_concurrency() -> None:
    requests = plan(UUIDS, START, START + 30 * DAY, slice_days=2, base_url=BASE, max_url_bytes=8000)
    pages = SlowPages(together=3)

    answers = fetch_each(pages, requests, 3, lambda page: next(iter(page.get("activities") or {})))
    tags = list(answers)

    assert sorted(tags) == sorted(f"{r.start_time}/{r.agents[-1]}" for r in requests)
    assert pages.calls == len(requests) and pages.peak == 3


def test_fetch_each_stops_sending_when_closed_early_or_failing() -> None:
    requests = plan(UUIDS, START, START + 30 * DAY, slice_days=2, base_url=BASE, max_url_bytes=8000)
    pages = SlowPages()
    answers = fetch_each(pages, requests, 2, lambda page: page)
    next(answers)
    answers.close()
    assert pages.calls < len(requests)  # the rest were cancelled

    failing = SlowPages(fail_on=2)
    with pytest.raises(UnavailableError, match="boom"):
        list(fetch_each(failing, requests, 4, lambda page: page))
    assert failing.calls < len(requests)


def _activity(id_: str, agent: str, start: int, end: int) -> dict[str, Any]:
    return {
        "id": id_,
        "agent_id": agent,
        "type_id": "t",
        "start_time": start,
        "end_time": end,
        "id_with_timestamps": f"{id_}-{start}-{end}",
    }


def test_the_provider_merges_slices_dedupes_and_clips_over_http() -> None:
    crossing = _activity("a-cross", "agent-1", START + 6 * DAY, START + 8 * DAY)
    first = _activity("a-1", "agent-1", START - 3600, START + 3600)
    weekly = [_activity("rec", "agent-1", START + d * DAY, START + d * DAY + 3600) for d in (1, 9)]

    def handler(request: httpx.Request) -> httpx.Response:
        lo, hi = int(request.url.params["start_time"]), int(request.url.params["end_time"])
        found = {
            a["id_with_timestamps"]: a
            for a in [crossing, first, *weekly]
            if a["start_time"] < hi and a["end_time"] > lo
        }
        return answer(200, {"activities": found})(request)

    rec = Recorder(fallback=handler)
    got = collect(mock_provider(rec).activities(["agent-1"], T0, T0 + timedelta(days=14)))

    assert len(rec.seen) == 2  # two one-week slices
    by_id = {a.id: a for a in got}
    assert set(by_id) == {"a-cross", "a-1", *(w["id_with_timestamps"] for w in weekly)}
    assert by_id["a-1"].start == T0  # clipped to the window
    assert by_id["a-cross"].end - by_id["a-cross"].start == timedelta(days=2)
