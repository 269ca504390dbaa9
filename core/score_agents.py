"""Which provider agent a host score belongs to, and the score as the provider receives it."""

from __future__ import annotations

from typing import Protocol

from wfm_bridge.ports.errors import InvalidInputError, NotFoundError
from wfm_bridge.ports.models import EmployeeMapping, MappingStatus, QaScore, ScorePush


class AgentLookup(Protocol):
    """What the export needs from employee mapping (``core.mapping.EmployeeMapper`` fits)."""

    def map_email(self, email: str) -> EmployeeMapping:
        """The mapping of the host employee with this email."""
        ...


class ScoreAgents:
    """Resolves score agents by email, memoised for one export pass (agents are few)."""

    def __init__(self, lookup: AgentLookup) -> None:
        self._lookup = lookup
        self._known: dict[str, tuple[str | None, str]] = {}

    def resolve(self, email: str) -> tuple[str | None, str]:
        """(provider agent id, "") when mapped, else (None, the reason)."""
        known = self._known.get(email)
        if known is None:
            try:
                known = _agent_of(self._lookup.map_email(email))
            except (InvalidInputError, NotFoundError) as exc:
                known = (None, str(exc))
            self._known[email] = known
        return known


def to_push(score: QaScore, agent_id: str) -> ScorePush:
    """``score`` as sent to the provider for ``agent_id``."""
    return ScorePush(
        evaluation_id=score.evaluation_id,
        agent_id=agent_id,
        score=score.score,
        max_score=score.max_score,
        scorecard=score.scorecard,
        evaluated_at=score.evaluated_at,
        updated_at=score.updated_at,
    )


def _agent_of(mapping: EmployeeMapping) -> tuple[str | None, str]:
    if mapping.status is MappingStatus.MAPPED and mapping.person is not None:
        if mapping.person.agent_id:
            return mapping.person.agent_id, ""
        return None, f"{mapping.person.name or mapping.person.person_id} is not an agent"
    return None, mapping.reason or "not mapped to a provider person"
