"""`wfm emulator serve`: run the Assembled emulator on loopback (for demos, tests, benchmarks).

Registered by the plugin's ``wfm_register_commands``; the emulator (starlette, uvicorn) is
imported only when the command runs.
"""

from __future__ import annotations

import contextlib

import typer


def emulator_app() -> typer.Typer:
    """A fresh ``emulator`` command group."""
    app = typer.Typer(
        help="A local Assembled look-alike (loopback only) to point --provider assembled at.",
        no_args_is_help=True,
    )
    app.command("serve")(serve)
    return app


def serve(
    port: int = typer.Option(8765, "--port", help="Loopback port (0 picks a free one)."),
    seed: str = typer.Option(
        "demo", "--seed", help="'demo' (the same org as memory_fake) or 'empty'."
    ),
    key: str = typer.Option(None, "--key", help="The API key it accepts (default: a demo key)."),
    latency: float = typer.Option(0.0, "--latency", help="Seconds added to every API request."),
    rate: float = typer.Option(5.0, "--rate", help="Requests per second per key."),
    burst: int = typer.Option(20, "--burst", help="Burst size per key."),
    no_rate_limit: bool = typer.Option(False, "--no-rate-limit", help="Never answer 429."),
    access_log: bool = typer.Option(False, "--access-log", help="Log every request."),
    as_json: bool = typer.Option(
        False, "--json", help="Print one JSON object (base URL, key, seed) once listening."
    ),
) -> None:
    """Serve the emulator in the foreground until Ctrl-C."""
    from datetime import UTC, datetime

    from wfm_bridge.plugins.assembled.emulator.emulator import DEMO_KEY, Emulator, EmulatorConfig
    from wfm_bridge.plugins.assembled.emulator.seed import seed_demo
    from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer
    from wfm_bridge.plugins.memory_fake.store import configured_anchor
    from wfm_bridge.ports.errors import InvalidInputError

    if seed not in ("demo", "empty"):
        raise InvalidInputError(f"--seed must be 'demo' or 'empty', not {seed!r}")
    if not 0 <= port <= 65535:
        raise InvalidInputError(f"--port {port} is not a port number (0-65535)")
    if latency < 0 or rate <= 0 or burst < 1:
        raise InvalidInputError("--latency must be >= 0, --rate > 0 and --burst >= 1")
    api_key = key or DEMO_KEY
    emulator = Emulator(
        EmulatorConfig(
            keys=(api_key,), rate=rate, burst=burst, rate_limit=not no_rate_limit, latency=latency
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

        data = {"base_url": server.base_url, "api_key": api_key if key is None else None,
                "seed": seed, "schedules_from": anchor.isoformat() if anchor else None}
        typer.echo(json.dumps(data))
    else:
        typer.echo(f"Assembled emulator on {server.base_url} (Ctrl-C stops)")
        if key is None:
            typer.echo(f"API key: {api_key}")
        typer.echo(
            f"try: echo {api_key if key is None else '<KEY>'} | "
            f"wfm --provider assembled --base-url {server.base_url} auth set-key"
        )
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn normally handles Ctrl-C itself
        server.serve_forever()
