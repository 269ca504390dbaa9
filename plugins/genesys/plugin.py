"""Entry point of the Genesys Cloud plugin: the ``genesys`` provider (credentials: the OAuth
client's ``client_id`` and secret ``client_secret``) and ``wfm emulator serve genesys``.

Import-light: httpx and the adapter are imported inside the factory. Options come from
``ProviderContext.options`` (``--base-url`` / ``WFM_BASE_URL`` set ``base_url``; ``region``
picks the hosts); the full list, with defaults, is in ``plugins/genesys/config.py``.
"""

from __future__ import annotations

from typing import Any

from wfm_bridge.ports import hookimpl
from wfm_bridge.ports.commands import CommandRegistry
from wfm_bridge.ports.credentials import CredentialField
from wfm_bridge.ports.registry import AdapterRegistry, PortKind, ProviderContext

PLUGIN = "genesys"
wfm_api_version = "1"
CLIENT_ID = CredentialField("client_id", secret=False, label="OAuth client id")
CLIENT_SECRET = CredentialField("client_secret", secret=True, label="OAuth client secret")
# What access tokens look like in a header or an answer (the secret itself is redacted as a
# declared secret field).
TOKEN_PATTERN = r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{16,}"


def _provider(ctx: ProviderContext) -> Any:
    import hashlib

    from pydantic import SecretStr

    from wfm_bridge.plugins.genesys.config import GenesysConfig
    from wfm_bridge.plugins.genesys.provider import GenesysProvider
    from wfm_bridge.plugins.genesys.scores import DayLedger
    from wfm_bridge.ports.ratelimit import RateLimit
    from wfm_bridge.ports.vault import key_fingerprint

    config = GenesysConfig.from_options(ctx.options, ctx.budget)
    client_id = ctx.credentials.get("client_id")
    secret = ctx.credentials.get("client_secret")
    limiter, ledger = None, None
    if client_id is not None and secret is not None and secret.get_secret_value():
        oauth = SecretStr(f"{client_id.get_secret_value()}:{secret.get_secret_value()}")
        fingerprint = key_fingerprint(oauth)
        if ctx.limiters is not None:  # Genesys limits per token, i.e. per OAuth client
            limiter = ctx.limiters.limiter(fingerprint, RateLimit(config.rate, config.burst))
        # per tenant, organisation and client: a file name that never holds the raw tenant
        scope = f"{ctx.tenant}|{config.hosts.api}|{fingerprint}"
        name = hashlib.sha256(scope.encode()).hexdigest()[:24]
        ledger = DayLedger(ctx.data_dir / "genesys" / f"{name}.scores.json")
    return GenesysProvider(config, client_id, secret, ctx.clock, limiter=limiter, ledger=ledger)


@hookimpl
def wfm_register_adapters(registry: AdapterRegistry) -> None:
    """Register the Genesys Cloud provider."""
    registry.add(
        PortKind.PROVIDER,
        "genesys",
        _provider,
        plugin=PLUGIN,
        description="Genesys Cloud WFM, coaching and external metrics (OAuth client)",
        credentials=(CLIENT_ID, CLIENT_SECRET),
        secret_patterns=(TOKEN_PATTERN,),
        capabilities=("schedules", "one_to_ones", "scores", "teams"),
    )


@hookimpl
def wfm_register_commands(commands: CommandRegistry) -> None:
    """Add ``wfm emulator serve genesys``."""
    from wfm_bridge.plugins.genesys.cli import register

    register(commands)
