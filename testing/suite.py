"""The base every kit suite shares: the ``harness`` fixture and selection by capability.

A suite's tests take ``harness``; it comes from the vendor's own ``wfm_harness`` fixture, and
a test marked ``needs("one_to_ones")`` is skipped (saying why) for a provider that does not
declare that capability. Marks sit on test methods, not on classes, so the suites combine into
one class (``ProviderConformance``) without mixing their capabilities.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest

from wfm_bridge.testing.harness import ProviderHarness

MARKER = "wfm_capability"
F = TypeVar("F", bound=Callable[..., object])


def needs(capability: str) -> Callable[[F], F]:
    """Mark a suite test as needing ``capability`` (``schedules`` is every provider's)."""

    def mark(test: F) -> F:
        marked: F = getattr(pytest.mark, MARKER)(capability)(test)
        return marked

    return mark


class KitSuite:
    """Base of every kit suite; a vendor's test class inherits one or all of them."""

    @pytest.fixture
    def harness(self, request: pytest.FixtureRequest, wfm_harness: ProviderHarness) -> object:
        """The vendor's harness, or a skip when the test needs an undeclared capability."""
        for mark in request.node.iter_markers(MARKER):
            (capability,) = mark.args
            if capability not in wfm_harness.capabilities:
                pytest.skip(f"{wfm_harness.name} does not declare the capability {capability}")
        return wfm_harness
