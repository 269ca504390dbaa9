"""`wfm plugins`: discovered plugins, the adapters each provides, and per provider its
declared credential fields and capabilities."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from wfm_bridge.host.cli.runtime import console, print_json, runtime

if TYPE_CHECKING:
    from wfm_bridge.ports.registry import AdapterRegistry


def provider_rows(registry: AdapterRegistry) -> list[dict[str, Any]]:
    """One row per provider: name, plugin, credential field names (in prompt order),
    which of them are secret, and its capabilities (``[]`` when it declares none)."""
    from wfm_bridge.ports.registry import PortKind

    rows = []
    for name in registry.names(PortKind.PROVIDER):
        spec = registry.get(PortKind.PROVIDER, name)
        rows.append(
            {
                "provider": name,
                "plugin": spec.plugin,
                "credentials": spec.credential_names,
                "secret_credentials": [f.name for f in spec.credentials if f.secret],
                "capabilities": sorted(str(c) for c in spec.capabilities),
            }
        )
    return rows


def register(app: typer.Typer) -> None:
    """Add the ``plugins`` command."""

    @app.command("plugins")
    def plugins(
        ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="JSON output.")
    ) -> None:
        """List discovered plugins, the ports each provides adapters for, and what each
        provider asks for (credentials) and offers (capabilities)."""
        from wfm_bridge.host.plugins import plugin_names

        bridge = runtime(ctx).bridge
        specs = bridge.registry.specs()
        names = plugin_names(bridge.plugins.manager)
        rows = [
            {"plugin": s.plugin, "port": str(s.kind), "adapter": s.name, "about": s.description}
            for s in specs
        ]
        providers = provider_rows(bridge.registry)
        if as_json:
            print_json({"plugins": names, "adapters": rows, "providers": providers})
            return
        from rich.table import Table

        table = Table(title="Plugins and adapters")
        for col in ("plugin", "port", "adapter", "about"):
            table.add_column(col)
        for row in rows:
            table.add_row(row["plugin"], row["port"], row["adapter"], row["about"])
        console().print(table)
        offered = Table(title="Providers")
        for col in ("provider", "credentials", "capabilities"):
            offered.add_column(col)
        for row in providers:
            offered.add_row(
                row["provider"],
                ", ".join(row["credentials"]) or "none",
                ", ".join(row["capabilities"]) or "-",
            )
        console().print(offered)
        missing = [n for n in names if n not in {r["plugin"] for r in rows}]
        if missing:
            console().print(f"plugins loaded with no adapters: {', '.join(missing)}")
