"""Entry point (``wfm: acme``): registers the ``acme`` provider. Import-light by design."""

from __future__ import annotations

from typing import Any

from wfm_bridge.ports import hookimpl
from wfm_bridge.ports.credentials import CredentialField
from wfm_bridge.ports.registry import AdapterRegistry, PortKind, ProviderContext

wfm_api_version = "1"  # the wfm-bridge plugin API this plugin targets
PLUGIN = "acme"
SECRET_PATTERN = r"\bacme_sec_[A-Za-z0-9]{16,}"  # what every Acme client secret looks like
CREDENTIALS = (
    CredentialField("client_id", secret=False, label="client id"),
    CredentialField("client_secret", secret=True, label="client secret"),
)
CAPABILITIES = ("schedules", "scores")


def _provider(ctx: ProviderContext) -> Any:
    from acme_wfm.provider import AcmeProvider

    base_url = ctx.options.get("base_url", "https://api.acme-wfm.example")
    return AcmeProvider(base_url, ctx.credentials)


@hookimpl
def wfm_register_adapters(registry: AdapterRegistry) -> None:
    """Register the Acme provider with its credential fields and capabilities."""
    registry.add(
        PortKind.PROVIDER,
        "acme",
        _provider,
        plugin=PLUGIN,
        description="Acme WFM over its REST API",
        credentials=CREDENTIALS,
        secret_patterns=(SECRET_PATTERN,),
        capabilities=CAPABILITIES,
    )
