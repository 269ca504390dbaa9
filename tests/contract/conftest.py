"""The ``harness`` fixture: every provider test runs once per entry of PROVIDER_HARNESSES."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import PROVIDER_HARNESSES, ProviderHarness


@pytest.fixture(params=PROVIDER_HARNESSES, ids=lambda factory: factory.__name__)
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ProviderHarness]:
    """One provider under test with its server backdoor, torn down after the test."""
    with request.param(tmp_path) as h:
        yield h
