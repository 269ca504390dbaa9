"""PeopleIndex: provider people indexed by agent id, email and name, and each rule's verdict.

A rule *matches* when its key identifies exactly one active agent. People without an agent
id are not agents and inactive people are never candidates, but both are remembered so the
verdict can say why nothing matched (inactive, not an agent, ambiguous, not found).
Building the index and judging one employee are linear: dict look-ups, no pairwise scans.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from wfm_bridge.core.day_grid import own_zone
from wfm_bridge.ports.models import Employee, EmployeeMapping, MappingRule, ProviderPerson

RULE_ORDER = (MappingRule.AGENT_ID, MappingRule.EMAIL, MappingRule.NAME)
RULE_LABELS = {
    MappingRule.AGENT_ID: "agent id",
    MappingRule.EMAIL: "email",
    MappingRule.NAME: "name",
}


class Outcome(StrEnum):
    """How one rule went for one employee (best-to-worst order of the failures matters)."""

    MATCHED = "matched"
    INACTIVE = "inactive"
    AMBIGUOUS = "ambiguous"
    NOT_AGENT = "not_agent"
    NOT_FOUND = "not_found"
    NO_KEY = "no_key"


# Which failure explains an unmapped employee best, most actionable first.
FAILURE_PRIORITY = (Outcome.INACTIVE, Outcome.AMBIGUOUS, Outcome.NOT_AGENT, Outcome.NOT_FOUND)


@dataclass(frozen=True)
class Verdict:
    """One rule's outcome for one employee."""

    rule: MappingRule
    outcome: Outcome
    key: str = ""  # the employee's value for this rule, as given (trimmed)
    found: tuple[ProviderPerson, ...] = ()  # the people sharing the key (for messages)

    @property
    def person(self) -> ProviderPerson | None:
        """The one active agent this rule identifies, if it matched."""
        if self.outcome is not Outcome.MATCHED:
            return None
        return next(p for p in self.found if p.agent_id and p.active)


def normalise_email(email: str | None) -> str:
    """Email key: trimmed and case-folded ('' when absent)."""
    return (email or "").strip().casefold()


def normalise_name(name: str | None) -> str:
    """Name key: inner whitespace collapsed, trimmed and case-folded ('' when absent)."""
    return " ".join((name or "").split()).casefold()


def normalise_agent_id(agent_id: str | None) -> str:
    """Agent id key: trimmed, otherwise exact ('' when absent)."""
    return (agent_id or "").strip()


def mapping_zone(mapping: EmployeeMapping, fallback: str) -> str:
    """An employee's own zone: the provider person's, else the host employee's, else
    ``fallback``."""
    person = mapping.person.timezone if mapping.person else None
    return own_zone((person, mapping.employee.timezone), fallback)


def describe(person: ProviderPerson) -> str:
    """A person for messages: name and email, or the person id."""
    who = person.name or f"person {person.person_id}"
    return f"{who} <{person.email}>" if person.email else who


class PeopleIndex:
    """Provider people indexed for the three mapping rules."""

    def __init__(self, people: Iterable[ProviderPerson]) -> None:
        self._by: dict[MappingRule, dict[str, list[ProviderPerson]]] = {
            rule: {} for rule in RULE_ORDER
        }
        for person in people:
            for rule, key in (
                (MappingRule.AGENT_ID, normalise_agent_id(person.agent_id)),
                (MappingRule.EMAIL, normalise_email(person.email)),
                (MappingRule.NAME, normalise_name(person.name)),
            ):
                if key:
                    self._by[rule].setdefault(key, []).append(person)
        self._emails: list[str] | None = None

    def judge(self, employee: Employee, rule: MappingRule) -> Verdict:
        """The verdict of one rule for one employee."""
        raw = {
            MappingRule.AGENT_ID: employee.agent_id,
            MappingRule.EMAIL: employee.email,
            MappingRule.NAME: employee.name,
        }[rule]
        key = {
            MappingRule.AGENT_ID: normalise_agent_id,
            MappingRule.EMAIL: normalise_email,
            MappingRule.NAME: normalise_name,
        }[rule](raw)
        shown = " ".join((raw or "").split())
        if not key:
            return Verdict(rule, Outcome.NO_KEY)
        found = tuple(self._by[rule].get(key, ()))
        agents = [p for p in found if p.agent_id]
        active = [p for p in agents if p.active]
        if len(active) == 1:
            outcome = Outcome.MATCHED
        elif len(active) > 1:
            outcome = Outcome.AMBIGUOUS
        elif agents:
            outcome = Outcome.INACTIVE
        elif found:
            outcome = Outcome.NOT_AGENT
        else:
            outcome = Outcome.NOT_FOUND
        return Verdict(rule, outcome, shown, found)

    def first_match(self, employee: Employee) -> tuple[Verdict | None, list[Verdict]]:
        """The first matching rule's verdict (agent id, email, name), and every verdict tried."""
        tried: list[Verdict] = []
        for rule in RULE_ORDER:
            verdict = self.judge(employee, rule)
            tried.append(verdict)
            if verdict.outcome is Outcome.MATCHED:
                return verdict, tried
        return None, tried

    def closest_email(self, email: str | None) -> str | None:
        """The provider agent email most similar to ``email`` (for 'email differs' hints)."""
        key = normalise_email(email)
        if not key:
            return None
        if self._emails is None:
            self._emails = sorted(
                k
                for k, people in self._by[MappingRule.EMAIL].items()
                if any(p.agent_id for p in people)
            )
        close = difflib.get_close_matches(key, self._emails, n=1, cutoff=0.6)
        return close[0] if close else None
