"""Kit suite: the declared secret fields never reach a log record, an error or a repr."""

from __future__ import annotations

import logging
import re

import pytest

from wfm_bridge.ports.errors import WfmError
from wfm_bridge.testing.calls import every_call
from wfm_bridge.testing.harness import (
    ProviderHarness,
    pattern_samples,
    secret_values,
    wrong_credentials,
)
from wfm_bridge.testing.suite import KitSuite
from wfm_bridge.testing.writes import one_to_one, seed_day


class RedactionSuite(KitSuite):
    """Secrets stay secret, whatever the call and however it ends."""

    def test_no_call_logs_or_shows_a_secret_field(
        self, harness: ProviderHarness, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        seed_day(harness)
        good, wrong = harness.provider(), harness.provider(wrong_credentials(harness))
        booking = good.book(one_to_one()) if "one_to_ones" in harness.capabilities else None
        shown = [repr(good), str(good), repr(wrong)]
        for provider in (good, wrong):
            for attempt in every_call(harness, provider, booking).values():
                try:
                    attempt()
                except WfmError as exc:
                    shown += [str(exc), repr(exc)]
        shown += [caplog.text] + [repr(r.args) for r in caplog.records]

        leaked = [s for s in secret_values(harness) if any(s in text for text in shown)]
        assert leaked == [], f"{harness.name} shows or logs {len(leaked)} secret value(s)"

    def test_the_declared_secret_patterns_match_the_secrets(self, harness: ProviderHarness) -> None:
        if not harness.secret_patterns:
            pytest.skip(f"{harness.name} declares no secret patterns (its values are redacted)")
        samples = pattern_samples(harness)
        assert samples, f"{harness.name} declares secret patterns but gives nothing they catch"
        for pattern in harness.secret_patterns:
            compiled = re.compile(pattern)
            assert any(compiled.search(s) for s in samples), f"{pattern!r} matches no secret"
            assert not compiled.search(""), f"{pattern!r} matches the empty string"
