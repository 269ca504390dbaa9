"""Conformance: booking, finding and cancelling 1:1s, pushing scores, refusing bad keys."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from wfm_bridge.ports.errors import AuthError, InvalidInputError, NotFoundError
from wfm_bridge.ports.models import BookedOneToOne, OneToOne
from wfm_bridge.ports.schedule_source import collect

from .builders import BREAK, TYPES, ActivityKey, activity, agent_id, at, key, person, score
from .harness import GOOD_KEY, ProviderHarness

BAD_KEY = "sk_live_" + "b" * 32


def _seed_day(harness: ProviderHarness) -> list[ActivityKey]:
    """Agent 1 and agent 2 each with a shift split by a break; 1:1s enabled."""
    seeded = []
    for n in (1, 2):
        seeded += [
            activity(agent_id(n), at(0, 8), at(0, 10)),
            activity(agent_id(n), at(0, 10), at(0, 10.25), BREAK.id),
            activity(agent_id(n), at(0, 10.25), at(0, 16)),
        ]
    harness.seed([person(1), person(2)], TYPES, seeded)
    harness.enable_one_to_ones()
    return [key(a) for a in seeded]


def _one_to_one(
    reference: str = "mtg-0001", start: float = 9.5, end: float = 11, agent: str = agent_id(1)
) -> OneToOne:
    return OneToOne(
        reference=reference,
        agent_id=agent,
        start=at(0, start),
        end=at(0, end),
        title="One To One [Created via evaluagent]",
        description="coaching",
    )


def _needs(harness: ProviderHarness, capability: str) -> None:
    if capability not in harness.capabilities:
        pytest.skip(f"{harness.name} does not declare {capability}")


def _ids(found: list[BookedOneToOne]) -> list[str]:
    return sorted(b.id for b in found)


def _server_keys(harness: ProviderHarness) -> list[ActivityKey]:
    return sorted(key(a) for a in harness.server_activities())


def test_a_booking_is_found_by_its_reference_and_shows_in_the_schedule(
    harness: ProviderHarness,
) -> None:
    _needs(harness, "one_to_ones")
    _seed_day(harness)
    provider = harness.provider()
    wanted = _one_to_one()

    booked = provider.book(wanted)

    assert booked.id and booked.reference == wanted.reference
    assert (booked.agent_id, booked.start) == (wanted.agent_id, wanted.start)
    assert booked.end == wanted.end
    assert provider.find(wanted.reference, agent_id(1), at(0, 0), at(1, 0)) == [booked]
    assert provider.find("mtg-other", agent_id(1), at(0, 0), at(1, 0)) == []
    assert provider.find(wanted.reference, agent_id(2), at(0, 0), at(1, 0)) == []
    shown = collect(provider.activities([agent_id(1)], at(0, 0), at(1, 0)))
    (mine,) = [a for a in shown if a.id == booked.id]
    assert (mine.start, mine.end) == (wanted.start, wanted.end)
    assert wanted.title in mine.description and wanted.description in mine.description


def test_booking_over_existing_activities_deletes_and_trims_nothing(
    harness: ProviderHarness,
) -> None:
    _needs(harness, "one_to_ones")
    before = _seed_day(harness)

    harness.provider().book(_one_to_one(start=9.5, end=11))  # overlaps three blocks

    after = [k for k in _server_keys(harness) if k in before]
    assert after == sorted(before) and len(_server_keys(harness)) == len(before) + 1


def test_a_reference_booked_twice_is_found_twice_and_each_copy_cancels_alone(
    harness: ProviderHarness,
) -> None:
    _needs(harness, "one_to_ones")
    before = _seed_day(harness)
    provider = harness.provider()
    first = provider.book(_one_to_one())
    second = provider.book(_one_to_one())  # a late-landing retry leaves such a copy
    other = provider.book(_one_to_one("mtg-0002"))

    assert _ids(provider.find("mtg-0001", agent_id(1), at(0, 0), at(1, 0))) == _ids(
        [first, second]
    )
    provider.cancel(second)

    assert provider.find("mtg-0001", agent_id(1), at(0, 0), at(1, 0)) == [first]
    assert provider.find("mtg-0002", agent_id(1), at(0, 0), at(1, 0)) == [other]
    provider.cancel(first)
    provider.cancel(other)
    assert _server_keys(harness) == sorted(before)


def test_booking_for_an_unknown_agent_is_not_found_and_creates_nothing(
    harness: ProviderHarness,
) -> None:
    _needs(harness, "one_to_ones")
    before = _seed_day(harness)

    with pytest.raises(NotFoundError):
        harness.provider().book(_one_to_one(agent="no-such-agent"))

    assert _server_keys(harness) == sorted(before)


def test_cancel_removes_exactly_that_booking(harness: ProviderHarness) -> None:
    _needs(harness, "one_to_ones")
    before = _seed_day(harness)
    provider = harness.provider()
    booked = provider.book(_one_to_one(start=9.5, end=11))

    provider.cancel(booked)

    assert _server_keys(harness) == sorted(before)
    assert provider.find(booked.reference, agent_id(1), at(0, 0), at(1, 0)) == []


def test_cancelling_a_booking_already_gone_is_not_found(harness: ProviderHarness) -> None:
    _needs(harness, "one_to_ones")
    before = _seed_day(harness)
    provider = harness.provider()
    booked = provider.book(_one_to_one())
    provider.cancel(booked)

    with pytest.raises(NotFoundError):
        provider.cancel(booked)

    assert _server_keys(harness) == sorted(before)


def test_a_ready_account_says_so(harness: ProviderHarness) -> None:
    _needs(harness, "one_to_ones")
    _seed_day(harness)
    assert harness.provider().readiness() == []


def test_scores_upsert_by_evaluation_id_and_resending_never_duplicates(
    harness: ProviderHarness,
) -> None:
    _needs(harness, "scores")
    harness.seed([person(1), person(2)], TYPES)
    provider = harness.provider()
    batch = [score("ev-1", agent_id(1), 80), score("ev-2", agent_id(2), 90)]

    provider.push(batch)
    provider.push(batch)  # a retry after a lost acknowledgement
    provider.push([score("ev-1", agent_id(1), 95, updated_minute=5)])  # re-scored
    provider.push([])

    stored = harness.server_scores()
    assert sorted(s.evaluation_id for s in stored) == ["ev-1", "ev-2"]
    assert {s.evaluation_id: s.score for s in stored} == {"ev-1": 95, "ev-2": 90}


def test_the_sink_declares_a_batch_limit_and_a_cadence_and_keeps_to_the_limit(
    harness: ProviderHarness,
) -> None:
    _needs(harness, "scores")
    harness.seed([person(1)], TYPES)
    provider = harness.provider()

    assert isinstance(provider.batch_limit, int) and provider.batch_limit >= 1
    assert provider.cadence in ("hourly", "daily")
    if provider.batch_limit <= 10_000:  # a batch over the limit is refused, never half-sent
        too_many = [score(f"ev-{n}", agent_id(1), 50) for n in range(provider.batch_limit + 1)]
        with pytest.raises(InvalidInputError):
            provider.push(too_many)
        assert harness.server_scores() == []


def test_a_bad_key_is_an_auth_error_that_never_shows_the_key(harness: ProviderHarness) -> None:
    before = _seed_day(harness)
    provider = harness.provider(BAD_KEY)
    good = harness.provider()
    some_booking = good.book(_one_to_one()) if "one_to_ones" in harness.capabilities else None
    with_booking = _server_keys(harness)
    window: tuple[datetime, datetime] = (at(0, 0), at(1, 0))
    attempts: list[Callable[[], object]] = [
        provider.check_credentials,
        provider.list_people,
        provider.list_activity_types,
        lambda: collect(provider.activities([agent_id(1)], *window)),
    ]
    if some_booking is not None:
        attempts += [
            lambda: provider.book(_one_to_one("mtg-bad")),
            lambda: provider.find("mtg-0001", agent_id(1), *window),
            lambda: provider.cancel(some_booking),
            provider.readiness,
        ]
    if "scores" in harness.capabilities:
        attempts.append(lambda: provider.push([score("ev-1", agent_id(1), 80)]))

    for attempt in attempts:
        with pytest.raises(AuthError) as caught:
            attempt()
        assert BAD_KEY not in str(caught.value) and BAD_KEY not in repr(caught.value)
        assert GOOD_KEY not in str(caught.value)

    assert _server_keys(harness) == with_booking and len(with_booking) >= len(before)
    assert harness.server_scores() == []
