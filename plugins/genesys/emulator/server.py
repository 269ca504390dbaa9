"""EmulatorServer: the Genesys emulator on a loopback port; ``serve()``/``main()`` for the
``wfm emulator serve genesys`` command (and ``python -m ...emulator.server``).
``host/loopback.py`` binds the socket first, so the base URL works at once.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from wfm_bridge.host.loopback import EmulatorServer as BaseServer
from wfm_bridge.plugins.genesys.emulator.emulator import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    Emulator,
    EmulatorConfig,
)
from wfm_bridge.ports.errors import InvalidInputError, WfmError

DEFAULT_PORT = 8766


class EmulatorServer(BaseServer[Emulator]):
    """Runs one ``Emulator`` over HTTP on ``host:port`` (loopback only; port 0 = a free port)."""

    def __init__(self, emulator: Emulator | None = None, **options: Any) -> None:
        from wfm_bridge.plugins.genesys.emulator.app import build_app

        emulator = emulator or Emulator()
        super().__init__(emulator, build_app(emulator), **options)


def prepare(
    *,
    port: int = DEFAULT_PORT,
    seed: str = "demo",
    client_id: str | None = None,
    client_secret: str | None = None,
    latency: float = 0.0,
    rate_limit: bool = True,
    requests_per_minute: int = 300,
    access_log: bool = False,
    today: date | None = None,
    anchor: date | None = None,
    as_json: bool = False,
    echo: Callable[[str], None] = print,
) -> EmulatorServer:
    """Build, seed and bind the emulator as ``serve`` would (not serving yet); says what it
    did through ``echo``: lines, or one JSON object (``as_json``: base URL, client id, seed,
    schedules_from). An id or secret the user chose is never echoed. Bad options are an
    ``InvalidInputError``."""
    if seed not in ("demo", "empty"):
        raise InvalidInputError(f"--seed must be 'demo' or 'empty', not {seed!r}")
    if not 0 <= port <= 65535:
        raise InvalidInputError(f"--port {port} is not a port number (0-65535)")
    if latency < 0 or requests_per_minute < 1:
        raise InvalidInputError("--latency must be >= 0 and --requests-per-minute >= 1")
    if (client_id is None) != (client_secret is None):
        raise InvalidInputError("give both --client-id and --client-secret, or neither")
    if client_id is not None and not (client_id.strip() and (client_secret or "").strip()):
        raise InvalidInputError("--client-id and --client-secret must not be empty")
    given = client_id is not None
    oauth = (client_id or DEMO_CLIENT_ID, client_secret or DEMO_CLIENT_SECRET)
    emulator = Emulator(
        EmulatorConfig(
            clients=(oauth,),
            latency=latency,
            rate_limit=rate_limit,
            requests_per_minute=requests_per_minute,
        )
    )
    start = None
    if seed == "demo":
        from wfm_bridge.plugins.genesys.emulator.seed import seed_demo

        start = seed_demo(emulator.state, today or datetime.now(UTC).date(), anchor=anchor)
        if not as_json:
            echo(f"seeded the demo organisation (schedules from {start})")
    server = EmulatorServer(emulator, port=port, log_level="warning", access_log=access_log)
    if as_json:
        echo(json.dumps({
            "base_url": server.base_url,
            "client_id": None if given else DEMO_CLIENT_ID,
            "seed": seed,
            "schedules_from": start.isoformat() if start else None,
        }))  # fmt: skip
        return server
    echo(f"Genesys Cloud emulator on {server.base_url} (Ctrl-C stops)")
    if not given:
        echo(f"client id: {DEMO_CLIENT_ID}")
        echo(f"client secret: {DEMO_CLIENT_SECRET}")
    shown = ("<ID>", "<SECRET>") if given else oauth
    echo(
        f"try: printf '%s\\n%s\\n' {shown[0]} {shown[1]} | "
        f"wfm --provider genesys --base-url {server.base_url} auth set-key"
    )
    return server


def serve(**options: object) -> None:
    """Serve the emulator in the foreground until Ctrl-C (options as for ``prepare``)."""
    server = prepare(**options)  # type: ignore[arg-type]
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn normally handles Ctrl-C itself
        server.serve_forever()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m wfm_bridge.plugins.genesys.emulator.server [options]``; exit status."""
    parser = argparse.ArgumentParser(description="A local Genesys Cloud look-alike (loopback).")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--seed", default="demo", help="'demo' or 'empty'")
    parser.add_argument("--client-id")
    parser.add_argument("--client-secret")
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--requests-per-minute", type=int, default=300)
    parser.add_argument("--no-rate-limit", action="store_true")
    parser.add_argument("--access-log", action="store_true")
    args = parser.parse_args(argv)
    try:
        serve(
            port=args.port,
            seed=args.seed,
            client_id=args.client_id,
            client_secret=args.client_secret,
            latency=args.latency,
            rate_limit=not args.no_rate_limit,
            requests_per_minute=args.requests_per_minute,
            access_log=args.access_log,
            echo=lambda line: print(line, flush=True),
        )
    except WfmError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
