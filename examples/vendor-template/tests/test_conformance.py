"""The wfm-bridge conformance kit, run against the Acme provider (this is the whole file)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from acme_harness import acme_harness

from wfm_bridge.testing import ProviderConformance, ProviderHarness


@pytest.fixture
def wfm_harness(tmp_path: Path) -> Iterator[ProviderHarness]:
    """The fake Acme server and the provider under test, for one test."""
    with acme_harness(tmp_path) as harness:
        yield harness


class TestAcme(ProviderConformance):
    """Every kit suite Acme's declared capabilities select (1:1 suites skip: not declared)."""
