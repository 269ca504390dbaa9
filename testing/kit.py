"""Every provider suite in one class: what a vendor's conformance test file inherits."""

from __future__ import annotations

from wfm_bridge.testing.errors import ErrorsSuite
from wfm_bridge.testing.reads import PagingSuite, ReadsSuite, TimeZoneSuite
from wfm_bridge.testing.redaction import RedactionSuite
from wfm_bridge.testing.scores import ScoreSuite
from wfm_bridge.testing.writes import IdempotencySuite, NeverDestroySuite, OneToOneSuite


class ProviderConformance(
    ReadsSuite,
    PagingSuite,
    TimeZoneSuite,
    OneToOneSuite,
    ScoreSuite,
    ErrorsSuite,
    IdempotencySuite,
    NeverDestroySuite,
    RedactionSuite,
):
    """Every provider suite; inherit it in one test class per provider harness."""


SUITES = ProviderConformance.__bases__  # each suite once, in the order they run
