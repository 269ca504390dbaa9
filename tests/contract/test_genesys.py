"""Genesys Cloud (over HTTP to its emulator) through the conformance kit, as a vendor runs it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from wfm_bridge.testing import ProviderConformance, ProviderHarness

from .genesys_harness import genesys_emulator


@pytest.fixture
def wfm_harness(tmp_path: Path) -> Iterator[ProviderHarness]:
    """An emulator on a free loopback port for one test, the provider on a fake clock."""
    with genesys_emulator(tmp_path) as harness:
        yield harness


class TestGenesys(ProviderConformance):
    """Every kit suite Genesys's declared capabilities select."""
