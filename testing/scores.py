"""Kit suite: the score sink declares its batch limit and cadence and keeps to the limit."""

from __future__ import annotations

import pytest

from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.testing.builders import TYPES, agent_id, person, score
from wfm_bridge.testing.harness import ProviderHarness
from wfm_bridge.testing.suite import KitSuite, needs


class ScoreSuite(KitSuite):
    """Scores arrive as sent; a batch over the declared limit is refused, never half-sent."""

    @needs("scores")
    def test_a_pushed_batch_is_stored_as_sent(self, harness: ProviderHarness) -> None:
        harness.seed([person(1), person(2)], TYPES)
        sent = [score("ev-1", agent_id(1), 80), score("ev-2", agent_id(2), 72.5)]

        harness.provider().push(sent)

        stored = {s.evaluation_id: s for s in harness.server_scores()}
        assert set(stored) == {"ev-1", "ev-2"}
        for expected in sent:
            got = stored[expected.evaluation_id]
            assert (got.agent_id, got.score, got.max_score) == (
                expected.agent_id,
                expected.score,
                expected.max_score,
            )

    @needs("scores")
    def test_the_sink_declares_a_batch_limit_and_a_cadence_and_keeps_to_the_limit(
        self, harness: ProviderHarness
    ) -> None:
        harness.seed([person(1)], TYPES)
        provider = harness.provider()

        assert isinstance(provider.batch_limit, int) and provider.batch_limit >= 1
        assert provider.cadence in ("hourly", "daily")
        if provider.batch_limit <= 10_000:
            too_many = [score(f"ev-{n}", agent_id(1), 50) for n in range(provider.batch_limit + 1)]
            with pytest.raises(InvalidInputError):
                provider.push(too_many)
            assert harness.server_scores() == []
