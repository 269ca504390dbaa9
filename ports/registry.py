"""The typed register object plugins use to contribute adapters, and the factory contexts.

A plugin's ``wfm_register_adapters`` hook receives an ``AdapterRegistry`` and calls
``registry.add(...)`` once per adapter. The host later builds adapters **by configured name**;
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


class CallBudget(StrEnum):
    """How long a provider call may keep retrying: short for people waiting, long for jobs."""

    INTERACTIVE = "interactive"
    BACKGROUND = "background"


@dataclass(frozen=True)
class AdapterContext:
    """What a non-provider adapter factory gets: where data lives and its options."""

    data_dir: Path
    tenant: str
    options: Mapping[str, str] = field(default_factory=dict)


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

    def names(self, kind: PortKind) -> list[str]:
        """Installed adapter names for one port, sorted."""
        return sorted(n for (k, n) in self._specs if k == kind)

    def specs(self) -> list[AdapterSpec]:
        """Every registered adapter, sorted by plugin, port and name."""
        return sorted(self._specs.values(), key=lambda s: (s.plugin, s.kind, s.name))
