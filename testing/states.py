"""Kit suite: every StateStore adapter behaves the same (a vendor gives ``wfm_state_adapter``).

Durable adapters also prove the cross-process promises in forked child processes: writes are
seen after reopening, and a lock held elsewhere is busy until its holder exits (even by
SIGKILL).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.errors import BusyError
from wfm_bridge.ports.jsonvalue import JsonValue
from wfm_bridge.ports.state import StateStore
from wfm_bridge.testing.harness import StoreAdapter
from wfm_bridge.testing.strategies import canonical, json_values, keys

# Each example resets what it uses; one suite method runs for many vendor classes (executors).
_REUSED = [HealthCheck.function_scoped_fixture, HealthCheck.differing_executors]


@contextmanager
def _open(adapter: StoreAdapter[StateStore], directory: Path | None = None) -> Iterator[StateStore]:
    clock = InMemoryClock(datetime(2024, 6, 10, tzinfo=UTC))
    if directory is not None:
        with adapter.open(directory, clock) as store:
            yield store
        return
    with tempfile.TemporaryDirectory() as tmp, adapter.open(Path(tmp), clock) as store:
        yield store


def _child(adapter: StoreAdapter[StateStore], directory: Path, action: str) -> None:
    """Runs in a forked child; exits 0 when ``action`` behaved as the parent expects."""
    with _open(adapter, directory) as store:
        if action == "expect-busy":
            try:
                with store.lock("export:t1"):
                    os._exit(3)
            except BusyError:
                os._exit(0)
        elif action == "expect-free":
            with store.lock("export:t1"):
                os._exit(0)
        elif action == "hold-and-die":
            with store.lock("export:t1"):
                os.kill(os.getpid(), signal.SIGKILL)
        elif action == "write":
            store.put("ns", "from-child", "hello")
            os._exit(0)
    os._exit(4)


def _run_child(adapter: StoreAdapter[StateStore], directory: Path, action: str) -> int | None:
    ctx = multiprocessing.get_context("fork")
    proc = ctx.Process(target=_child, args=(adapter, directory, action))
    proc.start()
    proc.join(timeout=30)
    return proc.exitcode


def _need_durable(adapter: StoreAdapter[StateStore]) -> None:
    if not adapter.durable:
        pytest.skip(f"{adapter.name} is not durable")


class StateConformance:
    """What every StateStore adapter promises."""

    @pytest.fixture
    def adapter(self, wfm_state_adapter: StoreAdapter[StateStore]) -> StoreAdapter[StateStore]:
        """The vendor's state store adapter."""
        return wfm_state_adapter

    @settings(suppress_health_check=_REUSED)
    @given(value=json_values, key=keys)
    def test_values_round_trip_exactly(
        self, adapter: StoreAdapter[StateStore], value: JsonValue, key: str
    ) -> None:
        with _open(adapter) as store:
            store.put("ns", key, value)
            assert canonical(store.get("ns", key)) == canonical(value)

    def test_put_replaces_and_delete_removes(self, adapter: StoreAdapter[StateStore]) -> None:
        with _open(adapter) as store:
            assert store.get("ns", "k") is None
            store.put("ns", "k", 1)
            store.put("ns", "k", 2)
            assert store.get("ns", "k") == 2
            store.delete("ns", "k")
            store.delete("ns", "never-there")
            assert store.get("ns", "k") is None

    def test_put_if_absent_stores_only_the_first(self, adapter: StoreAdapter[StateStore]) -> None:
        with _open(adapter) as store:
            assert store.put_if_absent("ns", "k", "first") is True
            assert store.put_if_absent("ns", "k", "second") is False
            assert store.get("ns", "k") == "first"
            store.delete("ns", "k")
            assert store.put_if_absent("ns", "k", "third") is True

    def test_returned_values_are_copies(self, adapter: StoreAdapter[StateStore]) -> None:
        with _open(adapter) as store:
            ids: list[JsonValue] = [1]
            store.put("ns", "k", {"ids": ids})
            ids.append(2)
            got = store.get("ns", "k")
            assert isinstance(got, dict) and isinstance(got["ids"], list)
            got["ids"].append(3)
            assert store.get("ns", "k") == {"ids": [1]}

    @settings(suppress_health_check=_REUSED)
    @given(
        entries=st.dictionaries(keys, st.integers(), max_size=12),
        other=st.dictionaries(keys, st.integers(), max_size=4),
    )
    def test_scan_yields_one_namespace_in_key_order(
        self, adapter: StoreAdapter[StateStore], entries: dict[str, int], other: dict[str, int]
    ) -> None:
        with _open(adapter) as store:
            for k, v in entries.items():
                store.put("tenant-1:ledger", k, v)
            for k, v in other.items():
                store.put("tenant-2:ledger", k, -v)
            assert list(store.scan("tenant-1:ledger")) == sorted(entries.items())
            assert list(store.scan("empty")) == []

    def test_lock_is_exclusive_and_released_after_the_block(
        self, adapter: StoreAdapter[StateStore]
    ) -> None:
        with _open(adapter) as store:
            with store.lock("export:t1"):
                with pytest.raises(BusyError), store.lock("export:t1"):
                    pass
                with store.lock("export:t2"):  # other names are independent
                    pass
            with store.lock("export:t1"):
                pass

    def test_lock_is_released_when_the_block_raises(
        self, adapter: StoreAdapter[StateStore]
    ) -> None:
        with _open(adapter) as store:
            with pytest.raises(RuntimeError), store.lock("export:t1"):
                raise RuntimeError("crash inside the export")
            with store.lock("export:t1"):
                pass

    def test_writes_survive_reopening(
        self, adapter: StoreAdapter[StateStore], tmp_path: Path
    ) -> None:
        _need_durable(adapter)
        with _open(adapter, tmp_path) as store:
            store.put("ns", "k", {"checkpoint": 41})
            store.put_if_absent("ns", "once", True)
        with _open(adapter, tmp_path) as store:
            assert store.get("ns", "k") == {"checkpoint": 41}
            assert list(store.scan("ns")) == [("k", {"checkpoint": 41}), ("once", True)]

    def test_a_lock_held_here_is_busy_in_another_process(
        self, adapter: StoreAdapter[StateStore], tmp_path: Path
    ) -> None:
        _need_durable(adapter)
        with _open(adapter, tmp_path) as store:
            with store.lock("export:t1"):
                assert _run_child(adapter, tmp_path, "expect-busy") == 0
            assert _run_child(adapter, tmp_path, "expect-free") == 0

    def test_a_lock_is_freed_when_its_holder_is_killed(
        self, adapter: StoreAdapter[StateStore], tmp_path: Path
    ) -> None:
        _need_durable(adapter)
        assert _run_child(adapter, tmp_path, "hold-and-die") == -signal.SIGKILL
        with _open(adapter, tmp_path) as store, store.lock("export:t1"):
            pass

    def test_writes_from_another_process_are_seen(
        self, adapter: StoreAdapter[StateStore], tmp_path: Path
    ) -> None:
        _need_durable(adapter)
        with _open(adapter, tmp_path) as store:
            assert _run_child(adapter, tmp_path, "write") == 0
            assert store.get("ns", "from-child") == "hello"
