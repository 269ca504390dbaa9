"""The wfm_bridge conformance kit: the suites every provider (and store) adapter must pass.

Installed with ``pip install "wfm-bridge[testing]"``; pytest loads ``wfm_bridge.testing.plugin``
by itself. A vendor's whole conformance test file::

    import pytest
    from wfm_bridge.testing import ProviderConformance
    from acme_wfm.harness import acme_harness   # the vendor's ProviderHarness factory

    @pytest.fixture
    def wfm_harness(tmp_path):
        with acme_harness(tmp_path) as harness:
            yield harness

    class TestAcme(ProviderConformance):
        \"\"\"Every kit suite; those needing undeclared capabilities are skipped.\"\"\"

One suite alone is a class to inherit too (``ReadsSuite``, ``PagingSuite``, ...).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wfm_bridge.testing.caches import CacheConformance
    from wfm_bridge.testing.errors import ErrorsSuite
    from wfm_bridge.testing.harness import (
        HarnessFactory,
        ProviderHarness,
        StoreAdapter,
        TeamsHarness,
        wrong_credentials,
    )
    from wfm_bridge.testing.kit import SUITES, ProviderConformance
    from wfm_bridge.testing.reads import PagingSuite, ReadsSuite, TimeZoneSuite
    from wfm_bridge.testing.redaction import RedactionSuite
    from wfm_bridge.testing.scores import ScoreSuite
    from wfm_bridge.testing.states import StateConformance
    from wfm_bridge.testing.suite import KitSuite, needs
    from wfm_bridge.testing.writes import IdempotencySuite, NeverDestroySuite, OneToOneSuite

# Loaded lazily: the pytest plugin lives in this package and is imported by every pytest run
# of a project that has wfm-bridge installed, with or without the [testing] extra.
_HOMES = {
    "CacheConformance": "caches",
    "StateConformance": "states",
    "ErrorsSuite": "errors",
    "HarnessFactory": "harness",
    "ProviderHarness": "harness",
    "StoreAdapter": "harness",
    "TeamsHarness": "harness",
    "wrong_credentials": "harness",
    "SUITES": "kit",
    "ProviderConformance": "kit",
    "PagingSuite": "reads",
    "ReadsSuite": "reads",
    "TimeZoneSuite": "reads",
    "RedactionSuite": "redaction",
    "ScoreSuite": "scores",
    "KitSuite": "suite",
    "needs": "suite",
    "IdempotencySuite": "writes",
    "NeverDestroySuite": "writes",
    "OneToOneSuite": "writes",
}


def __getattr__(name: str) -> Any:
    """The kit's public names, imported on first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'wfm_bridge.testing' has no attribute {name!r}")
    return getattr(import_module(f"wfm_bridge.testing.{home}"), name)


__all__ = [
    "SUITES",
    "CacheConformance",
    "ErrorsSuite",
    "HarnessFactory",
    "IdempotencySuite",
    "KitSuite",
    "NeverDestroySuite",
    "OneToOneSuite",
    "PagingSuite",
    "ProviderConformance",
    "ProviderHarness",
    "ReadsSuite",
    "RedactionSuite",
    "ScoreSuite",
    "StateConformance",
    "StoreAdapter",
    "TeamsHarness",
    "TimeZoneSuite",
    "needs",
    "wrong_credentials",
]
