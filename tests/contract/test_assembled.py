"""Assembled (over HTTP to its emulator) through the conformance kit, as a vendor runs it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from wfm_bridge.testing import ProviderConformance, ProviderHarness

from .assembled_harness import assembled_emulator


@pytest.fixture
def wfm_harness(tmp_path: Path) -> Iterator[ProviderHarness]:
    """An emulator on a free loopback port for one test, the provider on a fake clock."""
    with assembled_emulator(tmp_path) as harness:
        yield harness


class TestAssembled(ProviderConformance):
    """Every kit suite Assembled's declared capabilities select."""
