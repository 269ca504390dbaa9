"""The typed register object plugins use to contribute adapters, and the factory contexts.

A plugin's ``wfm_register_adapters`` hook receives an ``AdapterRegistry`` and calls
``registry.add(...)`` once per adapter. The host later builds adapters **by configured name**
with ``registry.build(...)``, which checks what a factory returned against its port's Protocol;
registration order never matters. Factories are called lazily, so plugin modules stay
import-light: heavy imports belong inside the factory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import SecretStr

from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.credentials import API_KEY, CredentialField, check_declaration
from wfm_bridge.ports.errors import ConflictError, InvalidInputError
from wfm_bridge.ports.provider import Capability, capability_port
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
    """What a provider factory gets: the tenant's credentials, clock, options.

    ``credentials`` maps each declared field to its value (empty for a provider that declares
    none); ``api_key`` is its ``api_key`` field (None if absent), kept for providers written
    before fields were declared. Either may be given; both must then agree."""

    data_dir: Path
    tenant: str
    api_key: SecretStr | None
    clock: Clock
    budget: CallBudget = CallBudget.INTERACTIVE
    options: Mapping[str, str] = field(default_factory=dict)
    limiters: RateLimiters | None = None  # the process's shared, adaptive rate limiters
    credentials: Mapping[str, SecretStr] = field(default_factory=dict)

    def __post_init__(self) -> None:
        merged = dict(self.credentials)
        if self.api_key is not None and merged.setdefault("api_key", self.api_key) != self.api_key:
            raise InvalidInputError(
                "ProviderContext got an api_key and a different credentials['api_key']; "
                "give the credentials once"
            )
        object.__setattr__(self, "credentials", MappingProxyType(merged))
        object.__setattr__(self, "api_key", merged.get("api_key"))


@dataclass(frozen=True)
class AdapterSpec:
    """One registered adapter: which port, its name, its factory, which plugin gave it, and
    for providers the declared credential fields (in prompt order) and secret patterns."""

    kind: PortKind
    name: str
    factory: Callable[[Any], Any]
    plugin: str
    description: str = ""
    credentials: tuple[CredentialField, ...] = ()
    secret_patterns: tuple[str, ...] = ()
    capabilities: tuple[Capability, ...] = ()  # providers only: the ports it implements

    @property
    def requires_key(self) -> bool:
        """True when the provider declares credentials (they come from the key vault)."""
        return bool(self.credentials)

    @property
    def credential_names(self) -> list[str]:
        """The declared field names, in prompt order."""
        return [f.name for f in self.credentials]


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
        credentials: Iterable[CredentialField] = (),
        secret_patterns: Iterable[str] = (),
        capabilities: Iterable[str] = (Capability.SCHEDULES,),
    ) -> None:
        """Register one adapter; a second adapter with the same port and name is a conflict.

        Providers declare their ``credentials`` (``CredentialField``s, in the order
        `wfm auth set-key` asks for them), ``secret_patterns`` (regular expressions the
        logs redact) and the ``capabilities`` they implement (``schedules`` always, plus
        ``one_to_ones`` and ``scores`` where they have them; ``build`` checks each one's
        port). ``requires_key=True`` without fields is the older spelling of
        ``credentials=(API_KEY,)``. A malformed declaration is an ``InvalidInputError``."""
        fields, patterns = check_declaration(credentials, secret_patterns)
        if (fields or patterns) and kind is not PortKind.PROVIDER:
            raise InvalidInputError(
                f"{kind} adapter {name!r}: only providers declare credentials or secret patterns"
            )
        if requires_key and not fields:
            fields = (API_KEY,)
        declared = _capabilities(kind, name, plugin, capabilities)
        existing = self._specs.get((kind, name))
        if existing is not None:
            raise ConflictError(
                f"two plugins register a {kind} adapter named {name!r} "
                f"({existing.plugin} and {plugin}); block one with WFM_BLOCK_PLUGINS"
            )
        self._specs[(kind, name)] = AdapterSpec(
            kind, name, factory, plugin, description, fields, patterns, declared
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
        ports = [port_protocol(kind)]
        ports += [capability_port(c) for c in spec.capabilities if c is not Capability.SCHEDULES]
        for port in ports:
            lacking = _lacking(adapter, port)
            if lacking or not isinstance(adapter, port):
                what = f" (missing or not callable: {', '.join(lacking)})" if lacking else ""
                raise InvalidInputError(
                    f"plugin {spec.plugin!r}: its {kind} adapter {name!r} returned an object "
                    f"of type {type(adapter).__name__!r}, which is not a {port.__name__}{what}; "
                    f"fix or update the plugin, or choose another {kind} adapter "
                    f"(installed: {', '.join(self.names(kind))})"
                )
        return adapter

    def names(self, kind: PortKind) -> list[str]:
        """Installed adapter names for one port, sorted."""
        return sorted(n for (k, n) in self._specs if k == kind)

    def specs(self) -> list[AdapterSpec]:
        """Every registered adapter, sorted by plugin, port and name."""
        return sorted(self._specs.values(), key=lambda s: (s.plugin, s.kind, s.name))

    def secret_patterns(self) -> list[str]:
        """The secret patterns every registered provider declares, each once, sorted."""
        return sorted({p for s in self._specs.values() for p in s.secret_patterns})


def port_protocol(kind: PortKind) -> type:
    """The runtime-checkable Protocol an adapter for ``kind`` must satisfy."""
    # imported here: plugins import this module at registration, which must stay light
    from wfm_bridge.ports.cache import Cache
    from wfm_bridge.ports.claims import TenantClaims
    from wfm_bridge.ports.directory import EmployeeDirectory
    from wfm_bridge.ports.schedule_source import ScheduleSource
    from wfm_bridge.ports.scores import ScoreSource
    from wfm_bridge.ports.state import StateStore
    from wfm_bridge.ports.vault import KeyVault

    ports: dict[PortKind, type] = {
        PortKind.PROVIDER: ScheduleSource,  # every provider; its other capabilities are declared
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


def _capabilities(
    kind: PortKind, name: str, plugin: str, declared: Iterable[str]
) -> tuple[Capability, ...]:
    """The declared capabilities, checked: known names, ``schedules`` among them."""
    if kind is not PortKind.PROVIDER:
        return ()
    known = ", ".join(c.value for c in Capability)
    found: list[Capability] = []
    for value in [declared] if isinstance(declared, str) else declared:
        try:
            capability = Capability(value)
        except ValueError:
            raise InvalidInputError(
                f"plugin {plugin!r}: provider {name!r} declares an unknown capability "
                f"{value!r}; declare some of: {known}"
            ) from None
        if capability not in found:
            found.append(capability)
    if Capability.SCHEDULES not in found:
        raise InvalidInputError(
            f"plugin {plugin!r}: provider {name!r} must declare the capability 'schedules' "
            "(every provider is a schedule source); add it to capabilities"
        )
    return tuple(found)


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
