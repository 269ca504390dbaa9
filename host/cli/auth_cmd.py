"""`wfm auth`: set, inspect, remove API keys, and rotate the vault's master key.

The key is read from a hidden prompt, or from stdin when it is not a terminal — never from a
command-line argument (shell history, process lists). It is validated with the provider's
cheap authenticated call before it is stored; an invalid key gets the one AuthError message
and is never retried.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TextIO, runtime_checkable

import typer

from wfm_bridge.host.cli.runtime import Runtime, console, print_json, runtime
from wfm_bridge.host.cli.vocabulary import cell, envelope, given_options, with_options

if TYPE_CHECKING:
    from pydantic import SecretStr

    from wfm_bridge.host.bridge import Bridge
    from wfm_bridge.host.settings import Settings

MEETING = "Meeting"
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


def read_key(stdin: TextIO, prompt: Callable[[], str]) -> SecretStr:
    """The key from the hidden ``prompt`` on a terminal, else all of ``stdin``, trimmed."""
    from pydantic import SecretStr

    from wfm_bridge.ports.errors import InvalidInputError

    try:  # a pipe may decode bad bytes as surrogates (surrogateescape) or raise
        text = prompt() if stdin.isatty() else stdin.read()
        text.encode("utf-8")
    except UnicodeError:  # not chained: the error quotes a byte of what may be the key
        raise InvalidInputError(
            "the API key piped in is not UTF-8 text; save it as plain UTF-8 and pipe it again"
        ) from None
    key = SecretStr(text.strip())
    if not key.get_secret_value():
        raise InvalidInputError(
            "no API key was given; paste it at the prompt, or pipe it in: "
            "`wfm auth set-key < key.txt`"
        )
    if any(c.isspace() for c in key.get_secret_value()):
        raise InvalidInputError("the API key must be a single word; paste only the key")
    return key


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


def validate_and_store(bridge: Bridge, key: SecretStr) -> Any:
    """Check ``key`` with the provider (AuthError → the one invalid-key message), then store
    it; the tenant's cached people and activity types are dropped (old and new account)."""
    from wfm_bridge.ports.errors import AuthError, WfmError
    from wfm_bridge.ports.registry import CallBudget

    settings = bridge.settings
    provider = bridge.build_provider(settings, key, CallBudget.INTERACTIVE)
    try:
        provider.check_credentials()
    except AuthError as exc:
        raise AuthError.invalid_key(settings.provider) from exc
    finally:
        _close(provider)
    with contextlib.suppress(WfmError):  # no key (or an unreadable one) before: nothing cached
        bridge.tenant(settings.tenant).clear_caches()
    info = bridge.vault.put(settings.tenant, settings.provider, key, bridge.clock.now())
    bridge.forget(settings.tenant)
    bridge.tenant(settings.tenant).clear_caches()
    return info


def _meeting_check(bridge: Bridge, settings: Settings, key: SecretStr | None) -> Any:
    """(exists?, note): whether the provider has the `Meeting` activity type."""
    from wfm_bridge.ports.errors import WfmError
    from wfm_bridge.ports.registry import CallBudget, PortKind

    try:
        if key is None and bridge.registry.get(PortKind.PROVIDER, settings.provider).requires_key:
            return None, "unknown: no key stored; run `wfm auth set-key`"
        provider = bridge.build_provider(settings, key, CallBudget.INTERACTIVE)
        try:
            names = {t.name for t in provider.list_activity_types()}
        finally:
            _close(provider)
    except WfmError as exc:
        return None, f"unknown: {exc}"
    if MEETING in names:
        return True, "yes"
    return False, f"missing: create an activity type named exactly `{MEETING}`"


