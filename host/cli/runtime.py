"""What every command shares: the lazily built settings and Bridge and output helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from wfm_bridge.host.bridge import Bridge
    from wfm_bridge.host.plugins import DiscoveredPlugins
    from wfm_bridge.host.settings import Settings
    from wfm_bridge.host.tenant import Tenant


@dataclass
class Runtime:
    """Global options of one CLI invocation; builds the Bridge on first use, closes it last."""

    overrides: dict[str, Any] = field(default_factory=dict)
    debug: bool = False
    as_json: bool = False  # `--json` was given: errors are also printed as JSON on stdout
    plugins: DiscoveredPlugins | None = None
    _bridge: Bridge | None = None

    @property
    def settings(self) -> Settings:
        """Settings from the environment overridden by global options."""
        return self.bridge.settings

    @property
    def bridge(self) -> Bridge:
        """The one composition root of this invocation (the same one a host app uses)."""
        if self._bridge is None:
            from wfm_bridge.host.bridge import Bridge
            from wfm_bridge.host.logging_setup import register_secret
            from wfm_bridge.host.settings import Settings

            self._bridge = Bridge(
                Settings.from_env(**self.overrides),
                discovered=self.plugins,
                on_secret=register_secret,
            )
        return self._bridge

    @property
    def tenant(self) -> Tenant:
        """The use cases of the tenant and provider the options chose."""
        settings = self.settings
        return self.bridge.tenant(settings.tenant, provider=settings.provider)

    def close(self) -> None:
        """Close the bridge (providers' HTTP clients, shared adapters) if one was built."""
        if self._bridge is not None:
            self._bridge.close()
            self._bridge = None


def runtime(ctx: typer.Context) -> Runtime:
    """The Runtime stored on the root context by the global callback."""
    obj = ctx.find_root().obj
    if not isinstance(obj, Runtime):  # pragma: no cover - set by the root callback
        obj = Runtime()
        ctx.find_root().obj = obj
    return obj


def to_jsonable(value: Any) -> Any:
    """Pydantic models (and lists/dicts of them) to JSON-ready data (UTC ``Z`` times)."""
    from wfm_bridge.host.cli.vocabulary import jsonable

    return jsonable(value)


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON on stdout (the CLI's vocabulary: an object)."""
    from wfm_bridge.host.cli.vocabulary import print_json as emit

    emit(value)


def console() -> Any:
    """A rich console on stdout (imported lazily to keep start-up fast)."""
    from rich.console import Console

    return Console(highlight=False)
