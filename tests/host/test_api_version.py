"""Plugins declare the wfm-bridge plugin API they target: one for another API is refused by
name and isolated, the others keep working; one that declares nothing is accepted silently."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from e2e.cli_run import Cli, isolate
from plugin_world import fake_dists

from wfm_bridge.host.plugins import discover_plugins
from wfm_bridge.ports import hookimpl, hookspecs
from wfm_bridge.ports.registry import AdapterRegistry, PortKind

VENDOR = """
from wfm_bridge.ports import hookimpl
from wfm_bridge.ports.registry import PortKind
{declaration}

@hookimpl
def wfm_register_adapters(registry):
    registry.add(PortKind.CLOCK, "acme", lambda ctx: None, plugin="acme")
"""


def vendor(declaration: str = "") -> str:
    return VENDOR.format(declaration=declaration)


def test_this_wfm_bridge_provides_api_1_and_the_built_ins_target_it() -> None:
    from wfm_bridge.plugins.assembled import plugin as assembled
    from wfm_bridge.plugins.local import plugin as local
    from wfm_bridge.plugins.memory_fake import plugin as memory_fake

    assert hookspecs.API_VERSION == "1"
    for module in (assembled, local, memory_fake):
        assert module.wfm_api_version == hookspecs.API_VERSION


@pytest.mark.parametrize("declaration", ['wfm_api_version = "1"', ""])
def test_a_plugin_for_this_api_or_declaring_none_loads_silently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, declaration: str
) -> None:
    fake_dists(tmp_path, monkeypatch).add("acme", vendor(declaration))
    found = discover_plugins()
    assert found.failures == ()
    assert "acme" in found.names() and "acme" in found.registry.names(PortKind.CLOCK)


def test_a_plugin_for_another_api_is_refused_by_name_and_the_rest_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = fake_dists(tmp_path, monkeypatch).add("acme", vendor('wfm_api_version = "2"'))
    found = discover_plugins()
    [failure] = found.failures
    assert failure.name == "acme"
    assert failure.error == (
        "it targets wfm-bridge plugin API '2', but this wfm-bridge provides API '1'; install "
        "a release of acme made for API '1', or a wfm-bridge that provides API '2'"
    )
    assert failure.warning.startswith("warning: plugin 'acme' failed to load (it targets")
    assert "acme" not in found.names() and "acme" not in found.registry.names(PortKind.CLOCK)
    assert not found.manager.has_plugin("acme") and module in sys.modules  # imported, unused
    assert {"assembled", "local", "memory_fake"} <= set(found.names())


@pytest.mark.parametrize("declaration", ["wfm_api_version = 1", "wfm_api_version = ('1',)"])
def test_a_version_that_is_not_a_string_is_refused_with_the_form_to_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, declaration: str
) -> None:
    fake_dists(tmp_path, monkeypatch).add("acme", vendor(declaration))
    [failure] = discover_plugins().failures
    assert failure.name == "acme" and "not a string" in failure.error
    assert "wfm_api_version = '1'" in failure.error


def test_an_in_process_plugin_for_another_api_is_refused_the_same_way() -> None:
    class Future:
        wfm_api_version = "2"

        @hookimpl
        def wfm_register_adapters(self, registry: AdapterRegistry) -> None:
            registry.add(PortKind.CLOCK, "future", lambda ctx: None, plugin="future")

    found = discover_plugins(extra_plugins=[Future()])
    [failure] = found.failures
    assert failure.name == "Future" and "API '2'" in failure.error
    assert "future" not in found.registry.names(PortKind.CLOCK)


def test_the_cli_warns_once_about_it_and_the_command_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    isolate(monkeypatch, tmp_path / "home")
    fake_dists(tmp_path, monkeypatch).add("acme", vendor('wfm_api_version = "2"'))
    result = Cli(capsys)("plugins", "--json")
    assert result.code == 0
    assert result.err.count("\n") == 1 and "plugin 'acme'" in result.err
    assert "API '2'" in result.err and "WFM_BLOCK_PLUGINS=acme" in result.err
    assert "acme" not in json.loads(result.out)["plugins"]
