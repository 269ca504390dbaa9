"""The schedule view's output types: slotted frozen dataclasses that write the JSON the pydantic
models wrote, validate when parsed, and stay cheap (no per-object dict)."""

from __future__ import annotations

import dataclasses
import inspect
import json
import pickle
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from wfm_bridge.ports.models import (
    Employee,
    EmployeeSchedule,
    ScheduleDay,
    ScheduleView,
    TimeBlock,
    UnmappedEmployee,
)

LONDON = ZoneInfo("Europe/London")
# What the pydantic models of these types wrote for view() (model_dump_json): the same bytes.
PINNED = (
    '{"start":"2024-03-31","days":7,"timezone":"Europe/London",'
    '"employees":[{"employee":{"host_id":"h1","name":"Ana Lee","email":"ana@example.com",'
    '"agent_id":null,"timezone":null},"agent_id":"ag1","days":[{"date":"2024-03-31",'
    '"blocks":[{"start":"2024-03-31T09:00:00+01:00","end":"2024-03-31T10:00:00+01:00",'
    '"activity":"Shift","activity_id":"a1","activity_type_id":"t1","color":"#4a90d9",'
    '"description":"","created_here":false,"availability":"busy"},'
    '{"start":"2024-03-31T10:00:00+01:00",'
    '"end":"2024-03-31T10:30:00+01:00","activity":"Réunion","activity_id":"a2",'
    '"activity_type_id":"t2","color":null,"description":"1:1 au café ☕",'
    '"created_here":true,"availability":"busy"}]},{"date":"2024-04-01","blocks":[]},'
    '{"date":"2024-04-02",'
    '"blocks":[]},{"date":"2024-04-03","blocks":[]},{"date":"2024-04-04","blocks":[]},'
    '{"date":"2024-04-05","blocks":[]},{"date":"2024-04-06","blocks":[]}],"timezone":null}],'
    '"unmapped":[{"employee":{"host_id":"h2","name":"Bo","email":null,"agent_id":null,'
    '"timezone":null},"reason":"inactive in Assembled"}],"basis":"shifts"}'
)


def view() -> ScheduleView:
    t = datetime(2024, 3, 31, 9, tzinfo=LONDON)
    blocks = [
        TimeBlock(
            start=t,
            end=t + timedelta(hours=1),
            activity="Shift",
            activity_id="a1",
            activity_type_id="t1",
            color="#4a90d9",
        ),
        TimeBlock(
            start=t + timedelta(hours=1),
            end=t + timedelta(hours=1, minutes=30),
            activity="Réunion",
            activity_id="a2",
            activity_type_id="t2",
            description="1:1 au café ☕",
            created_here=True,
        ),
    ]
    days = [ScheduleDay(date=date(2024, 3, 31), blocks=blocks)]
    days += [ScheduleDay(date=date(2024, 4, d), blocks=[]) for d in range(1, 7)]
    ana = Employee(host_id="h1", name="Ana Lee", email="ana@example.com")
    return ScheduleView(
        start=date(2024, 3, 31),
        days=7,
        timezone="Europe/London",
        employees=[EmployeeSchedule(employee=ana, agent_id="ag1", days=days)],
        unmapped=[
            UnmappedEmployee(
                employee=Employee(host_id="h2", name="Bo"), reason="inactive in Assembled"
            )
        ],
    )


def test_the_json_is_what_the_pydantic_models_wrote() -> None:
    assert view().model_dump_json() == PINNED
    assert view().model_dump(mode="json") == json.loads(PINNED)


def test_parsing_the_json_gives_the_same_view_and_validates() -> None:
    assert ScheduleView.model_validate_json(PINNED) == view()
    assert ScheduleView.model_validate(json.loads(PINNED)) == view()
    naive = json.loads(PINNED)
    naive["employees"][0]["days"][0]["blocks"][0]["start"] = "2024-03-31T09:00:00"
    with pytest.raises(ValidationError, match="timezone"):
        ScheduleView.model_validate(naive)
    extra = json.loads(PINNED)
    extra["unmapped"][0]["surprise"] = 1
    with pytest.raises(ValidationError, match="surprise"):
        ScheduleView.model_validate(extra)


def test_python_dump_keeps_python_values() -> None:
    dumped = view().model_dump()
    block = dumped["employees"][0]["days"][0]["blocks"][0]
    assert block["start"] == datetime(2024, 3, 31, 8, tzinfo=UTC)
    assert dumped["employees"][0]["employee"]["host_id"] == "h1"


@given(
    st.datetimes(timezones=st.just(LONDON), min_value=datetime(2000, 1, 1)),
    st.integers(1, 10**6),
    st.text(max_size=8),
    st.sampled_from([None, "#fff"]),
    st.booleans(),
)
def test_blocks_are_frozen_slotted_values(
    start: datetime, seconds: int, text: str, color: str | None, ours: bool
) -> None:
    block = TimeBlock(start, start + timedelta(seconds=seconds), text, "a", "t", color, text, ours)
    assert not hasattr(block, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        block.activity = "x"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(block)) == block
    assert hash(block) == hash(dataclasses.replace(block))
    written = block.model_dump_json()  # (== across zones is False in a DST gap: compare JSON)
    assert TimeBlock.model_validate_json(written).model_dump_json() == written
    renamed = block.model_copy(update={"activity": "Renamed"})
    assert renamed.activity == "Renamed" and block.activity == text


def test_the_hand_written_block_init_takes_every_field_with_its_default() -> None:
    params = list(inspect.signature(TimeBlock).parameters.values())
    fields = dataclasses.fields(TimeBlock)
    assert [p.name for p in params] == [f.name for f in fields]
    assert [p.default for p in params] == [
        inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
        for f in fields
    ]
    t = datetime(2024, 6, 10, 9, tzinfo=UTC)
    given_only_required: dict[str, Any] = {
        "start": t, "end": t, "activity": "S", "activity_id": "a"
    }
    built = TimeBlock(**given_only_required, activity_type_id="t")
    assert built == TimeBlock.model_validate({**given_only_required, "activity_type_id": "t"})
