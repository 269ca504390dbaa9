"""The ``harness`` fixture: every provider test runs once per entry of PROVIDER_HARNESSES;
Cache/StateStore adapters whose server is not configured are skipped at collection."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import PROVIDER_HARNESSES, ProviderHarness


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip, with its one-line reason, every test of an adapter whose server is not set."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        reason = getattr(callspec.params.get("adapter") if callspec else None, "skip_reason", None)
        if isinstance(reason, str):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(params=PROVIDER_HARNESSES, ids=lambda factory: factory.__name__)
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ProviderHarness]:
    """One provider under test with its server backdoor, torn down after the test."""
    with request.param(tmp_path) as h:
        yield h
