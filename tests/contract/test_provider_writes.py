"""Conformance: creating and deleting activities, pushing scores, and refusing bad keys."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from wfm_bridge.ports.errors import AuthError, NotFoundError
from wfm_bridge.ports.models import NewActivity

from .builders import BREAK, MEETING, TYPES, ActivityKey, activity, agent_id, at, key, person, score
from .harness import GOOD_KEY, ProviderHarness

BAD_KEY = "sk_live_" + "b" * 32


def _seed_day(harness: ProviderHarness) -> list[ActivityKey]:
    """Agent 1 and agent 2 each with a shift split by a break."""
    seeded = []
    for n in (1, 2):
        seeded += [
            activity(agent_id(n), at(0, 8), at(0, 10)),
            activity(agent_id(n), at(0, 10), at(0, 10.25), BREAK.id),
            activity(agent_id(n), at(0, 10.25), at(0, 16)),
        ]
    harness.seed([person(1), person(2)], TYPES, seeded)
    return [key(a) for a in seeded]


def _meeting(start: float = 9.5, end: float = 11, type_id: str = MEETING.id) -> NewActivity:
    return NewActivity(
        agent_id=agent_id(1),
        type_id=type_id,
        start=at(0, start),
        end=at(0, end),
        description="One To One [Created via evaluagent] coaching",
    )


def test_create_returns_the_activity_and_it_is_then_listed(harness: ProviderHarness) -> None:
    _seed_day(harness)
    provider = harness.provider()
    new = _meeting()

    created = provider.create_activity(new)

    assert created.id
    assert (created.agent_id, created.type_id, created.description) == (
        new.agent_id,
        new.type_id,
        new.description,
    )
    assert (created.start, created.end) == (new.start, new.end)
    listed = provider.list_activities([agent_id(1)], at(0, 0), at(1, 0))
    assert key(created) in [key(a) for a in listed]
    assert key(created) in [key(a) for a in harness.server_activities()]


def test_create_over_existing_activities_deletes_and_trims_nothing(
    harness: ProviderHarness,
) -> None:
    before = _seed_day(harness)

    created = harness.provider().create_activity(_meeting(9.5, 11))  # overlaps three blocks

    after = sorted(key(a) for a in harness.server_activities())
    assert after == sorted([*before, key(created)])


@pytest.mark.parametrize(
    "new",
    [
        _meeting(type_id="no-such-type"),
        NewActivity(agent_id="no-such-agent", type_id=MEETING.id, start=at(0, 9), end=at(0, 10)),
    ],
    ids=["unknown type", "unknown agent"],
)
def test_create_with_an_unknown_type_or_agent_is_not_found_and_creates_nothing(
    harness: ProviderHarness, new: NewActivity
) -> None:
    before = _seed_day(harness)

    with pytest.raises(NotFoundError):
        harness.provider().create_activity(new)

    assert sorted(key(a) for a in harness.server_activities()) == sorted(before)


def test_delete_by_id_removes_exactly_that_one(harness: ProviderHarness) -> None:
    before = _seed_day(harness)
    provider = harness.provider()
    created = provider.create_activity(_meeting(9.5, 11))

    provider.delete_activity(created.id)

    assert sorted(key(a) for a in harness.server_activities()) == sorted(before)


def test_delete_of_a_seeded_activity_leaves_its_neighbours_whole(
    harness: ProviderHarness,
) -> None:
    before = _seed_day(harness)
    victim = next(a for a in harness.server_activities() if a.type_id == BREAK.id)

    harness.provider().delete_activity(victim.id)

    assert sorted(key(a) for a in harness.server_activities()) == sorted(
        k for k in before if k[0] != victim.id
    )


@pytest.mark.parametrize("twice", [False, True], ids=["unknown id", "already deleted"])
def test_delete_of_an_unknown_id_is_not_found(harness: ProviderHarness, twice: bool) -> None:
    _seed_day(harness)
    provider = harness.provider()
    target = "no-such-activity"
    if twice:
        target = provider.create_activity(_meeting()).id
        provider.delete_activity(target)
    before = sorted(key(a) for a in harness.server_activities())

    with pytest.raises(NotFoundError):
        provider.delete_activity(target)

    assert sorted(key(a) for a in harness.server_activities()) == before


def test_scores_upsert_by_evaluation_id_and_resending_never_duplicates(
    harness: ProviderHarness,
) -> None:
    harness.seed([person(1), person(2)], TYPES)
    provider = harness.provider()
    batch = [score("ev-1", agent_id(1), 80), score("ev-2", agent_id(2), 90)]

    provider.push_scores(batch)
    provider.push_scores(batch)  # a retry after a lost acknowledgement
    provider.push_scores([score("ev-1", agent_id(1), 95, updated_minute=5)])  # re-scored
    provider.push_scores([])

    stored = harness.server_scores()
    assert sorted(s.evaluation_id for s in stored) == ["ev-1", "ev-2"]
    assert {s.evaluation_id: s.score for s in stored} == {"ev-1": 95, "ev-2": 90}


def test_a_bad_key_is_an_auth_error_that_never_shows_the_key(harness: ProviderHarness) -> None:
    before = _seed_day(harness)
    provider = harness.provider(BAD_KEY)
    attempts: list[Callable[[], object]] = [
        provider.check_credentials,
        provider.list_people,
        provider.list_activity_types,
        lambda: provider.list_activities([agent_id(1)], at(0, 0), at(1, 0)),
        lambda: provider.create_activity(_meeting()),
        lambda: provider.delete_activity(before[0][0]),
        lambda: provider.push_scores([score("ev-1", agent_id(1), 80)]),
    ]

    for attempt in attempts:
        with pytest.raises(AuthError) as caught:
            attempt()
        assert BAD_KEY not in str(caught.value) and BAD_KEY not in repr(caught.value)
        assert GOOD_KEY not in str(caught.value)

    assert sorted(key(a) for a in harness.server_activities()) == sorted(before)
    assert harness.server_scores() == []
