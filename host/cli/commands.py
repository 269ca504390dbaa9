"""The `wfm` command tree: the host's commands, and the groups plugins contribute.

``host_commands(run_cli)`` makes the register plugins receive (``wfm_register_commands``),
holding fresh host groups plugins may extend; ``register(app, commands)`` attaches the host's
commands and every group in it to a root app. Modules stay import-light (core is imported
inside the commands).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import typer

from wfm_bridge.host.cli.demo_cmd import RunCli
from wfm_bridge.ports.commands import CommandContext, CommandRegistry


def register_host(app: typer.Typer) -> None:
    """Attach the host's own commands and groups (those plugins cannot extend)."""
    from wfm_bridge.host.cli import (
        auth_cmd,
        export_cmd,
        mapping_cmd,
        meetings_cmd,
        plugins_cmd,
        schedule_cmd,
        serve_cmd,
    )

    plugins_cmd.register(app)
    mapping_cmd.register(app)
    schedule_cmd.register(app)
    meetings_cmd.register(app)
    auth_cmd.register(app)
    export_cmd.register(app)
    serve_cmd.register(app)


def host_commands(run_cli: RunCli) -> CommandRegistry:
    """A fresh register over the host's extendable groups (``demo``), for one discovery."""
    from wfm_bridge.host.cli import demo_cmd, emulator_cmd

    emulator, serve = emulator_cmd.build_emulator_app()
    return CommandRegistry(
        # "emulator serve" is a nested extension point: plugins add their vendor's emulator
        {"demo": demo_cmd.build_demo_app(run_cli), "emulator": emulator, "emulator serve": serve},
        reserved=_host_names(),
        snapshot=snapshot,
        context=invocation,
    )


def register(app: typer.Typer, commands: CommandRegistry) -> None:
    """Attach the host's commands, then every group of ``commands`` (host's and plugins')."""
    from wfm_bridge.host.cli.emulator_cmd import is_empty

    register_host(app)
    for group in commands.groups():
        if " " in group.name or is_empty(group.app):  # nested, or nothing in it
            continue
        app.add_typer(group.app, name=group.name)


def invocation(ctx: typer.Context) -> CommandContext:
    """What a plugin command may know of the invocation ``ctx`` belongs to."""
    from wfm_bridge.host.cli.runtime import runtime

    settings = runtime(ctx).settings
    return CommandContext(
        data_dir=settings.data_dir,
        tenant=settings.tenant,
        provider=settings.provider,
        options=dict(settings.provider_options),
    )


def snapshot(app: typer.Typer) -> Callable[[], None]:
    """Remember ``app``'s commands, groups and callback; the result puts them back."""
    commands, groups = list(app.registered_commands), list(app.registered_groups)
    callback = app.registered_callback

    def restore() -> None:
        app.registered_commands[:] = commands
        app.registered_groups[:] = groups
        app.registered_callback = callback

    return restore


def command_names(app: typer.Typer) -> set[str]:
    """The names of ``app``'s commands and groups, as `wfm --help` spells them."""
    names = {
        info.name if isinstance(info.name, str) else _spelt(info.callback)
        for info in app.registered_commands
    }
    names |= {info.name for info in app.registered_groups if isinstance(info.name, str)}
    return names


@functools.cache  # the host's commands are code: the same for the whole process
def _host_names() -> frozenset[str]:
    scratch = typer.Typer()
    register_host(scratch)
    return frozenset(command_names(scratch))


def _spelt(callback: Any) -> str:
    return str(getattr(callback, "__name__", "")).lower().replace("_", "-")
