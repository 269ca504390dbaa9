"""``Tenant``: one tenant's use cases over the bridge's shared adapters.

Handed out by ``Bridge.tenant(name)``, one object per tenant and provider. Each use case is
built once, on first use, under the bridge's lock, so every thread shares one provider and
one cache fill per tenant. A use case needing a capability the provider did not declare at
registration (``one_to_ones``, ``scores``) is refused before anything is built. The cache
scope names tenant, provider and account (base URL and key fingerprint): a tenant pointed at
another account never sees the old account's data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import SecretStr

from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.provider import Capability
from wfm_bridge.ports.registry import CallBudget, PortKind
from wfm_bridge.ports.vault import credentials_fingerprint

if TYPE_CHECKING:
    from wfm_bridge.core.activity_types import ActivityTypeCatalog
    from wfm_bridge.core.export import ExportPolicy, ExportScores, StepHook
    from wfm_bridge.core.export_status import ExportStatus
    from wfm_bridge.core.ledger import MeetingLedger
    from wfm_bridge.core.mapping import EmployeeMapper
    from wfm_bridge.core.meetings import MeetingService
    from wfm_bridge.core.schedules import ScheduleService
    from wfm_bridge.core.slots import SlotFinder
    from wfm_bridge.core.teams import TeamMembers
    from wfm_bridge.host.bridge import Bridge
    from wfm_bridge.host.settings import Settings

T = TypeVar("T")


def account_label(base_url: str | None, credentials: Mapping[str, SecretStr]) -> str:
    """A short stable name for the provider account a tenant points at, from the base URL
    and a fingerprint over every credential field (never a value). Every field counts, not
    only the secret ones: another client id or region is another account's data."""
    fingerprint = credentials_fingerprint(credentials) if credentials else "no-key"
    raw = f"{base_url or 'default'}|{fingerprint}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


