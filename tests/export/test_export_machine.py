"""State machine: recordings, re-scorings, hires, export runs and injected failures.

After every successful run the sink holds exactly the latest version of every mappable score
recorded so far (nothing missing), each evaluation once, and the pending set holds exactly
the unmappable ones (an evaluation re-assigned to an unmapped agent keeps its older, mapped
version in the sink: nothing can be deleted there). At all times: no older version is ever
applied after a newer one, and a version settled by a successful run is never pushed again
(nothing twice).
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from export.world import MAPPED, UNMAPPED, ExportWorld
from wfm_bridge.core.export_state import ExportState
from wfm_bridge.plugins.memory_fake.score_sink import CrashAt, SimulatedCrash
from wfm_bridge.plugins.memory_fake.state import InMemoryStateStore
from wfm_bridge.ports.errors import (
    OutcomeUnknownError,
    RateLimitedError,
    UnavailableError,
    WfmError,
)
from wfm_bridge.ports.jsonvalue import JsonValue

AGENTS = MAPPED[:2] + UNMAPPED

FAULTS = st.one_of(
    st.just(("none", 0)),
    st.tuples(st.just("rate_limited"), st.integers(1, 3)),  # the run fails; the next resumes
    st.tuples(st.just("outage"), st.integers(0, 2)),  # down for good after k pushes
    st.tuples(st.just("outcome_unknown"), st.integers(0, 2)),  # accepted, answer lost
    st.tuples(st.just("auth"), st.just(0)),
    st.tuples(st.sampled_from(["pushed", "checkpointed", "released"]), st.integers(1, 3)),
    st.tuples(st.sampled_from(["sink_crash_before", "sink_crash_after"]), st.just(0)),
    st.tuples(st.just("state_write"), st.integers(1, 8)),
)


class FlakyState(InMemoryStateStore):
    """InMemoryStateStore whose n-th write from now fails (a disk or database error)."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_at: int | None = None

    def put(self, namespace: str, key: str, value: JsonValue) -> None:
        """Count down, fail when armed, else store."""
        if self.fail_at is not None:
            self.fail_at -= 1
            if self.fail_at == 0:
                self.fail_at = None
                raise UnavailableError("state store write failed")
        super().put(namespace, key, value)


class ExportMachine(RuleBasedStateMachine):
    """Drives one tenant's export through recordings, hires, runs and failures."""

    def __init__(self) -> None:
        super().__init__()
        self.world = ExportWorld(state=FlakyState())
        self.settled: set[tuple[str, object]] = set()
        self.settled_upto = 0
        self.evaluations: list[str] = []

    @rule(agent=st.sampled_from(AGENTS), score=st.integers(0, 100))
    def record(self, agent: str, score: int) -> None:
        self.evaluations.append(self.world.record(agent, float(score)).evaluation_id)

    @precondition(lambda self: self.evaluations)
    @rule(data=st.data(), score=st.integers(0, 100), agent=st.sampled_from(("", *AGENTS)))
    def rescore(self, data: st.DataObject, score: int, agent: str) -> None:
        """Re-score an evaluation (``agent`` "" keeps it; else it was reassigned)."""
        evaluation_id = data.draw(st.sampled_from(self.evaluations))
        self.world.record(agent, float(score), evaluation_id=evaluation_id)

    @rule(agent=st.sampled_from(UNMAPPED))
    def hire(self, agent: str) -> None:
        self.world.hire(agent)

    @rule(batch_size=st.integers(1, 4))
    def dry_run(self, batch_size: int) -> None:
        before = (self._state_snapshot(), self.world.sink.attempts)
        report = self.world.export(batch_size=batch_size).run(dry_run=True)
        assert (self._state_snapshot(), self.world.sink.attempts) == before
        assert report.dry_run

    @rule(batch_size=st.integers(1, 4), fault=FAULTS)
    def export(self, batch_size: int, fault: tuple[str, int]) -> None:
        world = self.world
        hook = self._arm(fault)
        try:
            report = world.export(on_step=hook, batch_size=batch_size).run()
        except (WfmError, SimulatedCrash):
            self._disarm()
            return
        self._disarm()
        if hook is not None and hook.fired:  # pragma: no cover - a crash always raises
            return
        expected = world.expected_in_sink()
        assert {k: v for k, v in world.sink.scores.items() if k in expected} == expected
        unmappable = {s.evaluation_id for s in world.source if s.agent_email not in world.hired}
        assert report.pending_unmapped == len(unmappable)
        held = {p.score.evaluation_id for p in ExportState(world.state, world.tenant).pending()}
        assert held == unmappable
        self.settled.update(world.sink.received)
        self.settled_upto = len(world.sink.received)

    @invariant()
    def nothing_stale_nothing_twice(self) -> None:
        sink = self.world.sink
        assert sink.stale_writes() == []
        again = [v for v in sink.received[self.settled_upto :] if v in self.settled]
        assert again == [], f"settled versions pushed again: {again}"

    @invariant()
    def sink_holds_only_recorded_versions_of_mapped_agents(self) -> None:
        for evaluation_id, push in self.world.sink.scores.items():
            latest = self.world.source.get(evaluation_id)
            assert latest is not None and push.updated_at <= latest.updated_at
            if latest.agent_email not in self.world.hired:  # reassigned to an unmapped agent
                assert push.updated_at < latest.updated_at

    def _arm(self, fault: tuple[str, int]) -> CrashAt | None:
        kind, n = fault
        sink, world = self.world.sink, self.world
        if kind == "rate_limited":
            retry_at = world.clock.now() + timedelta(seconds=2)
            sink.outage(RateLimitedError("429", retry_at=retry_at), pushes=n)
        elif kind == "outage":
            sink.outage(UnavailableError("503"), after=n)
        elif kind == "outcome_unknown":
            for _ in range(n + 1):
                sink.fail_next("push_scores", OutcomeUnknownError("timeout"), after_apply=True)
        elif kind == "auth":
            sink.accepted_keys = {"someone-else's key"}
        elif kind in ("sink_crash_before", "sink_crash_after"):
            sink.crash_next_push(after_apply=kind == "sink_crash_after")
        elif kind == "state_write":
            assert isinstance(world.state, FlakyState)
            world.state.fail_at = n
        elif kind != "none":
            return CrashAt(kind, n)
        return None

    def _disarm(self) -> None:
        self.world.sink.heal()
        state = self.world.state
        assert isinstance(state, FlakyState)
        state.fail_at = None

    def _state_snapshot(self) -> list[object]:
        state, tenant = self.world.state, self.world.tenant
        return [list(state.scan(f"{tenant}:export")), list(state.scan(f"{tenant}:export_pending"))]


TestExportMachine = ExportMachine.TestCase
