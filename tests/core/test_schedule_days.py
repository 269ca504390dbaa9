"""A view built from a stream of batches (any order, any split, ids withdrawn and handed over
again, a type the cached catalog does not know yet) is exactly the view from one listing."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from core_world import World, make_world, person
from hypothesis import given
from hypothesis import strategies as st

from wfm_bridge.core.schedules import ScheduleService
from wfm_bridge.ports.models import Activity, ActivityBatch, ActivityType, Employee
from wfm_bridge.ports.schedule_source import collect

OLD_TYPES = [
    ActivityType(id="t1", name="Shift", color="#4a90d9"),
    ActivityType(id="t2", name="Lunch"),
]
# Since the catalog was cached: t1 renamed and recoloured, t3 created.
NEW_TYPES = [
    ActivityType(id="t1", name="Shift (new)", color="#000000"),
    ActivityType(id="t2", name="Lunch"),
    ActivityType(id="t3", name="Coaching"),
]
EMAILS = ["ana@example.com", "bo@example.com"]


class Streamed:
    """The fake's listing handed over in many batches, following a plan: which
    activities go in which batch, and which come first under a stand-in id that a later
    batch withdraws (as the Assembled adapter does when an id turns out to be shared)."""

    def __init__(self, inner: Any, order: list[int], cuts: set[int], early: set[int]) -> None:
        self.inner, self.order, self.cuts, self.early = inner, order, cuts, early
        self.name = inner.name

    def __getattr__(self, method: str) -> Any:
        return getattr(self.inner, method)

    def activities(
        self, agent_ids: Sequence[str], start: datetime, end: datetime
    ) -> Iterator[ActivityBatch]:
        listed = collect(self.inner.activities(agent_ids, start, end))
        order = [i for i in self.order if i < len(listed)]
        batches: list[list[Activity]] = [[]]
        withdrawn: list[list[str]] = [[]]
        for n, i in enumerate(order):
            if n in self.cuts:
                batches.append([])
                withdrawn.append([])
            a = listed[i]
            if i in self.early:  # a stand-in first, in a batch of its own
                stand_in = a.model_copy(update={"id": f"early-{a.id}"})
                batches.insert(-1, [stand_in])
                withdrawn.insert(-1, [])
                withdrawn[-1].append(stand_in.id)
            batches[-1].append(a)
        for activities, gone in zip(batches, withdrawn, strict=True):
            yield ActivityBatch(activities=activities, withdrawn=gone)


def world(activities: list[Activity]) -> World:
    w = make_world(
        [person("p1", "a1", "Ana", "Lee", EMAILS[0]), person("p2", "a2", "Bo", "Kim", EMAILS[1])],
        [Employee(host_id="h1", email=EMAILS[0]), Employee(host_id="h2", email=EMAILS[1])],
        OLD_TYPES,
        activities,
    )
    w.catalog().all()  # cached yesterday...
    w.backend.activity_types = {t.id: t for t in NEW_TYPES}  # ...changed since
    return w


@st.composite
def plans(draw: st.DrawFn) -> tuple[date, int, str, list[Activity], list[int], set[int], set[int]]:
    start = draw(st.dates(date(2024, 1, 1), date(2025, 12, 1)))
    days = draw(st.integers(7, 21))
    tz = draw(st.sampled_from(["UTC", "Europe/London", "America/Havana", "Asia/Kathmandu"]))
    origin = datetime.combine(start, time(0), UTC)
    n = draw(st.integers(0, 30))
    activities = [
        Activity(
            id=f"x{i}",
            agent_id=draw(st.sampled_from(["a1", "a2", "a3"])),  # a3: nobody asked for it
            type_id=draw(st.sampled_from(["t1", "t2", "t3"])),
            start=(s := origin + timedelta(minutes=draw(st.integers(-1440, days * 1440)))),
            end=s + timedelta(minutes=draw(st.integers(1, 2 * 1440))),
        )
        for i in range(n)
    ]
    order = draw(st.permutations(range(n)))
    cuts = draw(st.sets(st.integers(1, max(1, n - 1))))
    early = draw(st.sets(st.integers(0, max(0, n - 1)), max_size=5))
    return start, days, tz, activities, order, cuts, early


@given(plans())
def test_a_streamed_view_is_the_view_of_one_listing(
    plan: tuple[date, int, str, list[Activity], list[int], set[int], set[int]],
) -> None:
    start, days, tz, activities, order, cuts, early = plan
    listed, streaming = world(activities), world(activities)
    provider = Streamed(streaming.provider, order, cuts, early)
    service = ScheduleService(provider, streaming.mapper(), streaming.catalog())

    got = service.view(EMAILS, start, days, tz)
    want = listed.schedules().view(EMAILS, start, days, tz)

    assert got == want
    assert got.model_dump_json() == want.model_dump_json()
    assert streaming.backend.calls == listed.backend.calls  # the catalog refreshed alike