class Tenant:
    """The use cases of one tenant and provider (``bridge.tenant("acme")``)."""

    def __init__(self, bridge: Bridge, settings: Settings) -> None:
        self.bridge = bridge
        self.settings = settings
        self._built: dict[str, Any] = {}

    @property
    def name(self) -> str:
        """The tenant's name."""
        return self.settings.tenant

    def __repr__(self) -> str:
        return f"Tenant({self.settings.tenant!r}, provider={self.settings.provider!r})"

    def _once(self, name: str, build: Callable[[], T]) -> T:
        found = self._built.get(name)
        if found is None:
            with self.bridge._lock:
                found = self._built.get(name)
                if found is None:
                    found = self._built[name] = build()
        return found

    # --- the provider -------------------------------------------------------------------

    def supports(self, capability: Capability) -> bool:
        """Whether the tenant's provider declared ``capability`` (nothing is built)."""
        spec = self.bridge.registry.get(PortKind.PROVIDER, self.settings.provider)
        return capability in spec.capabilities

    def require(self, capability: Capability) -> None:
        """``InvalidInputError`` (exit 2) unless the provider declared ``capability``."""
        if not self.supports(capability):
            provider = self.settings.provider
            raise InvalidInputError(
                f"{provider} does not support {capability.what}; choose a provider that "
                "does with --provider"
            )

    def _provider(self, budget: CallBudget) -> Any:
        credentials = self.bridge.stored_credentials(self.settings.tenant, self.settings.provider)
        return self.bridge.provider_for(self.settings, credentials, budget)

    @property
    def provider(self) -> Any:
        """The tenant's provider for people waiting (short retry budget)."""
        return self._once("provider", lambda: self._provider(CallBudget.INTERACTIVE))

    @property
    def background_provider(self) -> Any:
        """The tenant's provider for jobs (long retry budget)."""
        return self._once("background", lambda: self._provider(CallBudget.BACKGROUND))

    @property
    def cache_scope(self) -> str:
        """``tenant:provider:account``: the namespace prefix of this tenant's cached data."""
        return self._once("scope", self._scope)

    def _scope(self) -> str:
        credentials = self.bridge.stored_credentials(self.settings.tenant, self.settings.provider)
        account = account_label(self.settings.provider_options.get("base_url"), credentials)
        return f"{self.settings.tenant}:{self.settings.provider}:{account}"

    @property
    def scores(self) -> Any:
        """This tenant's ScoreSource: the host's adapter, built for this tenant (the bridge's
        shared one is the configured tenant's)."""
        b = self.bridge
        if self.name == b.settings.tenant:
            return b.scores
        return self._once("scores", self._build_scores)

    def _build_scores(self) -> Any:
        from wfm_bridge.ports.registry import AdapterContext, PortKind

        b, s = self.bridge, self.settings
        context = AdapterContext(s.data_dir, s.tenant, s.adapter_options(), b.clock)
        source = b.registry.build(PortKind.SCORES, s.scores, context)
        b._built.append(source)  # closed with the bridge's shared adapters
        return source

    # --- use cases ----------------------------------------------------------------------

    @property
    def mapping(self) -> EmployeeMapper:
        """Host employees <-> provider people (cached 24 h, single-flight)."""
        return self._once("mapping", lambda: self._mapper(self.provider))

    def _mapper(self, provider: Any) -> EmployeeMapper:
        from wfm_bridge.core.mapping import EmployeeMapper

        b = self.bridge
        return EmployeeMapper(provider, b.directory, b.cache, b.clock, self.cache_scope)

    @property
    def activity_types(self) -> ActivityTypeCatalog:
        """The provider's activity types (cached 24 h)."""
        from wfm_bridge.core.activity_types import ActivityTypeCatalog

        b = self.bridge
        return self._once(
            "types",
            lambda: ActivityTypeCatalog(self.provider, b.cache, b.clock, self.cache_scope),
        )

    @property
    def ledger(self) -> MeetingLedger:
        """The tenant's meeting ledger (shared by every installation on the same state)."""
        from wfm_bridge.core.ledger import MeetingLedger

        return self._once("ledger", lambda: MeetingLedger(self.bridge.state, self.name))

    @property
    def schedules(self) -> ScheduleService:
        """Schedules on demand, 7-60 days."""
        from wfm_bridge.core.schedules import ScheduleService
        from wfm_bridge.core.slots import WorkingHours

        hours = WorkingHours.parse(self.settings.work_hours)
        return self._once(
            "schedules",
            lambda: ScheduleService(
                self.provider,
                self.mapping,
                self.activity_types,
                created_here=self.ledger.booked_activity_ids,
                classifier=self.classifier,  # the slot finder's and booking check's
                hours=(hours.start, hours.end),
            ),
        )

    @property
    def teams(self) -> TeamMembers:
        """The provider's teams and their employees (``NotSupportedError`` without teams)."""
        from wfm_bridge.core.teams import TeamMembers
        from wfm_bridge.ports.errors import NotSupportedError

        if not self.supports(Capability.TEAMS):
            raise NotSupportedError(
                f"{self.settings.provider} has no teams (it does not declare the 'teams' "
                "capability); pick the employees by email or display name instead"
            )
        return self._once("teams", lambda: TeamMembers(self.provider, self.mapping))

    def resolve_people(self, items: list[str]) -> list[str]:
        """Emails for ``items``: each display name (no ``@``) through the host directory,
        refused when unknown (with the closest names) or ambiguous (with the candidates)."""
        from wfm_bridge.core.employee_names import is_name, resolve_names

        if not any(is_name(item) for item in items):  # no directory read for emails alone
            return items
        return resolve_names(items, self.bridge.directory.list_employees())

    @property
    def meetings(self) -> MeetingService:
        """One-to-ones: book, cancel, list, reconcile."""
        from wfm_bridge.core.availability_check import AvailabilityCheck
        from wfm_bridge.core.meetings import MeetingService
        from wfm_bridge.core.slots import WorkingHours

        self.require(Capability.ONE_TO_ONES)
        hours = WorkingHours.parse(self.settings.work_hours)
        s = self.settings
        return self._once(
            "meetings",
            lambda: MeetingService(
                self.provider,
                self.mapping,
                self.ledger,
                self.bridge.clock,
                host_name=s.host_name,
                max_length=timedelta(minutes=s.max_meeting_minutes),
                check=AvailabilityCheck(
                    self.provider, self.activity_types, self.classifier, (hours.start, hours.end)
                ),
                zone_of=lambda email: self.slots.zone_of(email, s.timezone),
                agents=lambda: [
                    p.agent_id for p in self.provider.list_people() if p.agent_id and p.active
                ],
            ),
        )

    @property
    def classifier(self) -> Any:
        """Activity type -> availability, with this tenant's overrides (WFM_AVAILABILITY)."""
        from wfm_bridge.core.availability import Classifier, parse_overrides

        s = self.settings
        return self._once(
            "classifier",
            lambda: Classifier(parse_overrides(s.availability), s.available_activity_types),
        )

    @property
    def slots(self) -> SlotFinder:
        """Free start times for a one-to-one."""
        from wfm_bridge.core.slots import SlotFinder, WorkingHours

        self.require(Capability.ONE_TO_ONES)  # free slots are offered for booking a 1:1
        s = self.settings
        return self._once(
            "slots",
            lambda: SlotFinder(
                self.provider,
                self.mapping,
                self.activity_types,
                self.bridge.clock,
                hours=WorkingHours.parse(s.work_hours),
                step=timedelta(minutes=s.slot_step_minutes),
                classifier=self.classifier,
                max_length=timedelta(minutes=s.max_meeting_minutes),
            ),
        )

    def export(
        self, policy: ExportPolicy | None = None, on_step: StepHook | None = None
    ) -> ExportScores:
        """The QA score export of this tenant (a new use case per call: it holds options)."""
        from wfm_bridge.core.export import ExportScores

        self.require(Capability.SCORES)
        b = self.bridge
        provider = self.background_provider
        return ExportScores(
            self.scores,
            provider,
            self._mapper(provider),
            b.state,
            b.clock,
            self.name,
            policy,
            on_step,
        )

    def export_status(self) -> ExportStatus:
        """Where this tenant's export stands (reads only)."""
        from wfm_bridge.core.export_status import export_status

        return export_status(self.scores, self.bridge.state, self.name)

    def clear_caches(self) -> None:
        """Forget this tenant's cached people and activity types (for its current account)."""
        from wfm_bridge.core.activity_types import activity_types_namespace
        from wfm_bridge.core.mapping import mapping_namespace

        scope = self._scope()
        self.bridge.cache.clear(mapping_namespace(scope))
        self.bridge.cache.clear(activity_types_namespace(scope))
