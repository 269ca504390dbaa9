"""The export adapts to the score sink: it sends min(policy batch size, the sink's limit)."""

from __future__ import annotations

import pytest
from export.world import MAPPED, ExportWorld
from hypothesis import given
from hypothesis import strategies as st

from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
from wfm_bridge.ports.errors import InvalidInputError


@given(
    limit=st.integers(1, 7),
    batch=st.integers(1, 9),
    scores=st.integers(0, 30),
    unmapped_first=st.booleans(),
)
def test_no_push_exceeds_the_sinks_limit_and_everything_arrives_once(
    limit: int, batch: int, scores: int, unmapped_first: bool
) -> None:
    world = ExportWorld()
    world.provider = InMemoryProvider(world.sink, batch_limit=limit)
    if unmapped_first:  # held pending, then sent from pending once hired
        world.record("u0@example.com")
    for n in range(scores):
        world.record(MAPPED[n % len(MAPPED)])
    if unmapped_first:
        world.export(batch_size=batch).run()
        world.hire("u0@example.com")

    report = world.export(batch_size=batch).run()

    size = min(batch, limit)
    assert all(len(b) <= size for b in world.sink.score_batches)
    assert world.sink.scores == world.expected_in_sink()
    assert sum(world.sink.pushes_per_version().values()) == len(world.expected_in_sink())
    assert report.pending_unmapped == 0


def test_a_sink_over_its_limit_refuses_the_batch_and_keeps_nothing() -> None:
    world = ExportWorld()
    sink = InMemoryProvider(world.sink, batch_limit=2)
    world.record(MAPPED[0])
    scores = list(world.expected_in_sink().values()) * 3

    with pytest.raises(InvalidInputError, match="at most 2"):
        sink.push(scores)
    assert world.sink.scores == {}
