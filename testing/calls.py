"""Every call a provider offers, as zero-argument attempts (for the errors and redaction suites)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wfm_bridge.ports.models import BookedOneToOne
from wfm_bridge.ports.schedule_source import collect
from wfm_bridge.testing.builders import agent_id, at, score
from wfm_bridge.testing.harness import ProviderHarness
from wfm_bridge.testing.writes import one_to_one

Attempt = Callable[[], object]


def every_call(
    harness: ProviderHarness, provider: Any, booking: BookedOneToOne | None
) -> dict[str, Attempt]:
    """Each port method of ``provider`` its declared capabilities give, named."""
    start, end = at(0, 0), at(1, 0)
    calls: dict[str, Attempt] = {
        "check_credentials": provider.check_credentials,
        "list_people": provider.list_people,
        "list_activity_types": provider.list_activity_types,
        "activities": lambda: collect(provider.activities([agent_id(1)], start, end)),
    }
    if "one_to_ones" in harness.capabilities and booking is not None:
        calls |= {
            "book": lambda: provider.book(one_to_one("mtg-other")),
            "find": lambda: provider.find("mtg-0001", agent_id(1), start, end),
            "cancel": lambda: provider.cancel(booking),
            "readiness": provider.readiness,
        }
    if "scores" in harness.capabilities:
        calls["push"] = lambda: provider.push([score("ev-1", agent_id(1), 80)])
    return calls
