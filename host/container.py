"""The composition root: builds adapters by configured name and wires them into use cases.

dependency-injector lives here alone; core use cases take their ports as constructor
arguments. Nothing is built at import time: ``build_container(settings)`` makes a container
and its providers build lazily on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pluggy
from dependency_injector import containers, providers
from pydantic import SecretStr

from wfm_bridge.core.activity_types import ActivityTypeCatalog
from wfm_bridge.core.ledger import MeetingLedger
from wfm_bridge.core.mapping import EmployeeMapper
from wfm_bridge.core.meetings import MeetingService
from wfm_bridge.core.schedules import ScheduleService
from wfm_bridge.core.slots import SlotFinder, WorkingHours
from wfm_bridge.host.export_wiring import build_export_scores
from wfm_bridge.host.plugins import build_plugin_manager, collect_adapters
from wfm_bridge.host.settings import Settings
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import MissingKeyError
from wfm_bridge.ports.registry import (
    AdapterContext,
    AdapterRegistry,
    CallBudget,
    PortKind,
    ProviderContext,
)
from wfm_bridge.ports.vault import KeyVault


def _context(settings: Settings) -> AdapterContext:
    return AdapterContext(
        data_dir=settings.data_dir, tenant=settings.tenant, options=settings.provider_options
    )


def build_adapter(registry: AdapterRegistry, kind: PortKind, name: str, settings: Settings) -> Any:
    """Build the adapter registered as ``name`` for ``kind`` (clock-taking ones get a clock)."""
    return registry.build(kind, name, _context(settings))


def build_provider(
    registry: AdapterRegistry,
    settings: Settings,
    vault: Callable[[], KeyVault],
    clock: Clock,
    budget: CallBudget,
) -> Any:
    """Build the configured WFM provider with the tenant's key (the vault is opened only
    for providers that need a key)."""
    spec = registry.get(PortKind.PROVIDER, settings.provider)
    api_key = vault().get(settings.tenant, settings.provider) if spec.requires_key else None
    if spec.requires_key and api_key is None:
        raise MissingKeyError(
            f"no {settings.provider} API key is stored for tenant {settings.tenant!r}; "
            f"run `wfm auth set-key --tenant {settings.tenant} --provider {settings.provider}`"
        )
    return build_provider_with_key(registry, settings, clock, api_key, budget)


def build_provider_with_key(
    registry: AdapterRegistry,
    settings: Settings,
    clock: Clock,
    api_key: SecretStr | None,
    budget: CallBudget = CallBudget.INTERACTIVE,
) -> Any:
    """Build the configured provider with ``api_key`` as given (e.g. a candidate key that
    ``wfm auth set-key`` validates before storing); the key is registered for log redaction."""
    from wfm_bridge.host.logging_setup import register_secret

    register_secret(api_key)
    ctx = ProviderContext(
        data_dir=settings.data_dir,
        tenant=settings.tenant,
        api_key=api_key,
        clock=clock,
        budget=budget,
        options=settings.provider_options,
    )
    return registry.build(PortKind.PROVIDER, settings.provider, ctx)


class Container(containers.DeclarativeContainer):
    """Ports and use cases for one tenant and one provider."""

    settings = providers.Dependency(instance_of=Settings)

    plugin_manager: providers.Provider[pluggy.PluginManager] = providers.Singleton(
        build_plugin_manager, blocked=settings.provided.blocked_plugins
    )
    registry = providers.Singleton(collect_adapters, plugin_manager)

    clock = providers.Singleton(
        build_adapter, registry, PortKind.CLOCK, settings.provided.clock, settings
    )
    cache = providers.Singleton(
        build_adapter, registry, PortKind.CACHE, settings.provided.cache, settings
    )
    state = providers.Singleton(
        build_adapter, registry, PortKind.STATE, settings.provided.state, settings
    )
    vault = providers.Singleton(
        build_adapter, registry, PortKind.KEY_VAULT, settings.provided.vault, settings
    )
    directory = providers.Singleton(
        build_adapter, registry, PortKind.DIRECTORY, settings.provided.directory, settings
    )
    scores = providers.Singleton(
        build_adapter, registry, PortKind.SCORES, settings.provided.scores, settings
    )
    provider = providers.Singleton(
        build_provider, registry, settings, vault.provider, clock, CallBudget.INTERACTIVE
    )
    mapper = providers.Factory(
        EmployeeMapper, provider, directory, cache, clock, settings.provided.tenant
    )
    activity_types = providers.Factory(
        ActivityTypeCatalog, provider, cache, clock, settings.provided.tenant
    )
    meeting_ledger = providers.Singleton(MeetingLedger, state, settings.provided.tenant)
    schedules = providers.Factory(
        ScheduleService,
        provider,
        mapper,
        activity_types,
        created_here=meeting_ledger.provided.booked_activity_ids,
    )
    work_hours = providers.Callable(WorkingHours.parse, settings.provided.work_hours)
    meetings = providers.Factory(
        MeetingService,
        provider,
        mapper,
        activity_types,
        meeting_ledger,
        clock,
        host_name=settings.provided.host_name,
        max_length=work_hours.provided.length,
    )
    slots = providers.Factory(
        SlotFinder,
        provider,
        mapper,
        activity_types,
        clock,
        hours=work_hours,
        step=providers.Callable(timedelta, minutes=settings.provided.slot_step_minutes),
        available=settings.provided.available_activity_types,
    )
    background_provider = providers.Singleton(
        build_provider, registry, settings, vault.provider, clock, CallBudget.BACKGROUND
    )
    export_scores = providers.Factory(
        build_export_scores, scores, background_provider, directory, cache, clock, state, settings
    )


def build_container(settings: Settings) -> Container:
    """A fresh container for ``settings``; adapters are built lazily on first use."""
    container = Container(settings=settings)
    return container
