"""Unvalidated port DTO construction gives exactly what validation gives."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wfm_bridge.ports.bulk import construct
from wfm_bridge.ports.models import Activity, ActivityBatch, ActivityType

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
    if not isinstance(a, ActivityBatch):  # list fields: not hashable
        assert hash(a) == hash(b)
    assert pickle.loads(pickle.dumps(a)) == b


@given(moments, st.integers(1, 10**6), texts, texts)
def test_trusted_activities_equal_validated_ones(
    start: datetime, seconds: int, aid: str, desc: str
) -> None:
    start = start.astimezone(UTC)
    end = start + timedelta(seconds=seconds)
    fast = Activity.trusted(aid, "agent", "t1", start, end, desc)
    slow = Activity(id=aid, agent_id="agent", type_id="t1", start=start, end=end, description=desc)
    same(fast, slow)
    same(
        ActivityBatch.trusted([fast], ["gone"]),
        ActivityBatch(activities=[slow], withdrawn=["gone"]),
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
