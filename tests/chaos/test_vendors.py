"""The chaos run's oracles can fail: each vendor's reading of its emulator reports a lost, a
doubled and a stale score, and a foreign activity deleted or changed, when there is one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from wfm_bridge.plugins.genesys.emulator.seed import DEMO_METRIC_ID
from wfm_bridge.ports.models import QaScore

from .host_side import expected_agents
from .vendors import VENDORS, Genesys

TODAY = date(2024, 6, 12)
ANCHOR = date(2024, 6, 10)
EVALUATED = datetime(2024, 6, 11, 15, tzinfo=UTC)


def _score(evaluation: str, email: str, value: float) -> QaScore:
    return QaScore(
        evaluation_id=evaluation,
        agent_email=email,
        score=value,
        max_score=100,
        scorecard="Chat QA",
        evaluated_at=EVALUATED,
        updated_at=EVALUATED,
    )


def test_genesys_day_values_lost_doubled_and_stale_are_reported() -> None:
    vendor = Genesys(TODAY, ANCHOR, 1000.0, 1000)
    agents = expected_agents(vendor.people())
    first, second = sorted(agents)[:2]
    mine = {
        "ev-1": (_score("ev-1", first, 80), agents[first]),
        "ev-2": (_score("ev-2", first, 60), agents[first]),
        "ev-3": (_score("ev-3", second, 90), agents[second]),
    }
    data = vendor.emulator.state.metrics.data
    day = EVALUATED.date().isoformat()
    data[(agents[first], DEMO_METRIC_ID, day)] = {"value": 70.0, "count": 2}
    data[(agents[second], DEMO_METRIC_ID, day)] = {"value": 90.0, "count": 1}
    assert vars(vendor.score_problems(mine)) == {
        "lost": [],
        "stale": [],
        "duplicated": [],
        "unexpected": [],
    }

    data[(agents[first], DEMO_METRIC_ID, day)] = {"value": 70.0, "count": 3}
    data[(agents[second], DEMO_METRIC_ID, day)] = {"value": 85.0, "count": 1}
    found = vendor.score_problems(mine)
    assert found.duplicated == [f"{agents[first]}/{DEMO_METRIC_ID}/{day}"]
    assert found.stale == [f"{agents[second]}/{DEMO_METRIC_ID}/{day}"]

    del data[(agents[second], DEMO_METRIC_ID, day)]
    data[("someone-else", DEMO_METRIC_ID, day)] = {"value": 1.0, "count": 1}
    found = vendor.score_problems(mine)
    assert found.lost == [f"{agents[second]}/{DEMO_METRIC_ID}/{day}"]
    assert found.unexpected == [f"someone-else/{DEMO_METRIC_ID}/{day}"]


@pytest.mark.parametrize("name", sorted(VENDORS))
def test_a_foreign_activity_changed_or_deleted_is_seen(name: str) -> None:
    vendor = VENDORS[name](TODAY, ANCHOR, 1000.0, 1000)
    before = vendor.foreign()
    assert before and vendor.foreign_ids()
    state = vendor.emulator.state
    with state.lock:
        if name == "genesys":
            shifts = state.schedules
            user = shifts.users()[0]
            shift = shifts.overlapping(user, 0, 4e9)[0]
            shift.slots[0].description = "edited"
        else:
            state.activities[next(iter(state.activities))]["description"] = "edited"
    after = vendor.foreign()
    assert [k for k in before if after.get(k) != before[k]] != []
