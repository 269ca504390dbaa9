"""One tenant's export wired through the real use case over in-memory fakes.

Built by a factory (not fixtures) so every hypothesis example gets a fresh world. Agents
``a0..`` exist in the provider (mappable); ``u0..`` are host employees the provider does not
know until ``hire`` adds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from wfm_bridge.core.export import ExportPolicy, ExportScores, StepHook
from wfm_bridge.core.mapping import EmployeeMapper
from wfm_bridge.plugins.memory_fake.cache import InMemoryCache
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.directory import InMemoryEmployeeDirectory
from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
from wfm_bridge.plugins.memory_fake.score_sink import ScoreSink
from wfm_bridge.plugins.memory_fake.scores import InMemoryScoreSource
from wfm_bridge.plugins.memory_fake.state import InMemoryStateStore
from wfm_bridge.ports.models import Employee, ProviderPerson, QaScore, ScorePush

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
TENANT = "acme"
MAPPED = tuple(f"a{i}@example.com" for i in range(4))
UNMAPPED = tuple(f"u{i}@example.com" for i in range(3))


def person(email: str) -> ProviderPerson:
    """The provider person (an active agent) for a test email."""
    name = email.split("@")[0]
    return ProviderPerson(person_id=f"p-{name}", agent_id=f"agent-{name}", email=email)


def agent_id(email: str) -> str:
    """The provider agent id ``person(email)`` has."""
    return f"agent-{email.split('@')[0]}"


@dataclass
class ExportWorld:
    """Fakes of one tenant plus helpers to record scores and run exports."""

    clock: InMemoryClock = field(default_factory=lambda: InMemoryClock(T0))
    state: InMemoryStateStore = field(default_factory=InMemoryStateStore)
    source: InMemoryScoreSource = field(default_factory=InMemoryScoreSource)
    sink: ScoreSink = field(default_factory=lambda: ScoreSink(person(e) for e in MAPPED))
    tenant: str = TENANT
    hired: set[str] = field(default_factory=lambda: set(MAPPED))
    _n: int = 0

    def __post_init__(self) -> None:
        self.provider = InMemoryProvider(self.sink)
        directory = InMemoryEmployeeDirectory(
            Employee(host_id=e, email=e) for e in MAPPED + UNMAPPED
        )
        self.mapper = EmployeeMapper(
            self.provider, directory, InMemoryCache(self.clock), self.clock, self.tenant
        )

    def export(self, on_step: StepHook | None = None, **policy: Any) -> ExportScores:
        """The export use case over this world (policy fields as keywords)."""
        return ExportScores(
            self.source,
            self.provider,
            self.mapper,
            self.state,
            self.clock,
            self.tenant,
            ExportPolicy(**policy),
            on_step,
        )

    def record(self, email: str, score: float = 80.0, evaluation_id: str | None = None) -> QaScore:
        """Record a new score (or re-score ``evaluation_id``; an empty ``email`` keeps the
        agent) one second after the last."""
        self.clock.advance(timedelta(seconds=1))
        if evaluation_id is None:
            self._n += 1
            evaluation_id = f"ev-{self._n:05d}"
        old = self.source.get(evaluation_id)
        qa = QaScore(
            evaluation_id=evaluation_id,
            agent_email=email or (old.agent_email if old else ""),
            score=score,
            max_score=100.0,
            scorecard="default",
            evaluated_at=old.evaluated_at if old else self.clock.now(),
            updated_at=self.clock.now(),
        )
        self.source.record(qa)
        return qa

    def hire(self, email: str) -> None:
        """Make ``email`` a provider agent and refresh the mapping (so it maps now)."""
        self.sink.people[f"p-{email.split('@')[0]}"] = person(email)
        self.hired.add(email)
        self.mapper.refresh()

    def expected_in_sink(self) -> dict[str, ScorePush]:
        """The latest version of every recorded score whose agent is hired."""
        return {
            s.evaluation_id: ScorePush(
                agent_id=agent_id(s.agent_email),
                **s.model_dump(exclude={"agent_email"}),
            )
            for s in self.source
            if s.agent_email in self.hired
        }
