"""Plugin discovery and adapter selection by configured name."""

from __future__ import annotations

from typing import Any

import pluggy
import pytest

from wfm_bridge.host.bridge import Bridge
from wfm_bridge.host.cli.app import discover_cli_plugins
from wfm_bridge.host.plugins import discover_plugins
from wfm_bridge.host.settings import Settings
from wfm_bridge.ports import hookimpl
from wfm_bridge.ports.errors import ConflictError, InvalidInputError
from wfm_bridge.ports.registry import AdapterContext, AdapterRegistry, PortKind


class VendorPlugin:
    """A third-party vendor plugin, as it would arrive through the entry-point group."""

    @hookimpl
    def wfm_register_adapters(self, registry: AdapterRegistry) -> None:
        registry.add(PortKind.CLOCK, "vendor", lambda ctx: ("vendor-clock", ctx), plugin="vendor")


def test_builtin_plugins_come_through_the_entry_point_group() -> None:
    assert {"memory_fake", "local", "assembled"} <= set(discover_plugins().names())


def test_blocked_plugins_are_not_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    found = discover_plugins(blocked=["assembled"])
    assert "assembled" not in found.names()
    assert "assembled" not in found.registry.names(PortKind.PROVIDER)


def test_block_list_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WFM_BLOCK_PLUGINS", " assembled , local")
    settings = Settings.from_env()
    assert settings.blocked_plugins == ("assembled", "local")
    names = Bridge(settings).plugins.names()
    assert "assembled" not in names and "local" not in names
    cli_names = discover_cli_plugins().names()  # the command line reads the same setting
    assert "assembled" not in cli_names and "local" not in cli_names


def test_check_pending_rejects_a_misspelt_hook() -> None:
    class Typo:
        @hookimpl
        def wfm_register_adapter(self, registry: AdapterRegistry) -> None:  # missing "s"
            pass

    with pytest.raises(pluggy.PluginValidationError):
        discover_plugins(extra_plugins=[Typo()])


def test_adapters_are_picked_by_name_not_registration_order(tmp_path: Any) -> None:
    registry = discover_plugins(extra_plugins=[VendorPlugin()]).registry
    assert {"memory", "vendor"} <= set(registry.names(PortKind.CLOCK))
    ctx = AdapterContext(data_dir=tmp_path, tenant="t")
    assert registry.get(PortKind.CLOCK, "vendor").factory(ctx)[0] == "vendor-clock"
    assert registry.get(PortKind.CLOCK, "vendor").plugin == "vendor"


def test_unknown_adapter_name_lists_installed_names() -> None:
    registry = discover_plugins().registry
    with pytest.raises(InvalidInputError) as err:
        registry.get(PortKind.PROVIDER, "nosuch")
    assert "memory_fake" in str(err.value)


def test_duplicate_names_are_a_conflict() -> None:
    registry = AdapterRegistry()
    registry.add(PortKind.CACHE, "x", lambda ctx: None, plugin="a")
    with pytest.raises(ConflictError):
        registry.add(PortKind.CACHE, "x", lambda ctx: None, plugin="b")


def test_every_hookspec_has_a_test() -> None:
    """Meta-test: each hook spec is exercised by at least one test module in tests/."""
    from pathlib import Path

    from wfm_bridge.ports import hookspecs

    specs = [n for n in dir(hookspecs) if n.startswith("wfm_")]
    tests_text = "\n".join(p.read_text() for p in Path(__file__).parents[1].rglob("test_*.py"))
    for name in specs:
        assert tests_text.count(name) >= 1, f"hook {name} has no test"
