"""EmployeeMapper: links host employees to provider people.

Rules in order: agent id, then email (trimmed, case-insensitive), then name (whitespace and
case normalised). A rule matches when it identifies exactly one active agent; the first
matching rule wins. Inactive people and people without an agent id never map; a key shared by
several active agents is ambiguous. Provider people are cached per *scope* for ``ttl``
(namespace ``<scope>:mapping``), judged by the Clock; ``refresh`` forces a re-fetch. The
composition root makes the scope from tenant, provider and account (base URL and key
fingerprint), so a tenant pointed at another account never sees the old account's people.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from wfm_bridge.core.people_index import (
    FAILURE_PRIORITY,
    RULE_LABELS,
    RULE_ORDER,
    Outcome,
    PeopleIndex,
    Verdict,
    describe,
)
from wfm_bridge.core.snapshot import CachedSnapshot, Snapshot
from wfm_bridge.ports.cache import Cache
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.directory import EmployeeDirectory
from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.models import (
    Employee,
    EmployeeMapping,
    MappingExplanation,
    MappingRule,
    MappingStatus,
    ProviderPerson,
    RuleCheck,
)
from wfm_bridge.ports.schedule_source import ScheduleSource


def mapping_namespace(scope: str) -> str:
    """The cache namespace holding the provider people of ``scope``."""
    return f"{scope}:mapping"


class EmployeeMapper:
    """Maps one tenant's directory employees to its provider's people."""

    def __init__(
        self,
        provider: ScheduleSource,
        directory: EmployeeDirectory,
        cache: Cache,
        clock: Clock,
        scope: str,
        ttl: timedelta = timedelta(hours=24),
    ) -> None:
        self._provider = provider
        self._directory = directory
        self._people = CachedSnapshot(
            cache, clock, mapping_namespace(scope), ProviderPerson, provider.list_people, ttl
        )
        self._indexed: tuple[Snapshot[ProviderPerson], PeopleIndex] | None = None

    def map_all(self) -> list[EmployeeMapping]:
        """The mapping of every directory employee, in directory order."""
        index = self._index()
        return [self._map(index, e) for e in self._directory.list_employees()]

    def map_employee(self, employee: Employee) -> EmployeeMapping:
        """The mapping of one employee."""
        return self._map(self._index(), employee)

    def map_email(self, email: str) -> EmployeeMapping:
        """The mapping of the directory employee with this email (or of the bare email)."""
        return self.map_employee(self.employee_for(email))

    def person_for(self, email: str) -> ProviderPerson | None:
        """The provider person the employee with this email is: the mapped agent, else the
        one active person without a schedule a rule identifies (a supervisor, as a 1:1's
        facilitator), else None."""
        matched, tried = self._index().first_match(self.employee_for(email))
        if matched is not None:
            return matched.person
        for verdict in tried:
            active = [p for p in verdict.found if p.active]
            if verdict.outcome is Outcome.NOT_AGENT and len(active) == 1:
                return active[0]
        return None

    def employee_for(self, email: str) -> Employee:
        """The directory employee with this email, or an employee known only by it."""
        clean = email.strip() if isinstance(email, str) else ""
        if not clean:
            raise InvalidInputError("give an employee email, e.g. ana@example.com")
        found = self._directory.find_by_email(clean)
        return found if found is not None else Employee(host_id=clean, email=clean)

    def explain(self, email: str) -> MappingExplanation:
        """Each rule's verdict for this employee, the outcome, and the cache's age."""
        employee = self.employee_for(email)
        snapshot, index = self._snapshot_index()
        outcome = self._map(index, employee)
        checks = [self._check(index, employee, rule, outcome) for rule in RULE_ORDER]
        return MappingExplanation(
            employee=employee,
            outcome=outcome,
            checks=checks,
            cache_refreshed_at=snapshot.fetched_at,
        )

    def refresh(self) -> datetime:
        """Re-fetch the provider's people now; returns the new fetch time."""
        snapshot = self._people.refresh()
        self._indexed = (snapshot, PeopleIndex(snapshot.items))
        return snapshot.fetched_at

    def refreshed_at(self) -> datetime | None:
        """When provider people were last fetched into the cache, None if never."""
        return self._people.refreshed_at()

    # --- internals -------------------------------------------------------------------

    def _index(self) -> PeopleIndex:
        return self._snapshot_index()[1]

    def _snapshot_index(self) -> tuple[Snapshot[ProviderPerson], PeopleIndex]:
        snapshot = self._people.get()
        if self._indexed is None or self._indexed[0] is not snapshot:
            self._indexed = (snapshot, PeopleIndex(snapshot.items))
        return self._indexed

    def _map(self, index: PeopleIndex, employee: Employee) -> EmployeeMapping:
        matched, tried = index.first_match(employee)
        if matched is not None:
            return EmployeeMapping(
                employee=employee,
                status=MappingStatus.MAPPED,
                rule=matched.rule,
                person=matched.person,
            )
        return EmployeeMapping(
            employee=employee, status=MappingStatus.UNMAPPED, reason=self._reason(tried)
        )

    def _reason(self, tried: list[Verdict]) -> str:
        provider = self._provider.name
        for outcome in FAILURE_PRIORITY:
            verdict = next((v for v in tried if v.outcome is outcome), None)
            if verdict is None:
                continue
            label = RULE_LABELS[verdict.rule]
            if outcome is Outcome.INACTIVE:
                return (
                    f"inactive in {provider}: {describe(verdict.found[0])} matches by {label} "
                    f"but is not active; reactivate them in {provider}, then run "
                    "`wfm mapping refresh`"
                )
            if outcome is Outcome.AMBIGUOUS:
                return (
                    f"ambiguous {label} {verdict.key!r}: it matches "
                    f"{_active_count(verdict)} active {provider} agents; give the employee "
                    "an email or agent id that matches exactly one"
                )
            if outcome is Outcome.NOT_AGENT:
                return (
                    f"{describe(verdict.found[0])} matches by {label} but is not an agent in "
                    f"{provider} (no agent id); make them an agent in {provider}"
                )
        return (
            f"no {provider} agent matches this employee's agent id, email or name; check the "
            f"email in {provider} (`wfm mapping explain EMAIL`) or, if they were just added, "
            "run `wfm mapping refresh`"
        )

    def _check(
        self, index: PeopleIndex, employee: Employee, rule: MappingRule, outcome: EmployeeMapping
    ) -> RuleCheck:
        verdict = index.judge(employee, rule)
        detail = _detail(verdict, self._provider.name, index)
        matched = verdict.outcome is Outcome.MATCHED
        if matched and outcome.rule is not None and outcome.rule is not verdict.rule:
            detail += f" (not used: the {RULE_LABELS[outcome.rule]} rule matched first)"
        return RuleCheck(rule=verdict.rule, matched=matched, detail=detail)


