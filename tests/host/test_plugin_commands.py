"""Plugins contribute `wfm` commands (``wfm_register_commands``) through a ``CommandRegistry``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from e2e.cli_run import Cli, isolate
from plugin_world import GREETER, fake_dists

from wfm_bridge.host.cli.app import discover_cli_plugins, run
from wfm_bridge.ports import hookimpl
from wfm_bridge.ports.commands import CommandRegistry
from wfm_bridge.ports.errors import ConflictError, InvalidInputError, UnavailableError


class Waver:
    """An in-process plugin (as a host passes one) adding a command to the host's `demo`."""

    @hookimpl
    def wfm_register_commands(self, commands: CommandRegistry) -> None:
        demo: typer.Typer = commands.group("demo")

        @demo.command("wave")
        def wave(ctx: typer.Context, times: int = typer.Option(1, "--times")) -> None:
            """Wave at the tenant."""
            where = commands.context(ctx)
            typer.echo(f"wave {where.tenant} {where.provider} " * times)


def test_an_in_process_plugin_command_shows_in_help_and_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    isolate(monkeypatch, tmp_path)
    plugins = discover_cli_plugins(extra_plugins=[Waver()])
    assert plugins.failures == ()

    assert run(["demo", "--help"], plugins=plugins) == 0
    helped = capsys.readouterr().out
    assert "wave" in helped and "Wave at the tenant." in helped and "reset" in helped

    assert run(["--tenant", "acme", "demo", "wave", "--times", "2"], plugins=plugins) == 0
    assert capsys.readouterr().out.split() == ["wave", "acme", "memory_fake"] * 2


def test_an_installed_plugin_adds_a_group_to_wfm_help(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    isolate(monkeypatch, tmp_path / "home")
    fake_dists(tmp_path, monkeypatch).add("greeter", GREETER)
    wfm = Cli(capsys)

    helped = wfm("--help")
    assert helped.code == 0 and helped.err == ""
    assert "hello" in helped.out and "Greets the tenant." in helped.out
    greeted = wfm("--tenant", "t1", "hello", "greet")
    assert (greeted.code, greeted.out) == (0, "hello t1\n")


def test_builtin_commands_keep_their_spelling(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["emulator", "serve", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--port", "--seed", "--key", "--latency", "--rate", "--burst",
                   "--no-rate-limit", "--access-log"):
        assert option in out
    assert run(["demo", "reset", "--help"]) == 0
    assert "Restore the embedded demo organisation" in capsys.readouterr().out


def test_a_blocked_plugin_takes_its_commands_with_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WFM_BLOCK_PLUGINS", "memory_fake,assembled")
    wfm = Cli(capsys)
    assert wfm("demo", "reset").code == 2  # no such command: a usage error
    assert wfm("emulator", "serve").code == 2


class Squatter:
    """Adds a group under a name the host already uses."""

    @hookimpl
    def wfm_register_commands(self, commands: CommandRegistry) -> None:
        commands.add_group("schedule", typer.Typer())


class Lost:
    """Extends a host group that does not exist."""

    @hookimpl
    def wfm_register_commands(self, commands: CommandRegistry) -> None:
        commands.group("nosuch")


def test_a_host_name_or_a_missing_group_isolates_the_plugin() -> None:
    found = discover_cli_plugins(extra_plugins=[Squatter(), Lost()])

    squatter, lost = found.failures
    assert squatter.name == "Squatter"
    assert "ConflictError: plugin 'Squatter' adds a command group 'schedule'" in squatter.error
    assert lost.name == "Lost"
    assert "InvalidInputError: wfm has no command group 'nosuch'" in lost.error
    assert "extendable: demo" in lost.error


def _grouper(name: str) -> Any:
    class Grouper:
        __name__ = name

        @hookimpl
        def wfm_register_commands(self, commands: CommandRegistry) -> None:
            commands.add_group("same", typer.Typer())

    return Grouper()


def test_two_plugins_adding_one_group_conflict_whatever_the_order() -> None:
    for order in (("a", "b"), ("b", "a")):
        with pytest.raises(ConflictError, match="two plugins add a command group named 'same'"):
            discover_cli_plugins(extra_plugins=[_grouper(n) for n in order])


# --- the register object on its own, with a fake app -------------------------------------


class FakeApp:
    """Stands in for a typer app: a list of command names."""

    def __init__(self) -> None:
        self.commands: list[str] = []


def fake_snapshot(app: FakeApp) -> Any:
    saved = list(app.commands)

    def restore() -> None:
        app.commands[:] = saved

    return restore


def test_contributions_are_attributed_and_undone_when_the_plugin_raises() -> None:
    demo = FakeApp()
    commands = CommandRegistry({"demo": demo}, reserved=["plugins"], snapshot=fake_snapshot)
    with commands.contributions("good"):
        commands.group("demo").commands.append("reset")
        commands.add_group("extra", FakeApp())
    with pytest.raises(RuntimeError), commands.contributions("bad"):
        commands.group("demo").commands.append("oops")
        commands.add_group("oops", FakeApp())
        commands.add_tour_setup("bad", lambda where, today: None)
        raise RuntimeError

    assert demo.commands == ["reset"]
    assert [(g.name, g.plugin) for g in commands.groups()] == [("demo", "wfm"), ("extra", "good")]
    assert commands.tour_setup("bad") is None


@pytest.mark.parametrize("name", ["", "Upper", "-x", "two words", "plugins", "demo"])
def test_group_names_are_words_the_host_does_not_use(name: str) -> None:
    commands = CommandRegistry({"demo": FakeApp()}, reserved=["plugins"])
    with pytest.raises((InvalidInputError, ConflictError)):
        commands.add_group(name, FakeApp())


def test_a_plugin_adding_one_group_twice_is_refused() -> None:
    commands = CommandRegistry()
    with commands.contributions("p"):
        commands.add_group("x", FakeApp())
        with pytest.raises(ConflictError, match="twice"):
            commands.add_group("x", FakeApp())


def test_a_command_run_outside_wfm_has_no_context() -> None:
    with pytest.raises(UnavailableError):
        CommandRegistry().context(object())
