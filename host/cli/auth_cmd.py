"""`wfm auth`: set, inspect, remove credentials, and rotate the vault's master key.

`set-key` asks for each credential field the provider declares, in order: from a prompt on a
terminal (hidden for secret fields), else one line per field from stdin — never from a
command-line argument (shell history, process lists). The credentials are validated with the
provider's cheap authenticated call before they are stored; invalid ones get the one
AuthError message and are never retried. `status` shows a fingerprint per secret field.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import typer

from wfm_bridge.host.cli.auth_fields import (
    declared_fields,
    fingerprint_cell,
    prompt_text,
    read_credentials,
    secret_fingerprints,
    stored_line,
    stored_what,
)
from wfm_bridge.host.cli.runtime import Runtime, console, print_json, runtime
from wfm_bridge.host.cli.vocabulary import cell, given_options, with_options
from wfm_bridge.host.shapes import auth_status_json

if TYPE_CHECKING:
    from pydantic import SecretStr

    from wfm_bridge.host.bridge import Bridge
    from wfm_bridge.host.settings import Settings
    from wfm_bridge.ports.vault import KeyInfo

TENANT_HELP = "Tenant (overrides the global --tenant)."
PROVIDER_HELP = "WFM provider (overrides the global --provider)."


@runtime_checkable
class MasterKeyManagement(Protocol):
    """Optional vault extras: master keys the vault manages itself (a generated key file)."""

    self_managed_keys: bool

    def add_master_key(self) -> str | None:
        """Generate a new newest master key; None when keys come from configuration."""
        ...

    def unused_master_keys(self) -> list[str]:
        """Old master key ids that no record uses any more."""
        ...

    def prune_master_keys(self) -> list[str]:
        """Drop unused old keys the vault manages; the ids dropped."""
        ...


def _select(ctx: typer.Context, tenant: str | None, provider: str | None) -> Runtime:
    rt = runtime(ctx)
    for name, value in (("tenant", tenant), ("provider", provider)):
        if value is not None:
            rt.overrides[name] = value
    return rt


def _close(resource: object) -> None:
    close = getattr(resource, "close", None)
    if callable(close):
        close()


def validate_and_store(bridge: Bridge, credentials: Mapping[str, SecretStr]) -> KeyInfo:
    """Check ``credentials`` with the provider (AuthError → the one invalid-key message),
    then store them; the tenant's cached people and activity types are dropped (old and new
    account)."""
    from wfm_bridge.ports.errors import AuthError, WfmError
    from wfm_bridge.ports.registry import CallBudget

    settings = bridge.settings
    provider = bridge.build_provider(settings, credentials, CallBudget.INTERACTIVE)
    try:
        provider.check_credentials()
    except AuthError as exc:
        raise AuthError.invalid_key(settings.provider) from exc
    finally:
        _close(provider)
    with contextlib.suppress(WfmError):  # no key (or an unreadable one) before: nothing cached
        bridge.tenant(settings.tenant).clear_caches()
    info: KeyInfo = bridge.vault.put(
        settings.tenant, settings.provider, credentials, bridge.clock.now()
    )
    bridge.forget(settings.tenant)
    bridge.tenant(settings.tenant).clear_caches()
    return info


def _readiness(bridge: Bridge, settings: Settings, stored: bool) -> Any:
    """(ready?, note): whether the provider can book 1:1s, in its own words (readiness())."""
    from wfm_bridge.ports.errors import WfmError
    from wfm_bridge.ports.provider import Capability
    from wfm_bridge.ports.registry import CallBudget, PortKind

    try:
        spec = bridge.registry.get(PortKind.PROVIDER, settings.provider)
        if Capability.ONE_TO_ONES not in spec.capabilities:
            return None, "not supported by this provider"
        if not stored and spec.requires_key:
            return None, "unknown: no key stored; run `wfm auth set-key`"
        credentials = bridge.stored_credentials(settings.tenant, settings.provider)
        provider = bridge.build_provider(settings, credentials, CallBudget.INTERACTIVE)
        try:
            notes = provider.readiness()
        finally:
            _close(provider)
    except WfmError as exc:
        return None, f"unknown: {exc}"
    return (False, "; ".join(notes)) if notes else (True, "yes")


def status_rows(bridge: Bridge, all_keys: bool) -> list[dict[str, Any]]:
    """One row per (tenant, provider): stored fields, a fingerprint per secret field (and
    ``fingerprint``, the record's: for one field, that field's), validated-at, 1:1
    readiness."""
    settings = bridge.settings
    vault = bridge.vault
    infos = vault.list() if all_keys else [vault.info(settings.tenant, settings.provider)]
    targets = [(i.tenant, i.provider, i) for i in infos if i is not None]
    if not all_keys and not targets:
        targets = [(settings.tenant, settings.provider, None)]
    return [
        status_row(bridge, settings.model_copy(update={"tenant": t, "provider": p}), info)
        for t, p, info in targets
    ]


def status_row(bridge: Bridge, settings: Settings, info: Any) -> dict[str, Any]:
    """The row of ``settings``' tenant and provider (``info``: its KeyInfo, or None); the
    CLI's ``auth status --json`` and the HTTP face's ``/auth/status`` both show it."""
    ready, note = _readiness(bridge, settings, info is not None)
    return {
        "tenant": settings.tenant,
        "provider": settings.provider,
        "fields": sorted(info.fingerprints) if info else [],
        "fingerprint": info.fingerprint if info else None,
        "fingerprints": secret_fingerprints(bridge, info) if info else {},
        "validated_at": info.validated_at.isoformat() if info and info.validated_at else None,
        "master_key_id": info.master_key_id if info else None,
        "one_to_ones_ready": ready,
        "one_to_ones": note,
        "score_export_stopped": _score_export_stopped(bridge, settings.tenant),
    }


def _score_export_stopped(bridge: Bridge, tenant: str) -> str | None:
    """The standing "not available" condition of the tenant's QA score export, if any."""
    from wfm_bridge.core.export import NOT_AVAILABLE
    from wfm_bridge.core.export_state import ExportState
    from wfm_bridge.ports.errors import WfmError

    try:
        standing = ExportState(bridge.state, tenant).read(NOT_AVAILABLE)
    except WfmError:
        return None
    return str(standing.get("message")) if standing else None