def _active_count(verdict: Verdict) -> int:
    return sum(1 for p in verdict.found if p.agent_id and p.active)


def _detail(verdict: Verdict, provider: str, index: PeopleIndex) -> str:
    """One rule's verdict in words, for ``explain``."""
    label = RULE_LABELS[verdict.rule]
    if verdict.outcome is Outcome.NO_KEY:
        return f"the employee has no {label}"
    key = verdict.key
    if verdict.outcome is Outcome.MATCHED:
        person = verdict.person
        assert person is not None  # a matched verdict always has its person
        return f"{label} {key!r} matches {describe(person)} (agent {person.agent_id})"
    if verdict.outcome is Outcome.AMBIGUOUS:
        names = ", ".join(describe(p) for p in verdict.found if p.agent_id and p.active)
        return f"{label} {key!r} is ambiguous: {_active_count(verdict)} active agents ({names})"
    if verdict.outcome is Outcome.INACTIVE:
        return f"{label} {key!r} belongs to {describe(verdict.found[0])}, inactive in {provider}"
    if verdict.outcome is Outcome.NOT_AGENT:
        return (
            f"{label} {key!r} belongs to {describe(verdict.found[0])}, who is not an agent "
            f"in {provider} (no agent id)"
        )
    if verdict.rule is MappingRule.EMAIL:
        closest = index.closest_email(key)
        hint = f"; closest {provider} email: {closest}" if closest else ""
        return f"email {key!r} differs from every {provider} agent's email{hint}"
    return f"no {provider} agent has {label} {key!r}"
