"""`wfm emulator serve genesys`: run the Genesys Cloud emulator on loopback.

Registered by the plugin's ``wfm_register_commands`` under the host's ``emulator serve``
group; the emulator (starlette, uvicorn) is imported only when the command runs.
"""

from __future__ import annotations

import typer

from wfm_bridge.ports.commands import CommandRegistry


def register(commands: CommandRegistry) -> None:
    """Add ``genesys`` to ``wfm emulator serve``."""
    commands.group("emulator serve").command("genesys")(serve)


def serve(
    port: int = typer.Option(8766, "--port", help="Loopback port (0 picks a free one)."),
    seed: str = typer.Option(
        "demo", "--seed", help="'demo' (the same org as memory_fake) or 'empty'."
    ),
    client_id: str = typer.Option(
        None, "--client-id", help="The OAuth client id it accepts (default: a demo id)."
    ),
    client_secret: str = typer.Option(
        None, "--client-secret", help="The OAuth client secret it accepts (default: a demo one)."
    ),
    latency: float = typer.Option(0.0, "--latency", help="Seconds added to every API request."),
    per_minute: int = typer.Option(
        300, "--requests-per-minute", help="Rate limit per access token (Genesys: 300)."
    ),
    no_rate_limit: bool = typer.Option(False, "--no-rate-limit", help="Never answer 429."),
    access_log: bool = typer.Option(False, "--access-log", help="Log every request."),
    as_json: bool = typer.Option(
        False, "--json", help="Print one JSON object (base URL, client id, seed) once listening."
    ),
) -> None:
    """Serve a Genesys Cloud look-alike in the foreground until Ctrl-C."""
    from wfm_bridge.plugins.genesys.emulator import server
    from wfm_bridge.plugins.memory_fake.store import configured_anchor

    server.serve(
        port=port,
        seed=seed,
        client_id=client_id,
        client_secret=client_secret,
        latency=latency,
        rate_limit=not no_rate_limit,
        requests_per_minute=per_minute,
        access_log=access_log,
        anchor=configured_anchor({}),
        as_json=as_json,
        echo=typer.echo,
    )
