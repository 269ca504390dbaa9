"""Kit suites: 1:1s (book, find, cancel), idempotency, and never destroying what is there."""

from __future__ import annotations

from typing import Any

import pytest

from wfm_bridge.ports.errors import NotFoundError
from wfm_bridge.ports.models import Activity, BookedOneToOne, OneToOne, ProviderPerson
from wfm_bridge.ports.schedule_source import collect
from wfm_bridge.testing.builders import (
    BREAK,
    TYPES,
    ActivityKey,
    activity,
    agent_id,
    at,
    key,
    person,
    score,
)
from wfm_bridge.testing.harness import ProviderHarness
from wfm_bridge.testing.suite import KitSuite, needs


def seed_day(harness: ProviderHarness) -> list[ActivityKey]:
    """Agents 1 and 2 each with a shift split by a break; 1:1s enabled where declared."""
    seeded = []
    for n in (1, 2):
        seeded += [
            activity(agent_id(n), at(0, 8), at(0, 10)),
            activity(agent_id(n), at(0, 10), at(0, 10.25), BREAK.id),
            activity(agent_id(n), at(0, 10.25), at(0, 16)),
        ]
    harness.seed([person(1), person(2)], TYPES, seeded)
    if "one_to_ones" in harness.capabilities:
        harness.enable_one_to_ones()
    return [key(a) for a in seeded]


def one_to_one(
    reference: str = "mtg-0001",
    start: float = 9.5,
    end: float = 11,
    agent: str = agent_id(1),
    facilitator: ProviderPerson | None = None,
) -> OneToOne:
    """A 1:1 for ``agent`` on day 0 between the given hours (with ``facilitator``)."""
    return OneToOne(
        reference=reference,
        agent_id=agent,
        facilitator_id=facilitator.person_id if facilitator else None,
        facilitator_agent_id=facilitator.agent_id if facilitator else None,
        start=at(0, start),
        end=at(0, end),
        title="One To One [Created via evaluagent]",
        description="coaching",
    )


def server_keys(harness: ProviderHarness) -> list[ActivityKey]:
    """What the server holds, comparable."""
    return sorted(key(a) for a in harness.server_activities())


def _ids(found: list[BookedOneToOne]) -> list[str]:
    return sorted(b.id for b in found)


def _person_of(provider: Any, agent: str | None = None, email: str = "") -> ProviderPerson:
    """The provider's own person for an agent id (or an email): its person id is the
    vendor's."""
    people: list[ProviderPerson] = provider.list_people()
    return next(p for p in people if (p.agent_id == agent if agent else p.email == email))


def _held(provider: Any, holder: str, part_id: str) -> list[Activity]:
    """What ``holder``'s schedule shows on day 0 under ``part_id``."""
    shown = collect(provider.activities([holder], at(0, 0), at(1, 0)))
    return [a for a in shown if a.id == part_id]


