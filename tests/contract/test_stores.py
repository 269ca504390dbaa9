"""The repo's Cache and StateStore adapters through the kit's store suites."""

from __future__ import annotations

from contextlib import AbstractContextManager, closing, nullcontext
from typing import Any

import pytest

from wfm_bridge.plugins.local.cache import DiskCache
from wfm_bridge.plugins.local.state import SqliteStateStore
from wfm_bridge.plugins.memory_fake.cache import InMemoryCache
from wfm_bridge.plugins.memory_fake.state import InMemoryStateStore
from wfm_bridge.ports.cache import Cache
from wfm_bridge.ports.state import StateStore
from wfm_bridge.testing import CacheConformance, StateConformance, StoreAdapter


def _ready(value: Any) -> AbstractContextManager[Any]:
    return nullcontext(value)


CACHES: list[StoreAdapter[Cache]] = [
    StoreAdapter("memory", lambda _dir, clock: _ready(InMemoryCache(clock))),
    StoreAdapter("local", lambda d, clock: closing(DiskCache(d, clock)), durable=True),
]
STATES: list[StoreAdapter[StateStore]] = [
    StoreAdapter("memory", lambda _dir, _clock: _ready(InMemoryStateStore())),
    StoreAdapter("local", lambda d, _clock: closing(SqliteStateStore(d)), durable=True),
]


@pytest.fixture(params=CACHES, ids=str)
def wfm_cache_adapter(request: pytest.FixtureRequest) -> StoreAdapter[Cache]:
    """Each cache adapter."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(params=STATES, ids=str)
def wfm_state_adapter(request: pytest.FixtureRequest) -> StoreAdapter[StateStore]:
    """Each state store adapter."""
    return request.param  # type: ignore[no-any-return]


class TestCaches(CacheConformance):
    """Every Cache adapter this repo ships."""


class TestStates(StateConformance):
    """Every StateStore adapter this repo ships."""
