"""`wfm demo reset`, and how `wfm demo` keeps the embedded demo organisation current.

Registered by the plugin's ``wfm_register_commands`` on the host's ``demo`` group.
"""

from __future__ import annotations

from datetime import date, timedelta

import typer

from wfm_bridge.ports.commands import CommandContext, CommandRegistry

PROVIDER = "memory_fake"
MARGIN = timedelta(days=14)  # the tour looks up to two weeks ahead


def register(commands: CommandRegistry) -> None:
    """Add ``wfm demo reset`` and the tour's set-up for the ``memory_fake`` provider."""

    demo: typer.Typer = commands.group("demo")

    @demo.command("reset")
    def reset(
        ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="JSON output.")
    ) -> None:
        """Restore the embedded demo organisation to its seed (memory_fake provider)."""
        from wfm_bridge.plugins.memory_fake.store import reset_demo

        where = commands.context(ctx)
        info = reset_demo(where.data_dir, where.tenant)
        if as_json:
            import json

            days = {"first_day": info.first_day, "last_day": info.last_day}
            data = {"tenant": where.tenant, "agents": info.agents, "activities": info.activities,
                    **{k: v.isoformat() if v else None for k, v in days.items()}}
            typer.echo(json.dumps(data, indent=2))
            return
        typer.echo(
            f"demo organisation restored for tenant {where.tenant!r}: {info.agents} agents, "
            f"{info.activities} activities from {info.first_day} to {info.last_day}"
        )

    commands.add_tour_setup(PROVIDER, refresh_for_tour)


def refresh_for_tour(where: CommandContext, today: date) -> str | None:
    """Reseed the demo when its 10 weeks no longer cover today and the fortnight after."""
    from wfm_bridge.plugins.memory_fake.store import demo_info, reset_demo

    info = demo_info(where.data_dir, where.tenant)
    if (
        info is not None
        and info.first_day is not None
        and info.last_day is not None
        and info.first_day <= today <= info.last_day - MARGIN
    ):
        return None
    reset_demo(where.data_dir, where.tenant)
    if info is None:
        return None
    return "The demo organisation's 10 weeks have passed: restoring a fresh seed."
