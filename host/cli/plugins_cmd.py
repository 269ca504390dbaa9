"""`wfm plugins`: discovered plugins and the adapters each provides."""

from __future__ import annotations

import typer

from wfm_bridge.host.cli.runtime import console, print_json, runtime


def register(app: typer.Typer) -> None:
    """Add the ``plugins`` command."""

    @app.command("plugins")
    def plugins(
        ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="JSON output.")
    ) -> None:
        """List discovered plugins and the ports each provides adapters for."""
        from wfm_bridge.host.plugins import plugin_names

        bridge = runtime(ctx).bridge
        specs = bridge.registry.specs()
        names = plugin_names(bridge.plugins.manager)
        rows = [
            {"plugin": s.plugin, "port": str(s.kind), "adapter": s.name, "about": s.description}
            for s in specs
        ]
        if as_json:
            print_json({"plugins": names, "adapters": rows})
            return
        from rich.table import Table

        table = Table(title="Plugins and adapters")
        for col in ("plugin", "port", "adapter", "about"):
            table.add_column(col)
        for row in rows:
            table.add_row(row["plugin"], row["port"], row["adapter"], row["about"])
        console().print(table)
        missing = [n for n in names if n not in {r["plugin"] for r in rows}]
        if missing:
            console().print(f"plugins loaded with no adapters: {', '.join(missing)}")
