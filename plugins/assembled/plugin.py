"""Entry point of the Assembled plugin: the ``assembled`` provider (its credential is one
secret ``api_key``, shaped ``sk_live_...`` or ``sk_test_...``), and the `wfm emulator serve`
command (plugins/assembled/cli.py).

Import-light: httpx and the adapter are imported inside the factory. Options come from
``ProviderContext.options`` (``--base-url`` / ``WFM_BASE_URL`` set ``base_url``); the full
list, with defaults, is in ``plugins/assembled/config.py``.
"""

from __future__ import annotations

from typing import Any

from wfm_bridge.ports import hookimpl
from wfm_bridge.ports.commands import CommandRegistry
from wfm_bridge.ports.credentials import API_KEY
from wfm_bridge.ports.registry import AdapterRegistry, PortKind, ProviderContext

PLUGIN = "assembled"
wfm_api_version = "1"
KEY_PATTERN = r"\bsk_(?:live|test)_[A-Za-z0-9]+"  # what every Assembled API key looks like


def _provider(ctx: ProviderContext) -> Any:
    import hashlib

    from wfm_bridge.plugins.assembled.config import AssembledConfig
    from wfm_bridge.plugins.assembled.locations import ActivityLocations
    from wfm_bridge.plugins.assembled.provider import AssembledProvider
    from wfm_bridge.ports.vault import key_fingerprint

    config = AssembledConfig.from_options(ctx.options, ctx.budget)
    api_key = ctx.credentials.get("api_key")
    locations = None
    if api_key is not None and api_key.get_secret_value():
        # per tenant, account and key: a file name that never holds the tenant's raw name
        scope = f"{ctx.tenant}|{config.base_url}|{key_fingerprint(api_key)}"
        name = hashlib.sha256(scope.encode()).hexdigest()[:24]
        locations = ActivityLocations(ctx.data_dir / "assembled" / f"{name}.locations.json")
    return AssembledProvider(
        config, api_key, ctx.clock, limiters=ctx.limiters, locations=locations
    )


@hookimpl
def wfm_register_adapters(registry: AdapterRegistry) -> None:
    """Register the Assembled provider."""
    registry.add(
        PortKind.PROVIDER,
        "assembled",
        _provider,
        plugin=PLUGIN,
        description="Assembled REST API (https; http only for loopback)",
        credentials=(API_KEY,),
        secret_patterns=(KEY_PATTERN,),
        capabilities=("schedules", "one_to_ones", "scores", "teams"),
    )


@hookimpl
def wfm_register_commands(commands: CommandRegistry) -> None:
    """Add ``wfm emulator serve [assembled]`` (the command module loads here, not at import)."""
    from wfm_bridge.plugins.assembled.cli import serve

    commands.group("emulator serve").command("assembled")(serve)
