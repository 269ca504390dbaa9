"""``Bridge``: the host app's API and the one composition root (the CLI is its first client).

Built once per process: plugins are discovered once, and what a process shares (the adapter
registry, clock, cache, state store, key vault, rate limiters, the host's directory and score
source) is built once, lazily, under a lock, by a dependency-injector container of thread-safe
singletons. ``bridge.tenant("acme")`` is cheap: it hands out that tenant's use cases over the
shared adapters, with one provider (one HTTP client) per tenant + provider + account, built
once even when many threads ask at the same time. ``close()`` (or ``with Bridge() as b:``)
closes every provider and shared adapter it built.

Nothing process-global changes: no logging set-up, no signal handlers, no GC tuning.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dependency_injector import containers, providers
from pydantic import SecretStr

from wfm_bridge.host.plugins import DiscoveredPlugins, discover_plugins
from wfm_bridge.host.settings import Settings
from wfm_bridge.host.tenant import Tenant, account_label
from wfm_bridge.ports.errors import InvalidInputError, MissingKeyError
from wfm_bridge.ports.registry import (
    AdapterContext,
    AdapterRegistry,
    CallBudget,
    PortKind,
    ProviderContext,
)

SecretSink = Callable[[SecretStr], None]
_log = logging.getLogger("wfm_bridge")


def _build(
    registry: AdapterRegistry,
    kind: PortKind,
    name: str,
    settings: Settings,
    built: list[Any],
    clock: Any = None,
) -> Any:
    """The shared adapter ``name`` for port ``kind`` (remembered in ``built`` to close);
    every adapter but the clock gets the shared clock."""
    context = AdapterContext(
        data_dir=settings.data_dir,
        tenant=settings.tenant,
        options=settings.adapter_options(),
        clock=clock,
    )
    adapter = registry.build(kind, name, context)
    built.append(adapter)
    return adapter


def _claims_name(settings: Settings, registry: AdapterRegistry) -> str:
    """The claims adapter the settings choose among those installed."""
    return settings.claims_name(registry.names(PortKind.CLAIMS))


class _Shared(containers.DeclarativeContainer):
    """What one process shares across tenants: each built once, on first use, thread-safe."""

    settings = providers.Dependency(instance_of=Settings)
    registry = providers.Dependency(instance_of=AdapterRegistry)
    built = providers.Dependency(instance_of=list)

    clock = providers.ThreadSafeSingleton(
        _build, registry, PortKind.CLOCK, settings.provided.clock, settings, built
    )
    cache = providers.ThreadSafeSingleton(
        _build, registry, PortKind.CACHE, settings.provided.cache, settings, built, clock
    )
    state = providers.ThreadSafeSingleton(
        _build, registry, PortKind.STATE, settings.provided.state, settings, built, clock
    )
    vault = providers.ThreadSafeSingleton(
        _build, registry, PortKind.KEY_VAULT, settings.provided.vault, settings, built, clock
    )
    directory = providers.ThreadSafeSingleton(
        _build, registry, PortKind.DIRECTORY, settings.provided.directory, settings, built, clock
    )
    scores = providers.ThreadSafeSingleton(
        _build, registry, PortKind.SCORES, settings.provided.scores, settings, built, clock
    )
    limiters = providers.ThreadSafeSingleton(
        _build, registry, PortKind.RATE_LIMITER, settings.provided.rate_limiter, settings, built,
        clock,
    )
    claims = providers.ThreadSafeSingleton(
        _build, registry, PortKind.CLAIMS, providers.Callable(_claims_name, settings, registry),
        settings, built, clock,
    )


class Bridge:
    """wfm-bridge for a host app: discover once, serve many tenants from many threads.

    ``Bridge()`` reads the same settings as the CLI (``WFM_*`` environment, ``WFM_HOME``);
    ``Bridge(settings=..., plugins=[obj, ...])`` also registers in-process plugin objects
    (modules or instances with ``@hookimpl`` methods), so a host contributes its own employee
    directory, score source or key vault without packaging them; name them in the settings
    (``directory="my_directory"``).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        plugins: Sequence[object] = (),
        discovered: DiscoveredPlugins | None = None,
        on_secret: SecretSink | None = None,
        **overrides: Any,
    ) -> None:
        base = settings if settings is not None else Settings.from_env()
        self.settings = base.model_copy(update=overrides) if overrides else base
        self.plugins = (
            discovered
            if discovered is not None
            else discover_plugins(self.settings.blocked_plugins, plugins)
        )
        if discovered is None:  # the CLI reports its own discovery's failures
            for failure in self.plugins.failures:
                _log.warning(failure.warning)
        self._on_secret = on_secret
        self._lock = threading.RLock()
        self._built: list[Any] = []  # shared adapters, in the order they were built
        self._shared = _Shared(
            settings=self.settings, registry=self.plugins.registry, built=self._built
        )
        self._providers: dict[tuple[str, str, str, CallBudget], Any] = {}
        self._tenants: dict[tuple[str, str], Tenant] = {}
        self._closed = False

    # --- what the process shares --------------------------------------------------------

    @property
    def registry(self) -> AdapterRegistry:
        """Every adapter the discovered plugins registered."""
        return self.plugins.registry

    @property
    def clock(self) -> Any:
        """The shared Clock."""
        return self._shared.clock()

    @property
    def cache(self) -> Any:
        """The shared Cache (namespaces keep tenants and accounts apart)."""
        return self._shared.cache()

    @property
    def state(self) -> Any:
        """The shared StateStore (ledger, export checkpoints, locks)."""
        return self._shared.state()

    @property
    def vault(self) -> Any:
        """The shared KeyVault."""
        return self._shared.vault()

    @property
    def directory(self) -> Any:
        """The host's EmployeeDirectory."""
        return self._shared.directory()

    @property
    def scores(self) -> Any:
        """The host's ScoreSource."""
        return self._shared.scores()

    @property
    def claims(self) -> Any:
        """The export fleet's shared TenantClaims (``WFM_CLAIMS``; default: like the state)."""
        return self._shared.claims()

    # --- tenants ------------------------------------------------------------------------

    def tenant(self, name: str, *, provider: str | None = None) -> Tenant:
        """That tenant's use cases (``.mapping``, ``.schedules``, ``.meetings``, ``.slots``,
        ``.activity_types``, ``.export()``, ...); cheap, and the same object for the same
        tenant and provider."""
        self._check_open()
        if not isinstance(name, str) or not name.strip():
            raise InvalidInputError("give a tenant name, e.g. acme")
        chosen = provider or self.settings.provider
        key = (name, chosen)
        found = self._tenants.get(key)
        if found is not None:
            return found
        with self._lock:
            found = self._tenants.get(key)
            if found is None:
                self.registry.get(PortKind.PROVIDER, chosen)  # unknown names fail here
                settings = self.settings.model_copy(update={"tenant": name, "provider": chosen})
                found = self._tenants[key] = Tenant(self, settings)
            return found

    def forget(self, name: str) -> None:
        """Drop a tenant's scopes and providers (after its key changed); the next
        ``tenant(name)`` builds them afresh."""
        with self._lock:
            for scope in [k for k in self._tenants if k[0] == name]:
                del self._tenants[scope]
            for slot in [k for k in self._providers if k[0] == name]:
                _close(self._providers.pop(slot))

    def tenants_with_keys(self, provider: str | None = None) -> list[str]:
        """Tenants with stored credentials for ``provider`` (all tenants of a provider that
        declares no credentials are unknown here: then the configured tenant)."""
        chosen = provider or self.settings.provider
        if not self.registry.get(PortKind.PROVIDER, chosen).requires_key:
            return [self.settings.tenant]
        return sorted({i.tenant for i in self.vault.list() if i.provider == chosen})

    # --- providers ----------------------------------------------------------------------

    def stored_credentials(self, tenant: str, provider: str) -> dict[str, SecretStr]:
        """The tenant's stored value of each field ``provider`` declares ({} when it declares
        none; MissingKeyError naming the fields when they are not all stored)."""
        spec = self.registry.get(PortKind.PROVIDER, provider)
        if not spec.credentials:
            return {}
        stored: dict[str, SecretStr] | None = self.vault.get(tenant, provider)
        names = spec.credential_names
        fix = f"run `wfm auth set-key --tenant {tenant} --provider {provider}`"
        if stored is None:
            what = "API key" if names == ["api_key"] else f"credentials ({', '.join(names)})"
            raise MissingKeyError(f"no {provider} {what} is stored for tenant {tenant!r}; {fix}")
        missing = [n for n in names if n not in stored]
        if missing:
            raise MissingKeyError(
                f"the {provider} credentials stored for tenant {tenant!r} lack "
                f"{', '.join(missing)} (the provider now asks for {', '.join(names)}); {fix}"
            )
        return {n: stored[n] for n in names}

    def provider_for(
        self, settings: Settings, credentials: Mapping[str, SecretStr], budget: CallBudget
    ) -> Any:
        """The provider of ``settings.tenant`` with ``credentials``: one per tenant,
        provider, account and budget for the life of the bridge."""
        account = account_label(settings.provider_options.get("base_url"), credentials)
        slot = (settings.tenant, settings.provider, account, budget)
        found = self._providers.get(slot)
        if found is not None:
            return found
        with self._lock:
            self._check_open()
            found = self._providers.get(slot)
            if found is None:
                found = self._providers[slot] = self.build_provider(
                    settings, credentials, budget
                )
            return found

    def build_provider(
        self, settings: Settings, credentials: Mapping[str, SecretStr], budget: CallBudget
    ) -> Any:
        """A new provider with ``credentials`` as given (e.g. candidates being validated);
        the caller closes it unless it came from ``provider_for``. Each secret field is
        handed to ``on_secret`` first."""
        spec = self.registry.get(PortKind.PROVIDER, settings.provider)
        public = {f.name for f in spec.credentials if not f.secret}
        if self._on_secret is not None:
            for name, value in credentials.items():
                if name not in public:  # a field the provider does not declare: secret
                    self._on_secret(value)
        context = ProviderContext(
            data_dir=settings.data_dir,
            tenant=settings.tenant,
            api_key=None,
            clock=self.clock,
            budget=budget,
            options=settings.provider_options,
            credentials=credentials,
            limiters=self._shared.limiters(),
        )
        return self.registry.build(PortKind.PROVIDER, settings.provider, context)

    # --- life cycle ---------------------------------------------------------------------

    def close(self) -> None:
        """Close every provider and shared adapter this bridge built."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for provider in self._providers.values():
                _close(provider)
            self._providers.clear()
            self._tenants.clear()
            for adapter in reversed(self._built):
                _close(adapter)
            self._built.clear()
            self._shared.reset_singletons()

    def __enter__(self) -> Bridge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise InvalidInputError("this Bridge is closed; build a new one")


def _close(adapter: object) -> None:
    close = getattr(adapter, "close", None)
    if callable(close):
        close()
