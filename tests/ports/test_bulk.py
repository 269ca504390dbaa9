"""Unvalidated DTO construction gives exactly what validation gives; the GC pause nests."""

from __future__ import annotations

import gc
import pickle
import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wfm_bridge.ports.bulk import construct, full_gc_deferred
from wfm_bridge.ports.models import Activity, ActivityType, ScheduleDay, TimeBlock

LONDON = ZoneInfo("Europe/London")
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(LONDON)
)
texts = st.text(min_size=1, max_size=8)


def same(a: object, b: object) -> None:
    assert a == b
    assert type(a) is type(b)
    assert repr(a) == repr(b)
    assert a.model_dump_json() == b.model_dump_json()  # type: ignore[attr-defined]
    assert a.model_fields_set == b.model_fields_set  # type: ignore[attr-defined]
    if not isinstance(a, ScheduleDay):  # a list field: not hashable
        assert hash(a) == hash(b)
    assert pickle.loads(pickle.dumps(a)) == b


@given(moments, st.integers(1, 10**6), texts, texts, texts, st.sampled_from([None, "#fff"]))
def test_trusted_blocks_and_days_equal_validated_ones(
    start: datetime, seconds: int, name: str, aid: str, desc: str, color: str | None
) -> None:
    end = start + timedelta(seconds=seconds)
    fast = TimeBlock.trusted(start, end, name, aid, "t1", color, desc, True)
    slow = TimeBlock(
        start=start,
        end=end,
        activity=name,
        activity_id=aid,
        activity_type_id="t1",
        color=color,
        description=desc,
        created_here=True,
    )
    same(fast, slow)
    same(
        ScheduleDay.trusted(date(2024, 1, 2), [fast]),
        ScheduleDay(date=date(2024, 1, 2), blocks=[slow]),
    )


@given(moments, st.integers(1, 10**6), texts, texts)
def test_trusted_activities_equal_validated_ones(
    start: datetime, seconds: int, aid: str, desc: str
) -> None:
    start = start.astimezone(UTC)
    end = start + timedelta(seconds=seconds)
    fast = Activity.trusted(aid, "agent", "t1", start, end, desc)
    same(
        fast,
        Activity(id=aid, agent_id="agent", type_id="t1", start=start, end=end, description=desc),
    )


def test_a_copy_with_changes_leaves_the_shared_fields_set_alone() -> None:
    t0 = datetime(2024, 3, 1, 9, tzinfo=UTC)
    a = Activity.trusted("a", "agent", "t1", t0, t0 + timedelta(hours=1), "")
    b = Activity.trusted("b", "agent", "t1", t0, t0 + timedelta(hours=1), "")
    renamed = a.model_copy(update={"id": "a-1"})
    assert renamed.id == "a-1" and a.id == "a"
    assert a.model_fields_set == b.model_fields_set == set(Activity.model_fields)
    with pytest.raises(Exception, match="frozen"):
        a.id = "x"  # type: ignore[misc]


def test_construct_refuses_missing_or_reordered_fields() -> None:
    with pytest.raises(TypeError, match="every field"):
        construct(ActivityType, {"id": "t1", "name": "Shift"})
    fields = {name: None for name in reversed(ActivityType.model_fields)}
    with pytest.raises(TypeError, match="every field"):
        construct(ActivityType, fields)


def test_full_collections_are_deferred_and_the_thresholds_restored() -> None:
    before = gc.get_threshold()
    with full_gc_deferred():
        young, middle, full = gc.get_threshold()
        assert (young, middle) == before[:2] and full > 10**6
        with full_gc_deferred():
            assert gc.get_threshold()[2] == full
        assert gc.get_threshold()[2] == full  # the outer one is still building
        assert gc.isenabled()  # young collections go on
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), full_gc_deferred():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before


def test_overlapping_threads_restore_the_thresholds_once_all_are_out() -> None:
    before = gc.get_threshold()
    inside, leave = threading.Barrier(3), threading.Event()

    def build() -> None:
        with full_gc_deferred():
            inside.wait(timeout=10)
            leave.wait(timeout=10)

    threads = [threading.Thread(target=build) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait(timeout=10)
    with full_gc_deferred():
        leave.set()
        for t in threads:
            t.join(timeout=10)
        assert gc.get_threshold()[2] > 10**6  # this caller is still inside
    assert gc.get_threshold() == before
