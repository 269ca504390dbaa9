"""Scores as Genesys daily values: the day's value is the mean of the day's evaluations of
the scorecard (as a percentage), whatever the batching, order or re-sends; at most 100
items per request; a scorecard with its own metric goes there."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from contract.genesys_harness import METRIC_ID, GenesysEmulatorHarness, genesys_emulator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wfm_bridge.plugins.genesys.emulator.metrics import definition_wire
from wfm_bridge.ports.errors import NotAvailableError
from wfm_bridge.ports.models import ProviderPerson, ScorePush

DAY0 = datetime(2025, 6, 2, 9, tzinfo=UTC)
AGENTS = ["agent-a", "agent-b"]
PEOPLE = [ProviderPerson(person_id=a, agent_id=a, email=f"{a}@example.com") for a in AGENTS]


def _score(
    n: int, agent: str, day: int, value: float, hour: int = 0, version: int = 0
) -> ScorePush:
    at = DAY0 + timedelta(days=day, hours=hour)
    return ScorePush(
        evaluation_id=f"ev-{n}", agent_id=agent, score=value, max_score=50, scorecard="Calls",
        evaluated_at=at, updated_at=DAY0 + timedelta(days=30, minutes=version),
    )  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GenesysEmulatorHarness]:
    with genesys_emulator(tmp_path_factory.mktemp("g")) as h:
        yield h


scores = st.lists(
    st.tuples(st.integers(0, 7), st.sampled_from(AGENTS), st.integers(0, 2), st.integers(0, 50)),
    min_size=1,
    max_size=30,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scores, st.integers(1, 7), st.randoms(use_true_random=False))
def test_each_day_holds_the_mean_of_its_latest_evaluations(
    world: GenesysEmulatorHarness, raw: list[tuple[int, str, int, int]], size: int, rnd: object
) -> None:
    world.reset()
    world.seed(PEOPLE)
    provider = world.provider()
    pushes = [
        _score(n, agent, day, value, hour=n % 5, version=i)
        for i, (n, agent, day, value) in enumerate(raw)
    ]
    for i in range(0, len(pushes), size):
        provider.push(pushes[i : i + size])
    provider.push(pushes[:size])  # a re-send after a lost acknowledgement

    latest: dict[str, ScorePush] = {}
    for p in pushes:  # the last score of an evaluation wins
        latest[p.evaluation_id] = p
    expected: dict[tuple[str, str], list[float]] = {}
    for p in latest.values():
        expected.setdefault((p.agent_id, p.evaluated_at.date().isoformat()), []).append(
            p.score / 50 * 100
        )
    data = world.emulator.state.metrics.data
    got = {(u, d): v["value"] for (u, m, d), v in data.items() if m == METRIC_ID}
    assert got.keys() == expected.keys()
    for k, values in expected.items():
        assert got[k] == pytest.approx(sum(values) / len(values))
    assert all(len(w) <= 100 for w in world.emulator.state.ledger.metric_writes)


def test_a_scorecard_with_its_own_metric_goes_there(world: GenesysEmulatorHarness) -> None:
    world.reset()
    world.seed(PEOPLE)
    with world.emulator.state.lock:
        world.emulator.state.metrics.definitions["m-calls"] = definition_wire("m-calls", "Calls")
    world.provider().push([_score(1, "agent-a", 0, 40)])
    assert set(world.emulator.state.metrics.data) == {("agent-a", "m-calls", "2025-06-02")}


def test_no_metric_at_all_is_not_available_and_sends_nothing(
    world: GenesysEmulatorHarness, tmp_path: Path
) -> None:
    world.reset()
    world.seed(PEOPLE)
    with world.emulator.state.lock:
        world.emulator.state.metrics.definitions.clear()
    with pytest.raises(NotAvailableError) as caught:
        world.provider().push([_score(1, "agent-a", 0, 40)])
    assert "QA score" in str(caught.value) and caught.value.condition
    assert world.emulator.state.ledger.metric_writes == []
