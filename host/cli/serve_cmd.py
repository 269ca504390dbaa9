"""`wfm serve` (the HTTP face) and `wfm serve token create|list|revoke` (its tenant tokens).

The server runs on the invocation's Bridge (the global options pick provider, base URL,
time zone and data directory). FastAPI and uvicorn are imported only when a command runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from wfm_bridge.host.cli.runtime import print_json, runtime

if TYPE_CHECKING:
    from wfm_bridge.host.http.tokens import TokenStore


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command group."""
    serve_app = typer.Typer(
        help="The HTTP face: JSON API (OpenAPI at /openapi.json) and pages, tenant tokens.",
        invoke_without_command=True,
    )
    token_app = typer.Typer(
        help="Tenant tokens of `wfm serve` (stored hashed; shown once).", no_args_is_help=True
    )
    serve_app.add_typer(token_app, name="token")

    @serve_app.callback()
    def serve(
        ctx: typer.Context,
        port: int = typer.Option(8080, "--port", help="Port (0 picks a free one)."),
        host: str = typer.Option(
            "127.0.0.1", "--host",
            help="Address to listen on (default loopback; elsewhere put a TLS proxy in front).",
        ),
        access_log: bool = typer.Option(False, "--access-log", help="Log every request."),
        as_json: bool = typer.Option(False, "--json", help="Say where it listens as JSON."),
    ) -> None:
        """Serve the HTTP face in the foreground until Ctrl-C."""
        if ctx.invoked_subcommand is not None:
            return
        import contextlib

        from wfm_bridge.host.http.server import TLS_WARNING, HttpServer, is_loopback

        bridge = runtime(ctx).bridge
        server = HttpServer(bridge, host=host, port=port, access_log=access_log)
        if not is_loopback(host):
            typer.echo(TLS_WARNING.format(host=host), err=True)
        settings = bridge.settings
        if as_json:
            print_json({
                "url": server.url, "provider": settings.provider, "api": f"{server.url}/api/v1",
                "openapi": f"{server.url}/openapi.json", "pages": f"{server.url}/calendar",
            })
        else:
            typer.echo(
                f"wfm serve on {server.url} (provider {settings.provider}; API under /api/v1, "
                f"OpenAPI at {server.url}/openapi.json, pages at {server.url}/calendar)",
            )
            typer.echo(
                "sign in or call the API with a token: `wfm serve token create --tenant T`"
            )
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()

    @token_app.command("create")
    def create(
        ctx: typer.Context,
        tenant: str = typer.Option(..., "--tenant", help="The one tenant the token may use."),
        label: str = typer.Option("", "--label", help="A note to recognise it by (optional)."),
        as_json: bool = typer.Option(False, "--json", help="JSON output."),
    ) -> None:
        """Create a token for one tenant and print it once (only its hash is stored)."""
        token, info = _tokens(ctx).create(tenant, label)
        if as_json:
            print_json({"token": token, "id": info.id, "tenant": info.tenant,
                        "created_at": info.created_at})
            return
        typer.echo(token)
        typer.echo(
            f"token {info.id} for tenant {info.tenant!r}: shown only now, store it safely; "
            f"revoke: `wfm serve token revoke {info.id}`",
            err=True,
        )

    @token_app.command("list")
    def list_(
        ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="JSON output.")
    ) -> None:
        """Live tokens: id, tenant, created, label (never a token)."""
        found = _tokens(ctx).list()
        if as_json:
            print_json([vars(t) for t in found])
            return
        if not found:
            typer.echo("no tokens; create one with `wfm serve token create --tenant T`")
        for t in found:
            typer.echo(f"{t.id}  {t.tenant}  {t.created_at}  {t.label}".rstrip())

    @token_app.command("revoke")
    def revoke(
        ctx: typer.Context,
        token_id: str = typer.Argument(..., help="The token's id (`wfm serve token list`)."),
        as_json: bool = typer.Option(False, "--json", help="JSON output."),
    ) -> None:
        """Revoke a token: it stops working at once, on the API and the pages."""
        info = _tokens(ctx).revoke(token_id)
        if as_json:
            print_json({"id": info.id, "tenant": info.tenant, "revoked": True})
            return
        typer.echo(f"revoked token {info.id} of tenant {info.tenant!r}")

    app.add_typer(serve_app, name="serve")


def _tokens(ctx: typer.Context) -> TokenStore:
    from wfm_bridge.host.http.tokens import TokenStore

    bridge = runtime(ctx).bridge
    return TokenStore(bridge.state, bridge.clock)
