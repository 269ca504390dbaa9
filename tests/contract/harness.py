"""Harnesses that put adapters under the conformance suites (tests/contract/test_*.py).

Provider harnesses. A ``ProviderHarness`` gives the ``WfmProvider`` under test plus a
backdoor into the server behind it: ``seed`` puts people, activity types and activities
straight into the server (ids as given), ``server_activities``/``server_scores`` read back
what the server really holds (unclipped; every stored score row, so a duplicate would show),
``reset`` empties it. A harness factory is a context manager taking a fresh temporary
directory and yielding one harness (start servers on entry, stop them on exit).

To run the whole provider suite against another adapter, write its factory (anywhere under
tests/) and add it to ``PROVIDER_HARNESSES`` -- one line, e.g.::

    PROVIDER_HARNESSES = [memory_fake, persistent_memory_fake, assembled_emulator]

Cache and StateStore adapters are listed the same way: add a ``StoreAdapter`` to
``CACHE_ADAPTERS`` or ``STATE_ADAPTERS`` (one line) and tests/contract/test_cache_contract.py
or test_state_contract.py runs every test against it. Mark it ``durable=True`` when reopening
the same directory (also from another process) must see earlier writes and locks. Server
adapters (postgres, redis) give each directory its own schema / key prefix and skip with a
one-line reason when ``WFM_TEST_POSTGRES_DSN`` / ``WFM_TEST_REDIS_URL`` is not set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from pydantic import SecretStr

from wfm_bridge.plugins.local.cache import DiskCache
from wfm_bridge.plugins.local.state import SqliteStateStore
from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend
from wfm_bridge.plugins.memory_fake.cache import InMemoryCache
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
from wfm_bridge.plugins.memory_fake.snapshot import Snapshot
from wfm_bridge.plugins.memory_fake.state import InMemoryStateStore
from wfm_bridge.plugins.memory_fake.store import PersistentFakeBackend
from wfm_bridge.ports.cache import Cache
from wfm_bridge.ports.models import Activity, ActivityType, ProviderPerson, ScorePush
from wfm_bridge.ports.provider import WfmProvider
from wfm_bridge.ports.state import StateStore

GOOD_KEY = "sk_live_" + "g" * 32


class ProviderHarness(Protocol):
    """A provider under test and a backdoor into the server behind it."""

    name: str
    paging_people: int  # seeding this many people makes listing them take several pages

    def provider(self, api_key: str = GOOD_KEY) -> WfmProvider:
        """The provider under test, holding ``api_key`` (only ``GOOD_KEY`` is accepted)."""
        ...

    def seed(
        self,
        people: Sequence[ProviderPerson] = (),
        activity_types: Sequence[ActivityType] = (),
        activities: Sequence[Activity] = (),
    ) -> None:
        """Put these straight into the server, ids as given."""
        ...

    def server_activities(self) -> list[Activity]:
        """Every activity the server holds, as stored (not clipped)."""
        ...

    def server_scores(self) -> list[ScorePush]:
        """Every score row the server holds (a duplicated evaluation would appear twice)."""
        ...

    def reset(self) -> None:
        """Empty the server (for property tests that reuse one harness)."""
        ...


HarnessFactory = Callable[[Path], AbstractContextManager[ProviderHarness]]


# --- memory_fake --------------------------------------------------------------------------


class MemoryFakeHarness:
    """memory_fake over one shared in-process FakeWfmBackend."""

    name = "memory_fake"
    paging_people = 25

    def __init__(self) -> None:
        self.backend = FakeWfmBackend(accepted_keys=[GOOD_KEY])

    def provider(self, api_key: str = GOOD_KEY) -> WfmProvider:
        """A provider over the shared backend."""
        return InMemoryProvider(self.backend, SecretStr(api_key))

    def seed(
        self,
        people: Sequence[ProviderPerson] = (),
        activity_types: Sequence[ActivityType] = (),
        activities: Sequence[Activity] = (),
    ) -> None:
        """Insert into the backend's dicts."""
        _insert(self.backend, people, activity_types, activities)

    def server_activities(self) -> list[Activity]:
        """The backend's activities."""
        return list(self.backend.activities.values())

    def server_scores(self) -> list[ScorePush]:
        """The backend's scores."""
        return list(self.backend.scores.values())

    def reset(self) -> None:
        """A fresh backend."""
        self.backend = FakeWfmBackend(accepted_keys=[GOOD_KEY])


