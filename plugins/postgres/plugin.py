"""Entry point of the postgres plugin: state ``postgres`` and claims ``postgres``.

Chosen by name (``WFM_STATE=postgres``; the export fleet's claims follow the state), the
server from ``WFM_POSTGRES_DSN`` and the tables' schema from ``WFM_POSTGRES_SCHEMA``.
Import-light: psycopg (the ``fleet`` extra) is imported inside the factories.
"""

from __future__ import annotations

from typing import Any

from wfm_bridge.ports import hookimpl
from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.registry import AdapterContext, AdapterRegistry, PortKind

PLUGIN = "postgres"


def _database(ctx: AdapterContext, what: str) -> Any:
    dsn = ctx.options.get("postgres_dsn")
    if not dsn:
        raise InvalidInputError(
            f"the postgres {what} needs a server: set WFM_POSTGRES_DSN "
            "(e.g. postgresql://wfm@db.internal:5432/wfm)"
        )
    try:
        from wfm_bridge.plugins.postgres.database import PgDatabase
    except ImportError as exc:  # psycopg is an optional extra
        raise InvalidInputError(
            f"the postgres {what} needs psycopg: pip install 'wfm-bridge[fleet]' ({exc})"
        ) from exc
    if ctx.clock is None:  # pragma: no cover - the composition root always passes its clock
        raise InvalidInputError("the postgres adapters need the shared clock")
    return PgDatabase(dsn, ctx.options.get("postgres_schema") or "public", ctx.clock)


def _state(ctx: AdapterContext) -> Any:
    from wfm_bridge.plugins.postgres.state import PostgresStateStore

    return PostgresStateStore(_database(ctx, "state store"))


def _claims(ctx: AdapterContext) -> Any:
    from wfm_bridge.plugins.postgres.claims import PostgresTenantClaims

    return PostgresTenantClaims(_database(ctx, "export claims"))


@hookimpl
def wfm_register_adapters(registry: AdapterRegistry) -> None:
    """Register the PostgreSQL state store and export claims."""
    registry.add(
        PortKind.STATE, "postgres", _state, plugin=PLUGIN,
        description="PostgreSQL (WFM_POSTGRES_DSN): ledger, checkpoints, advisory locks",
    )
    registry.add(
        PortKind.CLAIMS, "postgres", _claims, plugin=PLUGIN,
        description="PostgreSQL lease rows (SKIP LOCKED): the export fleet shares tenants",
    )
