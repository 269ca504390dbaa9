"""DiskCache, SqliteStateStore and SystemClock beyond the shared contract suites."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from wfm_bridge.plugins.local import clock as clock_module
from wfm_bridge.plugins.local import state as state_module
from wfm_bridge.plugins.local.cache import CULL_GRACE_SECONDS, DiskCache
from wfm_bridge.plugins.local.clock import SystemClock
from wfm_bridge.plugins.local.state import SqliteStateStore
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.errors import BusyError, UnavailableError

T0 = datetime(2025, 3, 1, tzinfo=UTC)


def test_cache_expiry_follows_the_clock_not_real_time(tmp_path: Path) -> None:
    clock = InMemoryClock(T0)
    cache = DiskCache(tmp_path, clock)
    cache.set("t1:types", "all", ["Meeting"], ttl_seconds=24 * 3600)
    cache.set("t1:types", "forever", 1, ttl_seconds=None)
    cache.set("t1:types", "now", 1, ttl_seconds=0)
    assert cache.get("t1:types", "now") is None
    clock.advance(timedelta(hours=24) - timedelta(microseconds=1))
    assert cache.get("t1:types", "all") == ["Meeting"]
    clock.advance(timedelta(microseconds=1))
    assert cache.get("t1:types", "all") is None
    clock.advance(timedelta(days=365))
    assert cache.get("t1:types", "forever") == 1


def test_cache_lets_diskcache_cull_stale_entries_after_a_grace(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, InMemoryClock(T0))
    cache.set("ns", "k", 1, ttl_seconds=60)
    cache.set("ns", "keep", 1, ttl_seconds=None)
    _, expire_time = cache._cache.get('["ns", "k"]', expire_time=True)
    _, no_expiry = cache._cache.get('["ns", "keep"]', expire_time=True)
    expected = datetime.now(UTC).timestamp() + 60 + CULL_GRACE_SECONDS
    assert expire_time == pytest.approx(expected, abs=5)
    assert no_expiry is None


def test_cache_refuses_non_json_values(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, InMemoryClock(T0))
    with pytest.raises(TypeError):
        cache.set("ns", "k", {"when": T0}, ttl_seconds=None)  # type: ignore[dict-item]
    assert cache.get("ns", "k") is None


def test_cache_is_shared_by_two_instances_on_one_directory(tmp_path: Path) -> None:
    clock = InMemoryClock(T0)
    writer, reader = DiskCache(tmp_path, clock), DiskCache(tmp_path, clock)
    writer.set("ns", "k", {"a": 1}, ttl_seconds=None)
    assert reader.get("ns", "k") == {"a": 1}
    assert reader.clear("ns") == 1 and writer.get("ns", "k") is None


def test_scan_pages_through_large_namespaces_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state_module, "SCAN_PAGE", 3)
    store = SqliteStateStore(tmp_path)
    keys = [f"k{n:02d}" for n in range(10)] + ["é", "z", "\u4e2d"]
    for k in reversed(keys):
        store.put("ns", k, k)
    store.put("other", "a", 0)
    assert [k for k, _ in store.scan("ns")] == sorted(keys)


def test_state_survives_reopen_and_is_in_wal_mode(tmp_path: Path) -> None:
    store = SqliteStateStore(tmp_path)
    store.put("t1:checkpoint", "export", {"updated_at": "2025-03-01T00:00:00+00:00"})
    store.close()
    db = sqlite3.connect(tmp_path / "state.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    again = SqliteStateStore(tmp_path)
    assert again.get("t1:checkpoint", "export") == {"updated_at": "2025-03-01T00:00:00+00:00"}


def test_a_damaged_state_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "state.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(UnavailableError, match="state database"):
        SqliteStateStore(tmp_path).get("ns", "k")


def test_lock_names_are_isolated_even_when_their_file_slugs_match(tmp_path: Path) -> None:
    store = SqliteStateStore(tmp_path)
    with store.lock("export/t1"), store.lock("export:t1"), store.lock("export t1"):
        with pytest.raises(BusyError, match="export/t1"), store.lock("export/t1"):
            pass
        with pytest.raises(BusyError), SqliteStateStore(tmp_path).lock("export:t1"):
            pass  # another instance (another process would be the same) sees it held


def test_system_clock_is_aware_utc_and_never_goes_back(monkeypatch: pytest.MonkeyPatch) -> None:
    readings = iter([T0, T0 - timedelta(seconds=5), T0 + timedelta(seconds=1)])

    class SteppedBack(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def]
            return next(readings)

    clock = SystemClock()
    real = clock.now()
    assert real.tzinfo is not None and real.utcoffset() == timedelta(0)
    monkeypatch.setattr(clock_module, "datetime", SteppedBack)
    stepped = SystemClock()
    assert [stepped.now(), stepped.now(), stepped.now()] == [T0, T0, T0 + timedelta(seconds=1)]


def test_system_clock_sleeps_for_real_and_never_negative(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    SystemClock().sleep(-3)
    SystemClock().sleep(0.25)
    assert slept == [0.0, 0.25]
