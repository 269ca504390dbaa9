"""memory_fake through the conformance kit, exactly as an out-of-tree vendor runs it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from wfm_bridge.testing import HarnessFactory, ProviderConformance, ProviderHarness

from .memory_fake_harness import memory_fake, persistent_memory_fake

HARNESSES: list[HarnessFactory] = [memory_fake, persistent_memory_fake]


@pytest.fixture(params=HARNESSES, ids=lambda factory: factory.__name__)
def wfm_harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ProviderHarness]:
    """The in-process fake, and the fake kept in a file as the CLI keeps it."""
    with request.param(tmp_path) as harness:
        yield harness


class TestMemoryFake(ProviderConformance):
    """Every kit suite memory_fake's declared capabilities select."""