def register(app: typer.Typer) -> None:
    """Add the ``auth`` command group."""
    auth = typer.Typer(
        help="Credentials (API keys...) per tenant and provider, stored encrypted at rest."
    )
    app.add_typer(auth, name="auth")

    @auth.command("set-key")
    def set_key(
        ctx: typer.Context,
        tenant: str = typer.Option(None, "--tenant", help=TENANT_HELP),
        provider: str = typer.Option(None, "--provider", help=PROVIDER_HELP),
        stray: list[str] = typer.Argument(None, hidden=True),
        as_json: bool = typer.Option(False, "--json", help="JSON output."),
    ) -> None:
        """Validate the provider's credentials (each field it declares, from a prompt or one
        line per field on stdin), then store them encrypted."""
        from wfm_bridge.host.logging_setup import register_secret
        from wfm_bridge.ports.errors import InvalidInputError

        if stray:  # caught here so the usage error never echoes what may be the key
            raise InvalidInputError(
                "set-key takes no arguments: never put a key on the command line (it stays "
                "in shell history); run `wfm auth set-key` and paste it at the prompt, or pipe "
                "it in — and if that was a real key, consider generating a new one"
            )
        rt = _select(ctx, tenant, provider)
        settings = rt.settings
        fields = declared_fields(rt.bridge, settings.provider)
        credentials = read_credentials(
            sys.stdin,
            fields,
            lambda f: typer.prompt(prompt_text(settings.provider, f), hide_input=f.secret),
        )
        for field in fields:
            if field.secret:
                register_secret(credentials[field.name])
        info = validate_and_store(rt.bridge, credentials)
        if as_json:
            print_json(info.model_dump())
            return
        typer.echo(stored_line(info, fields, secret_fingerprints(rt.bridge, info)))

    @auth.command("status")
    def status(
        ctx: typer.Context,
        tenant: str = typer.Option(None, "--tenant", help=TENANT_HELP),
        provider: str = typer.Option(None, "--provider", help=PROVIDER_HELP),
        all_keys: bool = typer.Option(False, "--all", help="Every stored key, all tenants."),
        as_json: bool = typer.Option(False, "--json", help="JSON output."),
    ) -> None:
        """Tenant, provider, a fingerprint per secret field, last validation, whether 1:1s
        can be booked."""
        rt = _select(ctx, tenant, provider)
        rows = status_rows(rt.bridge, all_keys)
        given = given_options(rt.overrides)
        rows = [{**row, "one_to_ones": with_options(row["one_to_ones"], given)} for row in rows]
        if as_json:
            print_json(auth_status_json(rows))
            return
        from rich.table import Table

        table = Table(title="Stored credentials")
        for col in ("tenant", "provider", "fingerprints", "validated (UTC)"):
            table.add_column(col, no_wrap=True)
        table.add_column("1:1 readiness", overflow="fold")
        for row in rows:
            validated = row["validated_at"]
            table.add_row(
                cell(row["tenant"]),
                cell(row["provider"]),
                fingerprint_cell(row),
                validated[:19].replace("T", " ") if validated else "-",
                cell(row["one_to_ones"]),
            )
        console().print(table)
        for row in rows:
            if row["score_export_stopped"]:
                console().print(
                    f"QA score export of tenant {row['tenant']} stopped: "
                    f"{row['score_export_stopped']}",
                    markup=False,
                )
        if not rows:
            console().print(cell(with_options("no keys stored; run `wfm auth set-key`", given)))

    @auth.command("remove")
    def remove(
        ctx: typer.Context,
        tenant: str = typer.Option(None, "--tenant", help=TENANT_HELP),
        provider: str = typer.Option(None, "--provider", help=PROVIDER_HELP),
        as_json: bool = typer.Option(False, "--json", help="JSON output."),
    ) -> None:
        """Delete the stored credentials of a tenant and provider."""
        from wfm_bridge.ports.errors import WfmError

        rt = _select(ctx, tenant, provider)
        settings = rt.settings
        with contextlib.suppress(WfmError):  # the cached data of the account being removed
            rt.tenant.clear_caches()
        removed = rt.bridge.vault.remove(settings.tenant, settings.provider)
        rt.bridge.forget(settings.tenant)
        what = f"the {settings.provider} {stored_what(rt.bridge, settings.provider)} of tenant "
        what += repr(settings.tenant)
        if as_json:
            print_json(
                {"tenant": settings.tenant, "provider": settings.provider, "removed": removed}
            )
            return
        typer.echo(f"removed {what}" if removed else f"no key was stored: {what}")

    @auth.command("rotate-master-key")
    def rotate_master_key(
        ctx: typer.Context,
        new_key: bool = typer.Option(
            True, "--new-key/--no-new-key",
            help="Generate a new master key first (key file only); --no-new-key just "
            "re-encrypts with the newest key, e.g. to finish an interrupted rotation.",
        ),
        as_json: bool = typer.Option(False, "--json", help="JSON output."),
    ) -> None:
        """Re-encrypt every stored key with the newest master key; safe to re-run."""
        result = rotate(runtime(ctx).bridge.vault, new_key)
        if as_json:
            print_json(result)
            return
        for line in rotation_lines(result):
            typer.echo(line)


