"""The host's side of the export chaos: scores recorded and re-scored, every version remembered,
and an oracle for which agent each host employee must map to.

Scores go into the demo score file (the ``demo`` ScoreSource the `wfm` processes read), through
the same adapter, while exports run. Each version of an evaluation gets a score value no
earlier version of it had, so a row in the emulator names the version it carries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from wfm_bridge.plugins.memory_fake.demo import demo_employees
from wfm_bridge.plugins.memory_fake.scores import DemoScoreSource, demo_scores_path
from wfm_bridge.ports.models import QaScore

SCORECARDS = ("Chat QA", "Voice QA", "Email QA")
TENANT = "default"


def expected_agents(people: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Host email -> provider agent id, by agent id, then email (trimmed, any case), then a
    unique name, among active agents: written independently of the product's mapper."""
    active = [
        p
        for p in people.values()
        if p.get("agent_id") and not p.get("deleted") and p.get("staffable")
    ]

    def norm(text: str | None) -> str:
        return " ".join((text or "").split()).casefold()

    found: dict[str, str] = {}
    for e in demo_employees():
        by_id = [p for p in active if e.agent_id and p["agent_id"] == e.agent_id]
        by_email = [p for p in active if e.email and norm(p.get("email")) == norm(e.email)]
        by_name = [p for p in active if norm(f"{p['first_name']} {p['last_name']}") == norm(e.name)]
        for matches in (by_id, by_email, by_name):
            if len(matches) == 1:
                found[e.email or ""] = matches[0]["agent_id"]
                break
            if matches:
                break  # ambiguous: never mapped
    return found


@dataclass
class Version:
    """One recorded version of an evaluation (``updated_at`` None: recorded by a `wfm`
    process, whose stamp the harness does not see)."""

    score: float
    updated_at: datetime | None


@dataclass
class HostScores:
    """Records evaluations and re-scorings for one data directory."""

    home: Path
    rng: random.Random
    prefix: str
    versions: dict[str, list[Version]] = field(default_factory=dict)
    agent: dict[str, str] = field(default_factory=dict)
    recorded: int = 0
    _last: datetime = datetime(2000, 1, 1, tzinfo=UTC)

    def __post_init__(self) -> None:
        self.source = DemoScoreSource(demo_scores_path(self.home, TENANT))
        self.emails = sorted(e.email for e in demo_employees() if e.email)
        self._evaluated = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)

    def record(self, new: int, rescore: int) -> int:
        """Record ``new`` evaluations and ``rescore`` re-scorings of existing ones, at once."""
        scores = [self._new() for _ in range(new)]
        existing = list(self.versions)
        picked = {self.rng.choice(existing) for _ in range(rescore)} if existing else set()
        scores += [self._version(eid) for eid in sorted(picked)]
        if scores:
            self.source.record_many(scores)
        self.recorded += len(scores)
        return len(scores)

    def fresh_score(self, evaluation_id: str) -> float:
        """A score value no version of this evaluation had (remembered, stamp unknown)."""
        value = self._fresh_value(evaluation_id)
        self.versions[evaluation_id].append(Version(value, None))
        self.recorded += 1
        return value

    def pick_existing(self) -> str | None:
        """A random recorded evaluation id."""
        return self.rng.choice(sorted(self.versions)) if self.versions else None

    def latest(self) -> dict[str, QaScore]:
        """The latest version of every evaluation, as the score file holds it."""
        return {s.evaluation_id: s for s in DemoScoreSource(self.source.path)}

    def _new(self) -> QaScore:
        eid = f"{self.prefix}-{len(self.agent):06d}"
        self.agent[eid] = self.rng.choice(self.emails)
        return self._version(eid)

    def _version(self, eid: str) -> QaScore:
        now = datetime.now(UTC)
        self._last = now if now > self._last else self._last + timedelta(microseconds=1)
        value = self._fresh_value(eid)
        self.versions[eid].append(Version(value, self._last))
        return QaScore(
            evaluation_id=eid,
            agent_email=self.agent[eid],
            score=value,
            max_score=100.0,
            scorecard=self.rng.choice(SCORECARDS),
            evaluated_at=self._evaluated,
            updated_at=self._last,
        )

    def _fresh_value(self, eid: str) -> float:
        used = {v.score for v in self.versions.setdefault(eid, [])}
        while True:
            value = round(self.rng.uniform(0, 100), 1)
            if value not in used:
                return value
