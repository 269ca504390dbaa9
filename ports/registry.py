"""The typed register object plugins use to contribute adapters, and the factory contexts.

A plugin's ``wfm_register_adapters`` hook receives an ``AdapterRegistry`` and calls
``registry.add(...)`` once per adapter. The host later builds adapters **by configured name**
with ``registry.build(...)``, which checks what a factory returned against its port's Protocol;
registration order never matters. Factories are called lazily, so plugin modules stay
import-light: heavy imports belong inside the factory.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import ConflictError, InvalidInputError
from wfm_bridge.ports.ratelimit import RateLimiters


class PortKind(StrEnum):
    """The ports an adapter can implement."""

    PROVIDER = "provider"
    KEY_VAULT = "key_vault"
    CLOCK = "clock"
    CACHE = "cache"
    STATE = "state"
    DIRECTORY = "directory"
    SCORES = "scores"
    RATE_LIMITER = "rate_limiter"
    CLAIMS = "claims"


class CallBudget(StrEnum):
    """How long a provider call may keep retrying: short for people waiting, long for jobs."""

    INTERACTIVE = "interactive"
    BACKGROUND = "background"


@dataclass(frozen=True)
class AdapterContext:
    """What a non-provider adapter factory gets: where data lives, its options, and the
    process's shared clock (None while the clock itself is being built)."""

    data_dir: Path
    tenant: str
    options: Mapping[str, str] = field(default_factory=dict)
    clock: Clock | None = None


@dataclass(frozen=True)
class ProviderContext:
    """What a provider factory gets: the tenant's key (None if not stored), clock, options."""

    data_dir: Path
    tenant: str
    api_key: SecretStr | None
    clock: Clock
    budget: CallBudget = CallBudget.INTERACTIVE
    options: Mapping[str, str] = field(default_factory=dict)
    limiters: RateLimiters | None = None  # the process's shared, adaptive rate limiters


@dataclass(frozen=True)
class AdapterSpec:
    """One registered adapter: which port, its name, its factory, which plugin gave it."""

    kind: PortKind
    name: str
    factory: Callable[[Any], Any]
    plugin: str
    description: str = ""
    requires_key: bool = False  # providers only: needs an API key from the vault


class AdapterRegistry:
    """Collects adapters from every plugin; looks them up by (port, name)."""

    def __init__(self) -> None:
        self._specs: dict[tuple[PortKind, str], AdapterSpec] = {}

    def add(
        self,
        kind: PortKind,
        name: str,
        factory: Callable[[Any], Any],
        *,
        plugin: str,
        description: str = "",
        requires_key: bool = False,
    ) -> None:
        """Register one adapter; a second adapter with the same port and name is a conflict."""
        existing = self._specs.get((kind, name))
        if existing is not None:
            raise ConflictError(
                f"two plugins register a {kind} adapter named {name!r} "
                f"({existing.plugin} and {plugin}); block one with WFM_BLOCK_PLUGINS"
            )
        self._specs[(kind, name)] = AdapterSpec(
            kind, name, factory, plugin, description, requires_key
        )

    def get(self, kind: PortKind, name: str) -> AdapterSpec:
        """The adapter named ``name`` for ``kind``; the error lists the installed names."""
        spec = self._specs.get((kind, name))
        if spec is None:
            names = ", ".join(self.names(kind)) or "none"
            raise InvalidInputError(
                f"no {kind} adapter named {name!r} is installed; installed: {names}"
            )
        return spec

    def build(self, kind: PortKind, name: str, context: AdapterContext | ProviderContext) -> Any:
        """Build the adapter named ``name`` for ``kind`` with ``context`` (a ProviderContext
        for providers) and check it satisfies the port; ``InvalidInputError`` if it does not."""
        spec = self.get(kind, name)
        wanted = ProviderContext if kind is PortKind.PROVIDER else AdapterContext
        if not isinstance(context, wanted):
            raise InvalidInputError(
                f"a {kind} adapter is built from {wanted.__name__}, not from "
                f"{type(context).__name__}; pass {wanted.__name__}"
            )
        adapter = spec.factory(context)
        port = port_protocol(kind)
        lacking = _lacking(adapter, port)
        if lacking or not isinstance(adapter, port):
            what = f" (missing or not callable: {', '.join(lacking)})" if lacking else ""
            raise InvalidInputError(
                f"plugin {spec.plugin!r}: its {kind} adapter {name!r} returned an object of "
                f"type {type(adapter).__name__!r}, which is not a {port.__name__}{what}; fix or "
                f"update the plugin, or choose another {kind} adapter "
                f"(installed: {', '.join(self.names(kind))})"
            )
        return adapter

    def names(self, kind: PortKind) -> list[str]:
        """Installed adapter names for one port, sorted."""
        return sorted(n for (k, n) in self._specs if k == kind)

    def specs(self) -> list[AdapterSpec]:
        """Every registered adapter, sorted by plugin, port and name."""
        return sorted(self._specs.values(), key=lambda s: (s.plugin, s.kind, s.name))


def port_protocol(kind: PortKind) -> type:
    """The runtime-checkable Protocol an adapter for ``kind`` must satisfy."""
    # imported here: plugins import this module at registration, which must stay light
    from wfm_bridge.ports.cache import Cache
    from wfm_bridge.ports.claims import TenantClaims
    from wfm_bridge.ports.directory import EmployeeDirectory
    from wfm_bridge.ports.provider import WfmProvider
    from wfm_bridge.ports.scores import ScoreSource
    from wfm_bridge.ports.state import StateStore
    from wfm_bridge.ports.vault import KeyVault

    ports: dict[PortKind, type] = {
        PortKind.PROVIDER: WfmProvider,
        PortKind.KEY_VAULT: KeyVault,
        PortKind.CLOCK: Clock,
        PortKind.CACHE: Cache,
        PortKind.STATE: StateStore,
        PortKind.DIRECTORY: EmployeeDirectory,
        PortKind.SCORES: ScoreSource,
        PortKind.RATE_LIMITER: RateLimiters,
        PortKind.CLAIMS: TenantClaims,
    }
    return ports[kind]


def _lacking(adapter: object, port: type) -> list[str]:
    """The port's members ``adapter`` lacks, and its methods that are not callable on it."""
    attributes = set(getattr(port, "__annotations__", {}))
    methods = {n for n, v in vars(port).items() if callable(v)}
    members = sorted(n for n in attributes | methods if not n.startswith("_"))
    return [
        m
        for m in members
        if not hasattr(adapter, m) or (m in methods and not callable(getattr(adapter, m)))
    ]
