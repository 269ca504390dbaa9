"""Registers every command group on the root app (each group lives in its own module)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach every command group; modules stay import-light (core imported inside commands)."""
    from wfm_bridge.host.cli import auth_cmd, plugins_cmd

    plugins_cmd.register(app)

    from wfm_bridge.host.cli import mapping_cmd, schedule_cmd

    mapping_cmd.register(app)
    schedule_cmd.register(app)

    from wfm_bridge.host.cli import meetings_cmd

    meetings_cmd.register(app)
    auth_cmd.register(app)

    from wfm_bridge.host.cli import export_cmd

    export_cmd.register(app)

    from wfm_bridge.host.cli import demo_cmd

    demo_cmd.register(app)

    from wfm_bridge.host.cli import emulator_cmd

    emulator_cmd.register(app)
