"""The export use case over the in-memory fakes: batches, checkpoint, pending, re-scoring."""

from __future__ import annotations

import pytest

from export.world import MAPPED, UNMAPPED, ExportWorld
from wfm_bridge.plugins.memory_fake.score_sink import CrashAt, SimulatedCrash
from wfm_bridge.ports.errors import UnavailableError


def test_first_run_sends_everything_in_batches_and_second_run_sends_nothing() -> None:
    world = ExportWorld()
    recorded = [world.record(MAPPED[i % len(MAPPED)]) for i in range(7)]

    first = world.export(batch_size=3).run()
    second = world.export(batch_size=3).run()

    assert (first.sent, first.batches) == (7, 3)
    assert [len(b) for b in world.sink.score_batches] == [3, 3, 1]
    assert world.sink.scores == world.expected_in_sink()
    assert (second.sent, second.batches) == (0, 0)
    assert first.checkpoint is not None
    assert first.checkpoint.evaluation_id == recorded[-1].evaluation_id
    assert first.checkpoint.updated_at == recorded[-1].updated_at


def test_unmapped_scores_are_held_with_reason_then_sent_once_the_agent_maps() -> None:
    world = ExportWorld()
    world.record(MAPPED[0])
    held = world.record(UNMAPPED[0])

    first = world.export().run()

    assert first.sent == 1
    assert first.pending_unmapped == 1
    [unmapped] = first.unmapped
    assert unmapped.evaluation_id == held.evaluation_id
    assert "no memory_fake agent matches" in unmapped.reason
    assert held.evaluation_id not in world.sink.scores

    assert world.export().run().pending_unmapped == 1  # still unmapped: still held, not lost
    world.hire(UNMAPPED[0])
    later = world.export().run()

    assert (later.sent, later.sent_from_pending, later.pending_unmapped) == (1, 1, 0)
    assert world.sink.scores == world.expected_in_sink()
    assert world.export().run().sent == 0


def test_a_rescored_evaluation_replaces_the_earlier_value_and_is_never_twice() -> None:
    world = ExportWorld()
    first = world.record(MAPPED[0], score=50)
    world.export().run()
    world.record(MAPPED[0], score=90, evaluation_id=first.evaluation_id)

    report = world.export().run()

    assert report.sent == 1
    assert list(world.sink.scores) == [first.evaluation_id]
    assert world.sink.scores[first.evaluation_id].score == 90
    assert world.sink.stale_writes() == []


def test_a_newer_version_supersedes_a_pending_one() -> None:
    world = ExportWorld()
    old = world.record(UNMAPPED[1], score=40)
    world.export().run()
    world.record(UNMAPPED[1], score=70, evaluation_id=old.evaluation_id)
    world.export().run()  # still unmapped: the pending entry now holds the newer version
    world.hire(UNMAPPED[1])

    report = world.export().run()

    assert report.sent == 1
    assert world.sink.scores[old.evaluation_id].score == 70
    assert world.sink.pushes_per_version()[(old.evaluation_id, old.updated_at)] == 0


def test_pending_version_is_released_before_its_newer_version_is_pushed() -> None:
    world = ExportWorld()
    old = world.record(UNMAPPED[2], score=10)
    world.export().run()
    world.hire(UNMAPPED[2])
    world.record(UNMAPPED[2], score=99, evaluation_id=old.evaluation_id)

    world.export().run()

    assert world.sink.scores[old.evaluation_id].score == 99
    assert world.sink.stale_writes() == []
    assert world.export().run().pending_unmapped == 0


def test_a_crash_between_push_and_checkpoint_resends_that_batch_only() -> None:
    world = ExportWorld()
    for i in range(5):
        world.record(MAPPED[i % 2])

    with pytest.raises(SimulatedCrash):
        world.export(on_step=CrashAt("pushed", nth=2), batch_size=2).run()
    report = world.export(batch_size=2).run()

    assert report.sent == 3  # the unacknowledged page (2) again, then the last one
    assert world.sink.scores == world.expected_in_sink()
    repeated = [k for k, n in world.sink.pushes_per_version().items() if n > 1]
    assert sorted(e for e, _ in repeated) == world.sink.score_batches[1]


def test_a_crash_after_the_pending_push_before_release_resends_it_once() -> None:
    world = ExportWorld()
    held = world.record(UNMAPPED[0])
    world.export().run()
    world.hire(UNMAPPED[0])

    with pytest.raises(SimulatedCrash):
        world.export(on_step=CrashAt("pushed")).run()
    again = world.export().run()

    assert (again.sent, again.sent_from_pending, again.pending_unmapped) == (1, 1, 0)
    assert world.sink.scores == world.expected_in_sink()
    assert world.sink.pushes_per_version()[(held.evaluation_id, held.updated_at)] == 2
    assert world.export().run().sent == 0


def test_a_crash_after_the_pending_release_neither_doubles_nor_loses() -> None:
    world = ExportWorld()
    held = world.record(UNMAPPED[0])
    world.export().run()
    world.hire(UNMAPPED[0])

    with pytest.raises(SimulatedCrash):
        world.export(on_step=CrashAt("released")).run()

    assert world.export().run().sent == 0
    assert world.sink.scores == world.expected_in_sink()
    assert world.sink.pushes_per_version()[(held.evaluation_id, held.updated_at)] == 1


def test_a_crash_inside_the_sink_after_it_applied_is_resent_as_an_upsert() -> None:
    world = ExportWorld()
    for _ in range(3):
        world.record(MAPPED[0])
    world.sink.crash_next_push(after_apply=True)

    with pytest.raises(SimulatedCrash):
        world.export().run()
    assert world.export().run().sent == 3

    assert world.sink.scores == world.expected_in_sink()
    assert set(world.sink.pushes_per_version().values()) == {2}


def test_the_lock_is_released_after_a_crash_and_a_failure() -> None:
    world = ExportWorld()
    world.record(MAPPED[0])
    with pytest.raises(SimulatedCrash):
        world.export(on_step=CrashAt("pushed")).run()
    with world.state.lock("export:acme"):
        pass  # free again


def test_a_failed_pending_push_keeps_the_scores_pending() -> None:
    world = ExportWorld()
    held = world.record(UNMAPPED[0])
    world.export().run()
    world.hire(UNMAPPED[0])
    world.sink.outage(UnavailableError("503"))

    with pytest.raises(UnavailableError):
        world.export().run()
    world.sink.heal()
    report = world.export().run()

    assert (report.sent, report.sent_from_pending) == (1, 1)
    assert held.evaluation_id in world.sink.scores


def test_a_newer_version_for_a_mapped_agent_supersedes_a_pending_one() -> None:
    world = ExportWorld()
    old = world.record(UNMAPPED[0], score=10)
    world.export().run()
    world.record(MAPPED[0], score=20, evaluation_id=old.evaluation_id)  # re-assigned
    assert world.export().run().pending_unmapped == 0
    world.hire(UNMAPPED[0])

    assert world.export().run().sent == 0  # the old version is gone, not sent over the new
    assert world.sink.scores[old.evaluation_id].score == 20
    assert world.sink.stale_writes() == []
