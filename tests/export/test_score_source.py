"""The ScoreSource fakes: stable order, re-scores once at their latest time, paging, files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wfm_bridge.plugins.memory_fake.scores import (
    DemoScoreSource,
    InMemoryScoreSource,
    demo_scores_path,
)
from wfm_bridge.ports.errors import IntegrityError, InvalidInputError
from wfm_bridge.ports.models import QaScore
from wfm_bridge.ports.scores import ScoreCursor, ScoreSource

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def qa(evaluation_id: str, minute: int, score: float = 1.0) -> QaScore:
    """A score whose updated_at is ``minute`` minutes after T0."""
    return QaScore(
        evaluation_id=evaluation_id,
        agent_email="a@example.com",
        score=score,
        max_score=10,
        evaluated_at=T0,
        updated_at=T0 + timedelta(minutes=minute),
    )


RECORDINGS = st.lists(
    st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 20), st.integers(0, 9)), max_size=40
)


@given(recordings=RECORDINGS, page=st.integers(1, 7))
def test_paging_yields_latest_versions_once_in_stable_order(
    recordings: list[tuple[str, int, int]], page: int
) -> None:
    source = InMemoryScoreSource()
    latest: dict[str, QaScore] = {}
    for evaluation_id, minute, score in recordings:
        version = qa(evaluation_id, minute, score)
        source.record(version)
        old = latest.get(evaluation_id)
        if old is None or version.updated_at >= old.updated_at:
            latest[evaluation_id] = version
    expected = sorted(latest.values(), key=lambda s: (s.updated_at, s.evaluation_id))

    seen: list[QaScore] = []
    cursor: ScoreCursor | None = None
    while True:
        assert source.count_since(cursor) == len(expected) - len(seen)
        chunk = source.changed_since(cursor, page)
        assert len(chunk) <= page
        if not chunk:
            break
        seen.extend(chunk)
        cursor = ScoreCursor(updated_at=chunk[-1].updated_at, evaluation_id=chunk[-1].evaluation_id)
    assert seen == expected
    assert isinstance(source, ScoreSource)


def test_an_older_version_never_replaces_a_newer_one() -> None:
    source = InMemoryScoreSource([qa("e", 5, 9.0)])
    source.record(qa("e", 1, 1.0))
    assert source.get("e") == qa("e", 5, 9.0)
    assert len(source) == 1


def test_page_size_must_be_positive() -> None:
    with pytest.raises(InvalidInputError):
        InMemoryScoreSource().changed_since(None, 0)


def test_demo_scores_persist_and_are_seen_by_another_instance(tmp_path: Path) -> None:
    path = demo_scores_path(tmp_path, "acme")
    first, second = DemoScoreSource(path), DemoScoreSource(path)
    first.record(qa("e1", 1))
    assert second.count_since(None) == 1  # another "process" sees the write
    second.record(qa("e2", 2))
    second.record(qa("e1", 3, 7.0))
    assert [s.evaluation_id for s in first.changed_since(None, 10)] == ["e2", "e1"]
    assert DemoScoreSource(path).get("e1") == qa("e1", 3, 7.0)
    assert isinstance(first, ScoreSource)


def test_a_damaged_demo_scores_file_is_an_integrity_error(tmp_path: Path) -> None:
    path = demo_scores_path(tmp_path, "acme")
    path.parent.mkdir(parents=True)
    path.write_text('[{"evaluation_id": ""}]')
    with pytest.raises(IntegrityError, match="damaged"):
        DemoScoreSource(path).count_since(None)


def test_a_tenant_name_cannot_escape_the_data_directory(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError):
        demo_scores_path(tmp_path, "../elsewhere")
