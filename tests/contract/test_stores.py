"""The repo's Cache and StateStore adapters through the kit's store suites.

The server adapters (state ``postgres``, cache ``redis``) give each directory its own schema /
key prefix (tests/fleet/servers.py) and skip with a one-line reason when
``WFM_TEST_POSTGRES_DSN`` / ``WFM_TEST_REDIS_URL`` is not set.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import pytest
from fleet import servers  # tests/fleet/servers.py: the real servers, when configured

from wfm_bridge.plugins.local.cache import DiskCache
from wfm_bridge.plugins.local.state import SqliteStateStore
from wfm_bridge.plugins.memory_fake.cache import InMemoryCache
from wfm_bridge.plugins.memory_fake.state import InMemoryStateStore
from wfm_bridge.ports.cache import Cache
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.state import StateStore
from wfm_bridge.testing import CacheConformance, StateConformance, StoreAdapter


def _ready(value: Any) -> AbstractContextManager[Any]:
    return nullcontext(value)


@contextmanager
def _postgres_state(directory: Path, clock: Clock) -> Iterator[StateStore]:
    """PostgreSQL on the directory's own schema."""
    from wfm_bridge.plugins.postgres.state import PostgresStateStore

    dsn, schema = servers.postgres_dsn(), servers.schema_for(directory)
    with closing(PostgresStateStore.connect(dsn, schema, clock)) as store:
        yield store


@contextmanager
def _redis_cache(directory: Path, clock: Clock) -> Iterator[Cache]:
    """Redis under the directory's own key prefix."""
    from wfm_bridge.plugins.redis.cache import RedisCache

    url, prefix = servers.redis_url(), servers.prefix_for(directory)
    with closing(RedisCache.connect(url, prefix, clock)) as cache:
        yield cache


def _needs(missing: str | None) -> Any:
    return pytest.mark.skipif(missing is not None, reason=missing or "")


CACHES = [
    pytest.param(
        StoreAdapter("memory", lambda _dir, clock: _ready(InMemoryCache(clock))), id="memory"
    ),
    pytest.param(
        StoreAdapter("local", lambda d, clock: closing(DiskCache(d, clock)), durable=True),
        id="local",
    ),
    pytest.param(
        StoreAdapter("redis", _redis_cache, durable=True),
        id="redis",
        marks=_needs(servers.redis_missing()),
    ),
]
STATES = [
    pytest.param(
        StoreAdapter("memory", lambda _dir, _clock: _ready(InMemoryStateStore())), id="memory"
    ),
    pytest.param(
        StoreAdapter("local", lambda d, _clock: closing(SqliteStateStore(d)), durable=True),
        id="local",
    ),
    pytest.param(
        StoreAdapter("postgres", _postgres_state, durable=True),
        id="postgres",
        marks=_needs(servers.postgres_missing()),
    ),
]


@pytest.fixture(params=CACHES)
def wfm_cache_adapter(request: pytest.FixtureRequest) -> StoreAdapter[Cache]:
    """Each cache adapter."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(params=STATES)
def wfm_state_adapter(request: pytest.FixtureRequest) -> StoreAdapter[StateStore]:
    """Each state store adapter."""
    return request.param  # type: ignore[no-any-return]


class TestCaches(CacheConformance):
    """Every Cache adapter this repo ships."""


class TestStates(StateConformance):
    """Every StateStore adapter this repo ships."""
