"""Kit suite: wrong credentials, bad windows, unknown agents and outages are typed errors."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from wfm_bridge.ports.errors import AuthError, InvalidInputError, NotFoundError, UnavailableError
from wfm_bridge.testing.builders import TYPES, agent_id, at, person
from wfm_bridge.testing.calls import every_call
from wfm_bridge.testing.harness import ProviderHarness, secret_values, wrong_credentials
from wfm_bridge.testing.suite import KitSuite, needs
from wfm_bridge.testing.writes import one_to_one, seed_day, server_keys


class ErrorsSuite(KitSuite):
    """What goes wrong comes back as the port's typed error, and changes nothing."""

    def test_wrong_credentials_are_an_auth_error_on_every_call_and_change_nothing(
        self, harness: ProviderHarness
    ) -> None:
        seed_day(harness)
        booking = None
        if "one_to_ones" in harness.capabilities:
            booking = harness.provider().book(one_to_one())
        held = server_keys(harness)
        wrong = harness.provider(wrong_credentials(harness))

        for name, attempt in every_call(harness, wrong, booking).items():
            with pytest.raises(AuthError) as caught:
                attempt()
            shown = f"{caught.value} {caught.value!r}"
            assert not [s for s in secret_values(harness) if s in shown], name

        assert server_keys(harness) == held
        if "scores" in harness.capabilities:
            assert harness.server_scores() == []

    @pytest.mark.parametrize("length", [timedelta(0), timedelta(hours=-1)])
    def test_a_window_that_does_not_end_after_it_starts_is_refused(
        self, harness: ProviderHarness, length: timedelta
    ) -> None:
        harness.seed([person(1)], TYPES)
        with pytest.raises(InvalidInputError):  # on the call, before anything is iterated
            harness.provider().activities([agent_id(1)], at(0, 8), at(0, 8) + length)

    def test_a_naive_window_is_refused_on_the_call(self, harness: ProviderHarness) -> None:
        harness.seed([person(1)], TYPES)
        naive = datetime(2024, 6, 10, 8)
        with pytest.raises(InvalidInputError):
            harness.provider().activities([agent_id(1)], naive, naive + timedelta(hours=1))

    @needs("one_to_ones")
    def test_booking_for_an_unknown_agent_is_not_found_and_creates_nothing(
        self, harness: ProviderHarness
    ) -> None:
        before = seed_day(harness)

        with pytest.raises(NotFoundError):
            harness.provider().book(one_to_one(agent="no-such-agent"))

        assert server_keys(harness) == sorted(before)

    def test_an_outage_is_an_unavailable_error_on_every_call(
        self, harness: ProviderHarness
    ) -> None:
        seed_day(harness)
        booking = (
            harness.provider().book(one_to_one())
            if ("one_to_ones" in harness.capabilities)
            else None
        )
        provider = harness.provider()
        harness.inject_outage()

        for name, attempt in every_call(harness, provider, booking).items():
            with pytest.raises(UnavailableError) as caught:
                attempt()
            shown = f"{caught.value} {caught.value!r}"
            assert not [s for s in secret_values(harness) if s in shown], name