def status_rows(bridge: Bridge, all_keys: bool) -> list[dict[str, Any]]:
    """One row per (tenant, provider): fingerprint, validated-at, `Meeting` check."""
    settings = bridge.settings
    vault = bridge.vault
    infos = vault.list() if all_keys else [vault.info(settings.tenant, settings.provider)]
    targets = [(i.tenant, i.provider, i) for i in infos if i is not None]
    if not all_keys and not targets:
        targets = [(settings.tenant, settings.provider, None)]
    rows = []
    for tenant, provider, info in targets:
        scoped = settings.model_copy(update={"tenant": tenant, "provider": provider})
        key = vault.get(tenant, provider) if info is not None else None
        exists, note = _meeting_check(bridge, scoped, key)
        rows.append(
            {
                "tenant": tenant,
                "provider": provider,
                "fingerprint": info.fingerprint if info else None,
                "validated_at": info.validated_at.isoformat() if info and info.validated_at
                else None,
                "master_key_id": info.master_key_id if info else None,
                "meeting_type_exists": exists,
                "meeting_type": note,
            }
        )
    return rows


def register(app: typer.Typer) -> None:
    """Add the ``auth`` command group."""
    auth = typer.Typer(help="API keys per tenant and provider, stored encrypted at rest.")
    app.add_typer(auth, name="auth")

    @auth.command("set-key")
    def set_key(
        ctx: typer.Context,
        tenant: str = typer.Option(None, "--tenant", help=TENANT_HELP),
        provider: str = typer.Option(None, "--provider", help=PROVIDER_HELP),
        stray: list[str] = typer.Argument(None, hidden=True),
        as_json: bool = typer.Option(False, "--json", help="JSON output."),
    ) -> None:
        """Validate an API key with the provider, then store it encrypted (prompt or stdin)."""
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
        key = read_key(
            sys.stdin,
            lambda: typer.prompt(f"{settings.provider} API key (hidden)", hide_input=True),
        )
        register_secret(key)
        info = validate_and_store(rt.bridge, key)
        if as_json:
            print_json(info.model_dump())
            return
        typer.echo(
            f"stored the {info.provider} API key for tenant {info.tenant!r} "
            f"(fingerprint {info.fingerprint}, validated {info.validated_at.isoformat()})"
        )

    @auth.command("status")
    def status(
        ctx: typer.Context,
        tenant: str = typer.Option(None, "--tenant", help=TENANT_HELP),
        provider: str = typer.Option(None, "--provider", help=PROVIDER_HELP),
        all_keys: bool = typer.Option(False, "--all", help="Every stored key, all tenants."),
        as_json: bool = typer.Option(False, "--json", help="JSON output."),
    ) -> None:
        """Tenant, provider, key fingerprint, last validation, whether `Meeting` exists."""
        rt = _select(ctx, tenant, provider)
        rows = status_rows(rt.bridge, all_keys)
        given = given_options(rt.overrides)
        rows = [{**row, "meeting_type": with_options(row["meeting_type"], given)} for row in rows]
        if as_json:
            print_json(envelope(rows))
            return
        from rich.table import Table

        table = Table(title="API keys")
        columns = ("tenant", "provider", "fingerprint", "validated_at")
        for col in ("tenant", "provider", "fingerprint", "validated (UTC)"):
            table.add_column(col, no_wrap=True)
        table.add_column(f"{MEETING} type", overflow="fold")
        for row in rows:
            if row["validated_at"]:
                row = {**row, "validated_at": row["validated_at"][:19].replace("T", " ")}
            table.add_row(*(cell(row[c] or "-") for c in columns), cell(row["meeting_type"]))
        console().print(table)
        if not rows:
            console().print(cell(with_options("no keys stored; run `wfm auth set-key`", given)))

    @auth.command("remove")
    def remove(
        ctx: typer.Context,
        tenant: str = typer.Option(None, "--tenant", help=TENANT_HELP),
        provider: str = typer.Option(None, "--provider", help=PROVIDER_HELP),
        as_json: bool = typer.Option(False, "--json", help="JSON output."),
    ) -> None:
        """Delete the stored key of a tenant and provider."""
        from wfm_bridge.ports.errors import WfmError

        rt = _select(ctx, tenant, provider)
        settings = rt.settings
        with contextlib.suppress(WfmError):  # the cached data of the account being removed
            rt.tenant.clear_caches()
        removed = rt.bridge.vault.remove(settings.tenant, settings.provider)
        rt.bridge.forget(settings.tenant)
        what = f"the {settings.provider} API key of tenant {settings.tenant!r}"
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