class PersistentMemoryFakeHarness:
    """memory_fake persisted to a file: every call opens its own backend on that file, as
    separate CLI processes would, so nothing passes through memory."""

    name = "memory_fake_persistent"
    paging_people = 25

    def __init__(self, directory: Path) -> None:
        self.path = directory / "memory_fake" / "contract.json"
        self._open()  # creates the (empty) file

    def _open(self) -> PersistentFakeBackend:
        return PersistentFakeBackend(self.path, _empty, accepted_keys=[GOOD_KEY])

    def provider(self, api_key: str = GOOD_KEY) -> WfmProvider:
        """A provider over its own freshly loaded backend."""
        return InMemoryProvider(self._open(), SecretStr(api_key))

    def seed(
        self,
        people: Sequence[ProviderPerson] = (),
        activity_types: Sequence[ActivityType] = (),
        activities: Sequence[Activity] = (),
    ) -> None:
        """Insert under the file lock and save."""
        backend = self._open()
        with backend.editing():
            _insert(backend, people, activity_types, activities)

    def server_activities(self) -> list[Activity]:
        """Activities as stored in the file."""
        return list(self._open().activities.values())

    def server_scores(self) -> list[ScorePush]:
        """Scores as stored in the file."""
        return list(self._open().scores.values())

    def reset(self) -> None:
        """Write an empty server."""
        backend = self._open()
        with backend.editing():
            backend.people, backend.activity_types, backend.activities = {}, {}, {}
            backend.scores, backend.score_batches, backend.deleted_ids = {}, [], []


def _empty() -> Snapshot:
    return Snapshot(anchor=None, people=[], activity_types=[], activity_rows=[])


def _insert(
    backend: FakeWfmBackend,
    people: Iterable[ProviderPerson],
    activity_types: Iterable[ActivityType],
    activities: Iterable[Activity],
) -> None:
    backend.people.update({p.person_id: p for p in people})
    backend.activity_types.update({t.id: t for t in activity_types})
    backend.activities.update({a.id: a for a in activities})


@contextmanager
def memory_fake(tmp: Path) -> Iterator[ProviderHarness]:
    """The in-process fake."""
    yield MemoryFakeHarness()


@contextmanager
def persistent_memory_fake(tmp: Path) -> Iterator[ProviderHarness]:
    """The fake as the CLI uses it: state in a file in the data directory."""
    yield PersistentMemoryFakeHarness(tmp)


from assembled.harness import assembled_emulator  # noqa: E402  (tests/assembled/harness.py)
from fleet import servers  # noqa: E402  (tests/fleet/servers.py: the real servers, if set)

PROVIDER_HARNESSES: list[HarnessFactory] = [
    memory_fake,
    persistent_memory_fake,
    assembled_emulator,
]


# --- Cache and StateStore adapters ---------------------------------------------------------

T = TypeVar("T")


@dataclass(frozen=True)
class StoreAdapter(Generic[T]):
    """How to open one Cache or StateStore adapter in a directory."""

    name: str
    open: Callable[[Path, InMemoryClock], AbstractContextManager[T]]
    durable: bool = False  # reopening the directory (even from another process) sees writes
    skip_reason: str | None = None  # set: its tests are skipped at collection, with this reason

    def __str__(self) -> str:
        return self.name


def _ready(value: Any) -> AbstractContextManager[Any]:
    return nullcontext(value)


@contextmanager
def _postgres_state(directory: Path, clock: InMemoryClock) -> Iterator[StateStore]:
    """PostgreSQL on the directory's own schema (skips without WFM_TEST_POSTGRES_DSN)."""
    from wfm_bridge.plugins.postgres.state import PostgresStateStore

    dsn, schema = servers.postgres_dsn(), servers.schema_for(directory)
    with closing(PostgresStateStore.connect(dsn, schema, clock)) as store:
        yield store


@contextmanager
def _redis_cache(directory: Path, clock: InMemoryClock) -> Iterator[Cache]:
    """Redis under the directory's own key prefix (skips without WFM_TEST_REDIS_URL)."""
    from wfm_bridge.plugins.redis.cache import RedisCache

    url, prefix = servers.redis_url(), servers.prefix_for(directory)
    with closing(RedisCache.connect(url, prefix, clock)) as cache:
        yield cache


CACHE_ADAPTERS: list[StoreAdapter[Cache]] = [
    StoreAdapter("memory", lambda _dir, clock: _ready(InMemoryCache(clock))),
    StoreAdapter("local", lambda d, clock: closing(DiskCache(d, clock)), durable=True),
    StoreAdapter("redis", _redis_cache, durable=True, skip_reason=servers.redis_missing()),
]

STATE_ADAPTERS: list[StoreAdapter[StateStore]] = [
    StoreAdapter("memory", lambda _dir, _clock: _ready(InMemoryStateStore())),
    StoreAdapter("local", lambda d, _clock: closing(SqliteStateStore(d)), durable=True),
    StoreAdapter(
        "postgres", _postgres_state, durable=True, skip_reason=servers.postgres_missing()
    ),
]
