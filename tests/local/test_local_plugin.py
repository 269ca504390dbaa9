"""The local plugin: registered by name, the default outside tests, selectable away by env."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from wfm_bridge.host.bridge import Bridge
from wfm_bridge.host.plugins import discover_plugins
from wfm_bridge.host.settings import Settings
from wfm_bridge.plugins.local.cache import DiskCache
from wfm_bridge.plugins.local.clock import SystemClock
from wfm_bridge.plugins.local.master_keys import EnvMasterKeys, FileMasterKeys
from wfm_bridge.plugins.local.state import SqliteStateStore
from wfm_bridge.plugins.local.vault import AesGcmKeyVault
from wfm_bridge.plugins.memory_fake.cache import InMemoryCache
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.state import InMemoryStateStore
from wfm_bridge.plugins.memory_fake.vault import InMemoryKeyVault
from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.registry import PortKind

ADAPTER_ENV = ("WFM_VAULT", "WFM_CACHE", "WFM_STATE", "WFM_CLOCK", "WFM_MASTER_KEYS")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for var in ADAPTER_ENV:
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


def test_local_adapters_are_registered_by_name() -> None:
    registry = discover_plugins().registry
    assert registry.get(PortKind.KEY_VAULT, "local").plugin == "local"
    assert registry.get(PortKind.CACHE, "local").plugin == "local"
    assert registry.get(PortKind.STATE, "local").plugin == "local"
    assert registry.get(PortKind.CLOCK, "system").plugin == "local"
    assert registry.get(PortKind.KEY_VAULT, "memory").plugin == "memory_fake"


def test_defaults_are_the_local_adapters_in_the_data_dir(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    clean_env.setenv("WFM_HOME", str(tmp_path))
    bridge = Bridge(Settings.from_env())
    vault, cache, state = bridge.vault, bridge.cache, bridge.state
    assert isinstance(vault, AesGcmKeyVault) and vault.path.parent == tmp_path
    assert vault.self_managed_keys is True  # no WFM_MASTER_KEYS: the generated key file
    assert isinstance(cache, DiskCache) and cache.directory.is_relative_to(tmp_path)
    assert isinstance(state, SqliteStateStore) and state.path.is_relative_to(tmp_path)
    assert isinstance(bridge.clock, SystemClock)


def test_tests_can_select_the_in_memory_adapters_by_env(clean_env: pytest.MonkeyPatch) -> None:
    for var in ("WFM_VAULT", "WFM_CACHE", "WFM_STATE", "WFM_CLOCK"):
        clean_env.setenv(var, "memory")
    bridge = Bridge(Settings.from_env())
    assert isinstance(bridge.vault, InMemoryKeyVault)
    assert isinstance(bridge.cache, InMemoryCache)
    assert isinstance(bridge.state, InMemoryStateStore)
    assert isinstance(bridge.clock, InMemoryClock)


def test_master_keys_come_from_the_environment_when_set(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("WFM_MASTER_KEYS", "prod-1:" + "A" * 43 + "=")
    vault = Bridge(Settings.from_env()).vault
    assert vault.self_managed_keys is False
    assert isinstance(vault._master_keys, EnvMasterKeys)
    clean_env.setenv("WFM_MASTER_KEYS", "prod-1:short")
    with pytest.raises(InvalidInputError, match="WFM_MASTER_KEYS"):
        _ = Bridge(Settings.from_env()).vault
    clean_env.setenv("WFM_MASTER_KEYS", "  ")
    assert isinstance(Bridge(Settings.from_env()).vault._master_keys, FileMasterKeys)


def test_the_plugin_module_is_import_light() -> None:
    code = (
        "import sys, wfm_bridge.plugins.local.plugin; "
        "print(sorted(m for m in ('cryptography', 'diskcache', 'sqlite3') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
