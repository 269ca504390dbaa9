"""How the memory fake books 1:1s: a ``Meeting`` activity carrying the reference, by its rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend
from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
from wfm_bridge.ports.errors import NotFoundError
from wfm_bridge.ports.models import ActivityType, OneToOne, ProviderPerson

T0 = datetime(2025, 6, 2, 10, tzinfo=UTC)
PEOPLE = [ProviderPerson(person_id="p1", agent_id="a1")]
SHIFT = ActivityType(id="shift", name="Shift")
MEETING = ActivityType(id="mtg", name="Meeting")
ONE = OneToOne(
    reference="mtg-7", agent_id="a1", start=T0, end=T0 + timedelta(minutes=30),
    title="One To One [Created via evaluagent]", description="coaching",
)


def test_a_booking_is_a_meeting_activity_whose_description_ends_with_the_reference() -> None:
    backend = FakeWfmBackend(PEOPLE, [SHIFT, MEETING])
    provider = InMemoryProvider(backend)

    booked = provider.book(ONE)

    stored = backend.activities[booked.id]
    assert stored.type_id == "mtg"
    assert stored.description == "One To One [Created via evaluagent] - coaching (ref mtg-7)"
    assert provider.find("mtg-7", "a1", T0, T0 + timedelta(hours=1)) == [booked]
    assert provider.find("mtg-77", "a1", T0, T0 + timedelta(hours=1)) == []  # no prefix match


@pytest.mark.parametrize("types", [[SHIFT], [SHIFT, ActivityType(id="m", name="meeting")]])
def test_without_a_type_named_exactly_meeting_nothing_is_booked_and_readiness_says_so(
    types: list[ActivityType],
) -> None:
    backend = FakeWfmBackend(PEOPLE, types)
    provider = InMemoryProvider(backend)

    with pytest.raises(NotFoundError, match="named exactly 'Meeting'"):
        provider.book(ONE)

    assert backend.activities == {} and backend.calls["create_activity"] == 0
    assert provider.readiness() == ["missing: create an activity type named exactly `Meeting`"]
    backend.activity_types["mtg"] = MEETING
    assert provider.readiness() == []
