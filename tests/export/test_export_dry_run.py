"""Dry run: sends nothing, changes nothing, and predicts exactly what a real run then does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from export.world import MAPPED, UNMAPPED, ExportWorld

AGENTS = MAPPED + UNMAPPED

STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("record"), st.sampled_from(AGENTS)),
        st.tuples(st.just("rescore"), st.integers(0, 30)),
        st.tuples(st.just("export"), st.integers(1, 4)),
        st.tuples(st.just("hire"), st.sampled_from(UNMAPPED)),
    ),
    max_size=30,
)


def _replay(world: ExportWorld, steps: list[tuple[str, object]]) -> None:
    ids: list[str] = []
    for kind, arg in steps:
        if kind == "record":
            ids.append(world.record(str(arg)).evaluation_id)
        elif kind == "rescore" and ids:
            world.record("", 50.0, evaluation_id=ids[int(str(arg)) % len(ids)])
        elif kind == "export":
            world.export(batch_size=int(str(arg))).run()
        elif kind == "hire":
            world.hire(str(arg))


def _state(world: ExportWorld) -> list[object]:
    return [list(world.state.scan(f"{world.tenant}:{ns}")) for ns in ("export", "export_pending")]


@given(steps=STEPS, batch_size=st.integers(1, 5))
def test_dry_run_sends_nothing_changes_nothing_and_predicts_the_real_run(
    steps: list[tuple[str, object]], batch_size: int
) -> None:
    world = ExportWorld()
    _replay(world, steps)
    state_before, attempts_before = _state(world), world.sink.attempts

    dry = world.export(batch_size=batch_size, preview=1000).run(dry_run=True)

    assert _state(world) == state_before
    assert world.sink.attempts == attempts_before
    real = world.export(batch_size=batch_size).run()
    assert (dry.sent, dry.batches, dry.sent_from_pending, dry.pending_unmapped) == (
        real.sent,
        real.batches,
        real.sent_from_pending,
        real.pending_unmapped,
    )
    batches = world.sink.score_batches[len(world.sink.score_batches) - real.batches :]
    assert [p.evaluation_id for p in dry.preview] == [e for batch in batches for e in batch]
    assert sorted(u.evaluation_id for u in dry.unmapped) == sorted(
        u.evaluation_id for u in real.unmapped
    )
