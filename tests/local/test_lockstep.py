"""The in-memory fakes and the local adapters, driven in lockstep, must always agree.

One hypothesis state machine per port: every step runs the same call on both adapters and
compares the results (or the error types), so the fakes used by the rest of the test suite
cannot drift from the real thing.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from pydantic import SecretStr

from wfm_bridge.plugins.local.cache import DiskCache
from wfm_bridge.plugins.local.fs import atomic_write
from wfm_bridge.plugins.local.master_keys import FileMasterKeys, format_master_keys
from wfm_bridge.plugins.local.state import SqliteStateStore
from wfm_bridge.plugins.local.vault import AesGcmKeyVault
from wfm_bridge.plugins.memory_fake.cache import InMemoryCache
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.state import InMemoryStateStore
from wfm_bridge.plugins.memory_fake.vault import InMemoryKeyVault
from wfm_bridge.ports.errors import IntegrityError, WfmError
from wfm_bridge.ports.vault import KeyInfo, RotationReport

T0 = datetime(2025, 3, 1, 9, tzinfo=UTC)
_scalars = (
    st.none() | st.booleans() | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=10)
)
json_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
namespaces = st.sampled_from(["t1:mapping", "t2:mapping", "t1:types"])
keys = st.sampled_from(["a", "b", "é", "a/b", "Z", ""]) | st.text(max_size=6)
Outcome = tuple[str, Any]
# fsync dominates on a real disk and says nothing about agreement: use RAM when there is one
SCRATCH = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


def scratch_dir(prefix: str) -> Path:
    """A fresh directory for one state machine run."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=SCRATCH))


def outcome(call: Callable[[], Any]) -> Outcome:
    """("ok", result) or ("error", error type): what both adapters must agree on."""
    try:
        return "ok", call()
    except WfmError as exc:
        return "error", type(exc)


# --- KeyVault ------------------------------------------------------------------------------

tenants = st.sampled_from(["acme", "globex", "t/3"])
providers = st.sampled_from(["assembled", "memory_fake"])
api_keys = st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF), min_size=1, max_size=24)
field_maps = st.dictionaries(
    st.sampled_from(["api_key", "client_id", "client_secret"]), api_keys, min_size=1, max_size=3
)


class VaultLockstep(RuleBasedStateMachine):
    """InMemoryKeyVault vs AesGcmKeyVault with a generated key file."""

    def __init__(self) -> None:
        super().__init__()
        self.home = scratch_dir("vault-lockstep-")
        self.key_file = FileMasterKeys(self.home / "master.keys")
        self.fake = InMemoryKeyVault()
        self.real = AesGcmKeyVault(self.home, self.key_file)
        self.ids: dict[str, str] = {}  # fake master key id -> local master key id

    def teardown(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)

    def _real_ids(self) -> list[str]:
        return [k.id for k in self.key_file.load()]

    def _sync_ids(self) -> None:
        fake_ids, real_ids = self.fake.master_key_ids, self._real_ids()
        assert len(fake_ids) == len(real_ids), (fake_ids, real_ids)
        for fake_id, real_id in zip(fake_ids, real_ids, strict=True):
            assert self.ids.setdefault(fake_id, real_id) == real_id

    def _norm(self, value: Any) -> Any:
        if isinstance(value, KeyInfo):
            mapped = self.ids.get(value.master_key_id or "")
            return value.model_copy(update={"master_key_id": mapped})
        if isinstance(value, RotationReport):
            return value.model_copy(update={"new_master_key_id": self.ids[value.new_master_key_id]})
        if isinstance(value, list):
            return [self._norm(v) for v in value]
        if isinstance(value, str) and value in self.ids:
            return self.ids[value]
        return value

    def both(self, call: Callable[[Any], Any]) -> Outcome:
        fake, real = outcome(lambda: call(self.fake)), outcome(lambda: call(self.real))
        self._sync_ids()
        assert (fake[0], self._norm(fake[1])) == real
        return real

    @rule(tenant=tenants, provider=providers, fields=field_maps, seconds=st.integers(0, 10**6),
          offset=st.integers(-12, 12))
    def put(
        self, tenant: str, provider: str, fields: dict[str, str], seconds: int, offset: int
    ) -> None:
        when = (T0 + timedelta(seconds=seconds)).astimezone(timezone(timedelta(hours=offset)))
        credentials = {name: SecretStr(value) for name, value in fields.items()}
        self.both(lambda v: v.put(tenant, provider, credentials, when))

    @rule(tenant=tenants, provider=providers)
    def get(self, tenant: str, provider: str) -> None:
        self.both(lambda v: v.get(tenant, provider))

    @rule(tenant=tenants, provider=providers)
    def info(self, tenant: str, provider: str) -> None:
        self.both(lambda v: v.info(tenant, provider))

    @rule()
    def list_all(self) -> None:
        self.both(lambda v: v.list())

    @rule(tenant=tenants, provider=providers)
    def remove(self, tenant: str, provider: str) -> None:
        self.both(lambda v: v.remove(tenant, provider))

    @rule()
    def rotate(self) -> None:
        self.both(lambda v: v.rotate())

    @rule()
    def add_master_key(self) -> None:
        self.both(lambda v: v.add_master_key())

    @rule()
    def prune_master_keys(self) -> None:
        self.both(lambda v: v.prune_master_keys())

    @rule()
    def unused_master_keys(self) -> None:
        self.both(lambda v: v.unused_master_keys())

    @precondition(lambda self: self.fake.master_key_ids)
    @rule(data=st.data())
    def lose_a_master_key(self, data: st.DataObject) -> None:
        lost = data.draw(st.sampled_from(self.fake.master_key_ids))
        self.fake.forget_master_key(lost)
        kept = [k for k in self.key_file.load() if k.id != self.ids[lost]]
        atomic_write(self.key_file.path, format_master_keys(kept).encode())
        self._sync_ids()
        configured = self._real_ids()
        for tenant in ("acme", "globex"):  # a record sealed by a lost key names that key
            fake = outcome(functools.partial(self.fake.get, tenant, "assembled"))
            try:
                self.real.get(tenant, "assembled")
                assert fake[0] == "ok"
            except IntegrityError as exc:
                assert fake == ("error", IntegrityError)
                named = re.findall(r"master key '([^']+)', which is not configured", str(exc))
                assert len(named) == 1 and named[0] in self.ids.values()
                assert named[0] not in configured


