"""Composition of the score export: the use case per tenant, and the worker over tenants.

The container exposes ``export_scores`` (a factory: call it with ``policy=`` / ``on_step=``);
this module holds the builders it uses and the per-tenant plumbing of ``wfm export worker``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from wfm_bridge.ports.registry import PortKind

if TYPE_CHECKING:
    from wfm_bridge.core.export import ExportPolicy, ExportScores, StepHook
    from wfm_bridge.core.export_report import ExportReport
    from wfm_bridge.host.container import Container
    from wfm_bridge.host.settings import Settings


def build_export_scores(
    scores: Any,
    provider: Any,
    directory: Any,
    cache: Any,
    clock: Any,
    state: Any,
    settings: Settings,
    policy: ExportPolicy | None = None,
    on_step: StepHook | None = None,
) -> ExportScores:
    """The export use case of ``settings.tenant``, mapping agents with the job's provider."""
    from wfm_bridge.core.export import ExportScores
    from wfm_bridge.core.mapping import EmployeeMapper

    mapper = EmployeeMapper(provider, directory, cache, clock, settings.tenant)
    return ExportScores(
        scores, provider, mapper, state, clock, settings.tenant, policy, on_step
    )


def export_tenants(container: Container) -> list[str]:
    """Tenants to export: those with a stored key when the provider needs one, else the
    current tenant."""
    settings = container.settings()
    spec = container.registry().get(PortKind.PROVIDER, settings.provider)
    if not spec.requires_key:
        return [settings.tenant]
    infos = container.vault().list()
    return sorted({i.tenant for i in infos if i.provider == settings.provider})


class TenantExports:
    """Runs one tenant's export through its own container (built once, then reused)."""

    def __init__(self, base: Settings, policy: ExportPolicy) -> None:
        self._base = base
        self._policy = policy
        self._containers: dict[str, Container] = {}

    def __call__(self, tenant: str, should_stop: Callable[[], bool]) -> ExportReport:
        """Export ``tenant`` once, stopping between pages when ``should_stop()``."""
        container = self._containers.get(tenant)
        if container is None:
            from wfm_bridge.host.container import build_container

            container = build_container(self._base.model_copy(update={"tenant": tenant}))
            self._containers[tenant] = container
        use_case = container.export_scores(policy=self._policy)
        return use_case.run(should_stop=should_stop)
