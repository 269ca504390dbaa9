"""A broken plugin is named and isolated; blocked plugins are never imported; conflicts between
plugins are an error whatever order they load in."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pluggy
import pytest
from e2e.cli_run import Cli, isolate
from hypothesis import given
from hypothesis import strategies as st
from plugin_world import BROKEN_IMPORT, RAISING_ADAPTERS, fake_dists

from wfm_bridge.host.cli.app import discover_cli_plugins
from wfm_bridge.host.plugins import PluginFailure, discover_plugins
from wfm_bridge.ports import hookimpl
from wfm_bridge.ports.commands import CommandRegistry
from wfm_bridge.ports.errors import ConflictError
from wfm_bridge.ports.registry import AdapterRegistry, PortKind

BUILT_IN = ("memory_fake", "local", "assembled", "genesys", "postgres", "redis")
ACME_WARNING = (
    "warning: plugin 'acme' failed to load (ModuleNotFoundError: No module named 'x'); "
    "block it with WFM_BLOCK_PLUGINS=acme"
)


def test_an_entry_point_that_fails_to_import_is_unregistered_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_dists(tmp_path, monkeypatch).add("acme", BROKEN_IMPORT)

    found = discover_plugins()

    assert found.failures == (PluginFailure("acme", "ModuleNotFoundError: No module named 'x'"),)
    assert found.failures[0].warning == ACME_WARNING
    assert set(BUILT_IN) <= set(found.names()) and "acme" not in found.names()
    assert "memory_fake" in found.registry.names(PortKind.PROVIDER)


def test_the_cli_warns_once_and_the_command_still_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    isolate(monkeypatch, tmp_path / "home")
    fake_dists(tmp_path, monkeypatch).add("acme", BROKEN_IMPORT)

    result = Cli(capsys)("schedule", "ana.lee@example.com", "--days", "7", "--json")

    assert result.code == 0, result.err
    assert result.err == ACME_WARNING + "\n"  # once, though the container discovers again
    (ana,) = json.loads(result.out)["employees"]
    assert len(ana["days"]) == 7


def test_blocked_plugins_are_never_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    module = fake_dists(tmp_path, monkeypatch).add("acme", BROKEN_IMPORT)
    monkeypatch.setenv("WFM_BLOCK_PLUGINS", "acme, assembled")

    result = Cli(capsys)("--help")

    assert result.code == 0 and result.err == ""
    assert module not in sys.modules
    assert "look-alike" not in result.out and "guided tour" in result.out  # no `emulator`
    assert discover_plugins(blocked=["acme"]).failures == ()


def test_a_plugin_whose_adapter_hook_raises_loses_all_its_adapters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_dists(tmp_path, monkeypatch).add("acme", RAISING_ADAPTERS)

    found = discover_plugins()

    assert found.failures == (
        PluginFailure("acme", "wfm_register_adapters raised RuntimeError: boom"),
    )
    assert "acme" not in found.registry.names(PortKind.CLOCK)  # added before it raised
    assert {"memory", "system"} <= set(found.registry.names(PortKind.CLOCK))
    assert "acme" not in found.names()


def test_a_plugin_whose_command_hook_raises_is_undone_everywhere() -> None:
    class HalfDone:
        @hookimpl
        def wfm_register_adapters(self, registry: AdapterRegistry) -> None:
            registry.add(PortKind.CLOCK, "half", lambda ctx: None, plugin="HalfDone")

        @hookimpl
        def wfm_register_commands(self, commands: CommandRegistry) -> None:
            import typer

            commands.group("demo").command("half")(lambda: None)
            commands.add_group("half", typer.Typer())
            raise ValueError("not today")

    found = discover_cli_plugins(blocked=(), extra_plugins=[HalfDone()])

    assert found.failures == (
        PluginFailure("HalfDone", "wfm_register_commands raised ValueError: not today"),
    )
    assert found.commands is not None
    demo = next(g.app for g in found.commands.groups() if g.name == "demo")
    assert [c.name for c in demo.registered_commands] == ["reset"]  # memory_fake's only
    assert "half" not in {g.name for g in found.commands.groups()}
    assert "half" not in found.registry.names(PortKind.CLOCK)


def test_a_misspelt_hook_isolates_an_entry_point_but_raises_for_the_hosts_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    typo = "from wfm_bridge.ports import hookimpl\n\n@hookimpl\ndef wfm_register_adapter(r): pass\n"
    fake_dists(tmp_path, monkeypatch).add("acme", typo)

    (failure,) = discover_plugins().failures
    assert failure.name == "acme" and "unknown hook 'wfm_register_adapter'" in failure.error

    class Typo:
        @hookimpl
        def wfm_register_adapter(self, registry: AdapterRegistry) -> None:
            pass

    with pytest.raises(pluggy.PluginValidationError):
        discover_plugins(extra_plugins=[Typo()])


def _clock_plugin(name: str) -> Any:
    class Clock:
        __name__ = name

        @hookimpl
        def wfm_register_adapters(self, registry: AdapterRegistry) -> None:
            registry.add(PortKind.CLOCK, "shared", lambda ctx: None, plugin=name)

    return Clock()


@pytest.mark.parametrize("order", [("a", "b"), ("b", "a")])
def test_two_plugins_with_one_adapter_name_conflict_in_any_order(order: tuple[str, str]) -> None:
    with pytest.raises(ConflictError, match="two plugins register a clock adapter named 'shared'"):
        discover_plugins(extra_plugins=[_clock_plugin(n) for n in order])


# Each generated plugin adds one clock and one `demo` command, and may raise in either hook.
FATE = st.sampled_from(["ok", "adapters", "commands"])


@given(fates=st.lists(FATE, max_size=5))
def test_only_the_failing_plugins_go_and_everything_of_theirs_with_them(fates: list[str]) -> None:
    plugins = [_generated(f"p{i}", fate) for i, fate in enumerate(fates)]

    found = discover_cli_plugins(blocked=BUILT_IN, extra_plugins=plugins)

    healthy = [f"p{i}" for i, fate in enumerate(fates) if fate == "ok"]
    assert [f.name for f in found.failures] == [f"p{i}" for i, f in enumerate(fates) if f != "ok"]
    assert found.registry.names(PortKind.CLOCK) == sorted(healthy)
    assert found.commands is not None
    demo = next(g.app for g in found.commands.groups() if g.name == "demo")
    assert [c.name for c in demo.registered_commands] == healthy
    assert found.names() == sorted(healthy)


def _generated(name: str, fate: str) -> Any:
    class Generated:
        __name__ = name

        @hookimpl
        def wfm_register_adapters(self, registry: AdapterRegistry) -> None:
            registry.add(PortKind.CLOCK, name, lambda ctx: None, plugin=name)
            if fate == "adapters":
                raise RuntimeError(name)

        @hookimpl
        def wfm_register_commands(self, commands: CommandRegistry) -> None:
            commands.group("demo").command(name)(lambda: None)
            if fate == "commands":
                raise RuntimeError(name)

    return Generated()


@dataclass
class Unhashable:
    """A dataclass plugin (``eq=True`` makes it unhashable), like tests/local's."""

    clock: str = "dataclass"

    @hookimpl
    def wfm_register_adapters(self, registry: AdapterRegistry) -> None:
        registry.add(PortKind.CLOCK, self.clock, lambda ctx: None, plugin="Unhashable")


class Wrapper:
    @hookimpl(wrapper=True)
    def wfm_register_adapters(self, registry: AdapterRegistry) -> Any:
        return (yield)


def test_any_plugin_object_works_and_a_wrapper_is_refused() -> None:
    found = discover_plugins(extra_plugins=[Unhashable(), Wrapper()])

    assert "dataclass" in found.registry.names(PortKind.CLOCK)
    (failure,) = found.failures
    assert failure.name == "Wrapper" and "cannot be a hook wrapper" in failure.error
    assert set(BUILT_IN) | {"Unhashable"} == set(found.names())