def rotate(vault: Any, new_key: bool) -> dict[str, Any]:
    """Add a master key (if the vault manages its own), re-seal everything, drop old keys."""
    managed = isinstance(vault, MasterKeyManagement)
    added = vault.add_master_key() if managed and new_key else None
    report = vault.rotate()
    dropped = vault.prune_master_keys() if managed else []
    removable = vault.unused_master_keys() if managed else []
    return {
        "new_master_key_id": report.new_master_key_id,
        "generated": added,
        "reencrypted": report.reencrypted,
        "already_current": report.already_current,
        "dropped_master_keys": dropped,
        "removable_master_keys": removable,
    }


def rotation_lines(result: dict[str, Any]) -> list[str]:
    """Human-readable summary of a rotation."""
    lines = []
    if result["generated"]:
        lines.append(f"generated master key {result['generated']}")
    lines.append(
        f"re-encrypted {result['reencrypted']} key(s) with master key "
        f"{result['new_master_key_id']}; {result['already_current']} already current"
    )
    if result["dropped_master_keys"]:
        lines.append(f"dropped old master keys: {', '.join(result['dropped_master_keys'])}")
    if result["removable_master_keys"]:
        lines.append(
            "every key now opens without "
            f"{', '.join(result['removable_master_keys'])}: remove them from WFM_MASTER_KEYS"
        )
    return lines