class OneToOneSuite(KitSuite):
    """A booked 1:1 is found by its reference, shows in the schedule, cancels alone."""

    @needs("one_to_ones")
    def test_a_booking_is_found_by_its_reference_and_shows_in_the_schedule(
        self, harness: ProviderHarness
    ) -> None:
        seed_day(harness)
        provider = harness.provider()
        wanted = one_to_one()

        booked = provider.book(wanted)

        assert booked.id and booked.reference == wanted.reference
        assert (booked.agent_id, booked.start, booked.end) == (
            wanted.agent_id,
            wanted.start,
            wanted.end,
        )
        assert provider.find(wanted.reference, agent_id(1), at(0, 0), at(1, 0)) == [booked]
        assert provider.find("mtg-other", agent_id(1), at(0, 0), at(1, 0)) == []
        assert provider.find(wanted.reference, agent_id(2), at(0, 0), at(1, 0)) == []
        shown = collect(provider.activities([agent_id(1)], at(0, 0), at(1, 0)))
        (mine,) = [a for a in shown if a.id == booked.id]
        assert (mine.start, mine.end) == (wanted.start, wanted.end)
        assert wanted.title in mine.description and wanted.description in mine.description

    @needs("one_to_ones")
    def test_a_facilitator_with_a_schedule_holds_the_booking_too_and_cancel_removes_both(
        self, harness: ProviderHarness
    ) -> None:
        before = seed_day(harness)
        provider = harness.provider()
        coach = _person_of(provider, agent_id(2))
        wanted = one_to_one(facilitator=coach)

        booked = provider.book(wanted)

        assert booked.holders == [agent_id(1), agent_id(2)]
        for holder, part in [(agent_id(1), booked.id), *((c.agent_id, c.id) for c in
                                                         booked.companions)]:
            (mine,) = _held(provider, holder, part)
            assert (mine.start, mine.end) == (wanted.start, wanted.end)
            assert wanted.title in mine.description
        found = provider.find(wanted.reference, agent_id(1), at(0, 0), at(1, 0), [agent_id(2)])
        assert {i for b in found for i in b.ids} == set(booked.ids)
        assert {h for b in found for h in b.holders} == {agent_id(1), agent_id(2)}
        assert provider.find(wanted.reference, agent_id(2), at(0, 0), at(1, 0)) != []

        provider.cancel(booked)

        assert server_keys(harness) == sorted(before)
        assert provider.find(wanted.reference, agent_id(1), at(0, 0), at(1, 0), [agent_id(2)]) == []
        with pytest.raises(NotFoundError):
            provider.cancel(booked)

    @needs("one_to_ones")
    def test_a_facilitator_without_a_schedule_leaves_other_calendars_alone(
        self, harness: ProviderHarness
    ) -> None:
        harness.seed([person(1), person(2), person(3, agent=False)], TYPES)
        harness.enable_one_to_ones()
        provider = harness.provider()
        coach = _person_of(provider, email=person(3).email or "")
        assert coach.agent_id is None

        booked = provider.book(one_to_one(facilitator=coach))

        assert booked.companions == [] and booked.holders == [agent_id(1)]
        assert len(_held(provider, agent_id(1), booked.id)) == 1
        assert collect(provider.activities([agent_id(2)], at(0, 0), at(1, 0))) == []
        provider.cancel(booked)
        assert server_keys(harness) == []

    @needs("one_to_ones")
    def test_a_ready_account_says_so(self, harness: ProviderHarness) -> None:
        seed_day(harness)
        assert harness.provider().readiness() == []


class IdempotencySuite(KitSuite):
    """Repeating a call (a retry after a lost answer) never multiplies its effect unseen."""

    @needs("one_to_ones")
    def test_a_reference_booked_twice_is_found_twice_and_each_copy_cancels_alone(
        self, harness: ProviderHarness
    ) -> None:
        before = seed_day(harness)
        provider = harness.provider()
        first = provider.book(one_to_one())
        second = provider.book(one_to_one())  # a late-landing retry leaves such a copy
        other = provider.book(one_to_one("mtg-0002"))

        found = provider.find("mtg-0001", agent_id(1), at(0, 0), at(1, 0))
        assert _ids(found) == _ids([first, second])
        provider.cancel(second)

        assert provider.find("mtg-0001", agent_id(1), at(0, 0), at(1, 0)) == [first]
        assert provider.find("mtg-0002", agent_id(1), at(0, 0), at(1, 0)) == [other]
        provider.cancel(first)
        provider.cancel(other)
        assert server_keys(harness) == sorted(before)

    @needs("scores")
    def test_scores_upsert_by_evaluation_id_and_resending_never_duplicates(
        self, harness: ProviderHarness
    ) -> None:
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


class NeverDestroySuite(KitSuite):
    """Booking and cancelling touch exactly the 1:1: nothing else is deleted or trimmed."""

    @needs("one_to_ones")
    def test_booking_over_existing_activities_deletes_and_trims_nothing(
        self, harness: ProviderHarness
    ) -> None:
        before = seed_day(harness)

        harness.provider().book(one_to_one(start=9.5, end=11))  # overlaps three blocks

        after = [k for k in server_keys(harness) if k in before]
        assert after == sorted(before) and len(server_keys(harness)) == len(before) + 1

    @needs("one_to_ones")
    def test_cancel_removes_exactly_that_booking(self, harness: ProviderHarness) -> None:
        before = seed_day(harness)
        provider = harness.provider()
        booked = provider.book(one_to_one(start=9.5, end=11))

        provider.cancel(booked)

        assert server_keys(harness) == sorted(before)
        assert provider.find(booked.reference, agent_id(1), at(0, 0), at(1, 0)) == []

    @needs("one_to_ones")
    def test_cancelling_a_booking_already_gone_is_not_found(self, harness: ProviderHarness) -> None:
        before = seed_day(harness)
        provider = harness.provider()
        booked = provider.book(one_to_one())
        provider.cancel(booked)

        with pytest.raises(NotFoundError):
            provider.cancel(booked)

        assert server_keys(harness) == sorted(before)
