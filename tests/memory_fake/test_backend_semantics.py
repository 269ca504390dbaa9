"""FakeWfmBackend reproduces the provider's dangerous semantics that adapters must avoid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend, NewActivity
from wfm_bridge.ports.errors import NotFoundError, OutcomeUnknownError, UnavailableError
from wfm_bridge.ports.models import Activity, ActivityType, ProviderPerson, ScorePush

T0 = datetime(2024, 6, 10, tzinfo=UTC)


def at(hour: float) -> datetime:
    """``T0`` plus ``hour`` hours."""
    return T0 + timedelta(hours=hour)


def _backend() -> FakeWfmBackend:
    people = [ProviderPerson(person_id=f"p{n}", agent_id=f"a{n}") for n in (1, 2)]
    types = [ActivityType(id="shift", name="Shift"), ActivityType(id="mtg", name="Meeting")]
    activities = [
        Activity(id="a1-morning", agent_id="a1", type_id="shift", start=at(8), end=at(12)),
        Activity(id="a1-afternoon", agent_id="a1", type_id="shift", start=at(12), end=at(17)),
        Activity(id="a1-evening", agent_id="a1", type_id="shift", start=at(17), end=at(19)),
        Activity(id="a2-day", agent_id="a2", type_id="shift", start=at(8), end=at(17)),
    ]
    return FakeWfmBackend(people, types, activities)


def _new(start: float, end: float, agent: str = "a1") -> NewActivity:
    return NewActivity(agent_id=agent, type_id="mtg", start=at(start), end=at(end))


def _spans(backend: FakeWfmBackend) -> dict[str, tuple[datetime, datetime]]:
    return {a.id: (a.start, a.end) for a in backend.activities.values()}


def test_create_without_allow_conflicts_deletes_every_overlapping_activity_of_that_agent() -> None:
    backend = _backend()

    created = backend.create(_new(11, 13))  # the provider's default: conflicts not allowed

    assert set(_spans(backend)) == {"a1-evening", "a2-day", created.id}
    assert sorted(backend.deleted_ids) == ["a1-afternoon", "a1-morning"]


def test_touching_activities_do_not_conflict() -> None:
    backend = _backend()

    backend.create(_new(19, 20))

    assert "a1-evening" in _spans(backend)
    assert backend.deleted_ids == []


def test_create_with_allow_conflicts_keeps_everything() -> None:
    backend = _backend()
    before = _spans(backend)

    created = backend.create(_new(11, 13), allow_conflicts=True)

    assert _spans(backend) == {**before, created.id: (at(11), at(13))}
    assert backend.deleted_ids == []


def test_window_delete_removes_inside_and_trims_partial_overlaps() -> None:
    backend = _backend()

    backend.delete_window(["a1"], at(10), at(18))

    assert _spans(backend) == {
        "a1-morning": (at(8), at(10)),  # trimmed at the window start
        "a1-evening": (at(18), at(19)),  # trimmed at the window end
        "a2-day": (at(8), at(17)),  # other agents untouched
    }
    assert backend.deleted_ids == ["a1-afternoon"]


def test_window_delete_as_documented_keeps_the_part_before_the_window() -> None:
    backend = _backend()
    backend.activities = {}
    backend.create(_new(15, 17), allow_conflicts=True)

    backend.delete_window(["a1"], at(16), at(17))

    assert [(a.start, a.end) for a in backend.activities.values()] == [(at(15), at(16))]


def test_delete_by_id_removes_only_that_activity_and_unknown_ids_are_not_found() -> None:
    backend = _backend()

    backend.delete_by_id("a1-afternoon")

    assert set(_spans(backend)) == {"a1-morning", "a1-evening", "a2-day"}
    with pytest.raises(NotFoundError):
        backend.delete_by_id("a1-afternoon")


@pytest.mark.parametrize(
    "new",
    [_new(9, 10, agent="nobody"), _new(9, 10).model_copy(update={"type_id": "nope"})],
    ids=["agent", "type"],
)
def test_create_for_unknown_agent_or_type_is_not_found_and_changes_nothing(
    new: NewActivity,
) -> None:
    backend = _backend()
    before = _spans(backend)

    with pytest.raises(NotFoundError):
        backend.create(new)

    assert _spans(backend) == before


def test_fail_next_before_apply_changes_nothing() -> None:
    backend = _backend()
    before = _spans(backend)
    backend.fail_next("create_activity", UnavailableError("503"))

    with pytest.raises(UnavailableError):
        backend.create(_new(20, 21), allow_conflicts=True)

    assert _spans(backend) == before
    assert backend.calls["create_activity"] == 1
    backend.create(_new(20, 21), allow_conflicts=True)  # the fault was used up
    assert len(backend.activities) == len(before) + 1


def test_fail_next_after_apply_keeps_the_write() -> None:
    backend = _backend()
    backend.fail_next("create_activity", OutcomeUnknownError("timeout"), after_apply=True)

    with pytest.raises(OutcomeUnknownError):
        backend.create(_new(20, 21), allow_conflicts=True)

    assert [a for a in backend.activities.values() if a.start == at(20)]


def test_scores_upsert_by_evaluation_id() -> None:
    backend = _backend()

    def push(evaluation: str, value: float) -> ScorePush:
        return ScorePush(
            evaluation_id=evaluation,
            agent_id="a1",
            score=value,
            max_score=10,
            evaluated_at=T0,
            updated_at=T0,
        )

    backend.receive_scores([push("e1", 5), push("e2", 6)])
    backend.receive_scores([push("e1", 9)])

    assert {k: s.score for k, s in backend.scores.items()} == {"e1": 9, "e2": 6}
    assert backend.score_batches == [["e1", "e2"], ["e1"]]