# --- Cache ---------------------------------------------------------------------------------


class CacheLockstep(RuleBasedStateMachine):
    """InMemoryCache vs DiskCache on one shared fake clock (expiry judged on it)."""

    def __init__(self) -> None:
        super().__init__()
        self.home = scratch_dir("cache-lockstep-")
        self.clock = InMemoryClock(T0)
        self.fake = InMemoryCache(self.clock)
        self.real = DiskCache(self.home, self.clock)

    def teardown(self) -> None:
        self.real.close()
        shutil.rmtree(self.home, ignore_errors=True)

    def both(self, call: Callable[[Any], Any]) -> None:
        fake, real = outcome(lambda: call(self.fake)), outcome(lambda: call(self.real))
        assert json.dumps(fake, default=str) == json.dumps(real, default=str)

    @rule(ns=namespaces, key=keys, value=json_values,
          ttl=st.sampled_from([None, 0, 1, 60]) | st.integers(0, 300) | st.floats(0, 300))
    def set(self, ns: str, key: str, value: Any, ttl: float | None) -> None:
        self.both(lambda c: c.set(ns, key, value, ttl))

    @rule(ns=namespaces, key=keys)
    def get(self, ns: str, key: str) -> None:
        self.both(lambda c: c.get(ns, key))

    @rule(ns=namespaces, key=keys)
    def delete(self, ns: str, key: str) -> None:
        self.both(lambda c: c.delete(ns, key))

    @rule(ns=namespaces)
    def clear(self, ns: str) -> None:
        self.both(lambda c: c.clear(ns))

    @rule(seconds=st.sampled_from([1, 59, 60]) | st.integers(0, 200) | st.floats(0, 200))
    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)


# --- StateStore ----------------------------------------------------------------------------

lock_names = st.sampled_from(["export:t1", "export:t2", "meetings:t1"])


class StateLockstep(RuleBasedStateMachine):
    """InMemoryStateStore vs SqliteStateStore, including held locks."""

    def __init__(self) -> None:
        super().__init__()
        self.home = scratch_dir("state-lockstep-")
        self.fake = InMemoryStateStore()
        self.real = SqliteStateStore(self.home)
        self.held: dict[str, list[AbstractContextManager[None]]] = {}

    def teardown(self) -> None:
        for name in list(self.held):
            self.release(name)
        self.real.close()
        shutil.rmtree(self.home, ignore_errors=True)

    def both(self, call: Callable[[Any], Any]) -> Outcome:
        fake, real = outcome(lambda: call(self.fake)), outcome(lambda: call(self.real))
        assert json.dumps(fake, default=str) == json.dumps(real, default=str)
        return real

    @rule(ns=namespaces, key=keys, value=json_values)
    def put(self, ns: str, key: str, value: Any) -> None:
        self.both(lambda s: s.put(ns, key, value))

    @rule(ns=namespaces, key=keys, value=json_values)
    def put_if_absent(self, ns: str, key: str, value: Any) -> None:
        self.both(lambda s: s.put_if_absent(ns, key, value))

    @rule(ns=namespaces, key=keys)
    def get(self, ns: str, key: str) -> None:
        self.both(lambda s: s.get(ns, key))

    @rule(ns=namespaces, key=keys)
    def delete(self, ns: str, key: str) -> None:
        self.both(lambda s: s.delete(ns, key))

    @rule(ns=namespaces)
    def scan(self, ns: str) -> None:
        self.both(lambda s: list(s.scan(ns)))

    @rule(name=lock_names)
    def acquire(self, name: str) -> None:
        managers = [self.fake.lock(name), self.real.lock(name)]
        results = [outcome(m.__enter__) for m in managers]
        assert results[0] == results[1]
        assert (results[0][0] == "ok") == (name not in self.held)
        if results[0][0] == "ok":
            self.held[name] = managers

    @precondition(lambda self: self.held)
    @rule(data=st.data())
    def release(self, name: str | None = None, data: st.DataObject | None = None) -> None:
        if name is None:
            assert data is not None
            name = data.draw(st.sampled_from(sorted(self.held)))
        for manager in self.held.pop(name):
            manager.__exit__(None, None, None)

    @invariant()
    def scans_agree(self) -> None:
        for ns in ("t1:mapping", "t2:mapping"):
            self.both(functools.partial(_scan_all, namespace=ns))


def _scan_all(store: Any, namespace: str) -> list[tuple[str, Any]]:
    return list(store.scan(namespace))


lockstep = settings(stateful_step_count=30)
TestVaultLockstep = lockstep(VaultLockstep).TestCase
TestCacheLockstep = lockstep(CacheLockstep).TestCase
TestStateLockstep = lockstep(StateLockstep).TestCase
