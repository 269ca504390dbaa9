"""`wfm emulator serve genesys`: run the Genesys Cloud emulator on loopback.

Registered by the plugin's ``wfm_register_commands`` under the host's ``emulator serve``
group; the emulator (starlette, uvicorn) is imported only when the command runs.
"""

from __future__ import annotations

import contextlib

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
    from datetime import UTC, datetime

    from wfm_bridge.plugins.genesys.emulator.emulator import (
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        Emulator,
        EmulatorConfig,
    )
    from wfm_bridge.plugins.genesys.emulator.seed import seed_demo
    from wfm_bridge.plugins.genesys.emulator.server import EmulatorServer
    from wfm_bridge.plugins.memory_fake.store import configured_anchor
    from wfm_bridge.ports.errors import InvalidInputError

    if seed not in ("demo", "empty"):
        raise InvalidInputError(f"--seed must be 'demo' or 'empty', not {seed!r}")
    if not 0 <= port <= 65535:
        raise InvalidInputError(f"--port {port} is not a port number (0-65535)")
    if latency < 0 or per_minute < 1:
        raise InvalidInputError("--latency must be >= 0 and --requests-per-minute >= 1")
    if (client_id is None) != (client_secret is None):
        raise InvalidInputError("give both --client-id and --client-secret, or neither")
    if client_id is not None and not (client_id.strip() and client_secret.strip()):
        raise InvalidInputError("--client-id and --client-secret must not be empty")
    given = client_id is not None
    oauth = (client_id, client_secret) if given else (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
    emulator = Emulator(
        EmulatorConfig(
            clients=(oauth,),
            rate_limit=not no_rate_limit,
            requests_per_minute=per_minute,
            latency=latency,
        )
    )
    anchor = None
    if seed == "demo":
        anchor = seed_demo(emulator.state, datetime.now(UTC).date(), anchor=configured_anchor({}))
        if not as_json:
            typer.echo(f"seeded the demo organisation (schedules from {anchor})")
    server = EmulatorServer(emulator, port=port, log_level="warning", access_log=access_log)
    if as_json:
        import json

        typer.echo(json.dumps({
            "base_url": server.base_url,
            "client_id": None if given else DEMO_CLIENT_ID,  # never echo a secret given to it
            "seed": seed,
            "schedules_from": anchor.isoformat() if anchor else None,
        }))
    else:
        typer.echo(f"Genesys Cloud emulator on {server.base_url} (Ctrl-C stops)")
        if not given:
            typer.echo(f"client id: {DEMO_CLIENT_ID}\nclient secret: {DEMO_CLIENT_SECRET}")
        shown = ("<ID>", "<SECRET>") if given else oauth
        typer.echo(
            f"try: printf '%s\\n%s\\n' {shown[0]} {shown[1]} | "
            f"wfm --provider genesys --base-url {server.base_url} auth set-key"
        )
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
