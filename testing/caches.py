"""Kit suite: every Cache adapter behaves the same (a vendor gives ``wfm_cache_adapter``).

The fixture returns a ``StoreAdapter`` (how to open the adapter in a directory with a clock);
mark it ``durable=True`` when reopening the same directory must see earlier writes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.cache import Cache
from wfm_bridge.ports.jsonvalue import JsonValue
from wfm_bridge.testing.harness import StoreAdapter
from wfm_bridge.testing.strategies import canonical, json_values, keys

# Each example resets what it uses; one suite method runs for many vendor classes (executors).
_REUSED = [HealthCheck.function_scoped_fixture, HealthCheck.differing_executors]


@contextmanager
def _open(adapter: StoreAdapter[Cache], directory: Path | None = None) -> Iterator[Cache]:
    clock = InMemoryClock(datetime(2024, 6, 10, tzinfo=UTC))
    if directory is not None:
        with adapter.open(directory, clock) as cache:
            yield cache
        return
    with tempfile.TemporaryDirectory() as tmp, adapter.open(Path(tmp), clock) as cache:
        yield cache


def _need_durable(adapter: StoreAdapter[Cache]) -> None:
    if not adapter.durable:
        pytest.skip(f"{adapter.name} is not durable")


class CacheConformance:
    """What every Cache adapter promises."""

    @pytest.fixture
    def adapter(self, wfm_cache_adapter: StoreAdapter[Cache]) -> StoreAdapter[Cache]:
        """The vendor's cache adapter."""
        return wfm_cache_adapter

    @settings(suppress_health_check=_REUSED)
    @given(value=json_values, key=keys)
    def test_values_round_trip_exactly(
        self, adapter: StoreAdapter[Cache], value: JsonValue, key: str
    ) -> None:
        with _open(adapter) as cache:
            cache.set("ns", key, value, ttl_seconds=3600)
            assert canonical(cache.get("ns", key)) == canonical(value)

    def test_absent_keys_are_none_and_set_replaces(self, adapter: StoreAdapter[Cache]) -> None:
        with _open(adapter) as cache:
            assert cache.get("ns", "k") is None
            cache.set("ns", "k", {"v": 1}, ttl_seconds=None)
            cache.set("ns", "k", {"v": 2}, ttl_seconds=None)
            assert cache.get("ns", "k") == {"v": 2}

    def test_returned_values_are_copies(self, adapter: StoreAdapter[Cache]) -> None:
        with _open(adapter) as cache:
            people: list[JsonValue] = [1, 2]
            cache.set("ns", "k", {"people": people}, ttl_seconds=None)
            people.append(3)
            got = cache.get("ns", "k")
            assert got == {"people": [1, 2]}
            assert isinstance(got, dict) and isinstance(got["people"], list)
            got["people"].append(4)
            assert cache.get("ns", "k") == {"people": [1, 2]}

    def test_namespaces_are_isolated_and_clear_counts(self, adapter: StoreAdapter[Cache]) -> None:
        with _open(adapter) as cache:
            for k in ("a", "b", "c"):
                cache.set("tenant-1:mapping", k, k, ttl_seconds=None)
            cache.set("tenant-2:mapping", "a", "other", ttl_seconds=None)

            assert cache.clear("tenant-1:mapping") == 3
            assert cache.clear("tenant-1:mapping") == 0
            assert cache.get("tenant-1:mapping", "a") is None
            assert cache.get("tenant-2:mapping", "a") == "other"

    def test_delete_removes_one_entry_and_absent_keys_are_fine(
        self, adapter: StoreAdapter[Cache]
    ) -> None:
        with _open(adapter) as cache:
            cache.set("ns", "a", 1, ttl_seconds=None)
            cache.set("ns", "b", 2, ttl_seconds=None)
            cache.delete("ns", "a")
            cache.delete("ns", "never-there")
            assert (cache.get("ns", "a"), cache.get("ns", "b")) == (None, 2)

    @settings(suppress_health_check=_REUSED)
    @given(names=st.lists(keys, min_size=1, max_size=6, unique=True))
    def test_same_key_in_different_namespaces_never_collides(
        self, adapter: StoreAdapter[Cache], names: list[str]
    ) -> None:
        with _open(adapter) as cache:
            for i, ns in enumerate(names):
                cache.set(ns, "k", i, ttl_seconds=None)
            assert [cache.get(ns, "k") for ns in names] == list(range(len(names)))

    def test_a_durable_cache_survives_reopening(
        self, adapter: StoreAdapter[Cache], tmp_path: Path
    ) -> None:
        _need_durable(adapter)
        with _open(adapter, tmp_path) as cache:
            cache.set("ns", "k", [1, "two"], ttl_seconds=3600)
        with _open(adapter, tmp_path) as cache:
            assert cache.get("ns", "k") == [1, "two"]
