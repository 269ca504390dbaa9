"""Test data for the provider conformance suite: people, types, activities, scores."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from wfm_bridge.ports.models import Activity, ActivityType, ProviderPerson, ScorePush

T0 = datetime(2024, 6, 10, 0, 0, tzinfo=UTC)  # a Monday
_ids = itertools.count(1)

SHIFT = ActivityType(id="t-shift", name="Shift", short_name="SHF", color="#2e7d32")
BREAK = ActivityType(id="t-break", name="Break", color="#f9a825")
TRAINING = ActivityType(id="t-training", name="Training", color="#4a90d9", font_color="#ffffff")
TYPES = (SHIFT, BREAK, TRAINING)


def person(n: int, *, active: bool = True, agent: bool = True) -> ProviderPerson:
    """Person number ``n``: person id and agent id differ, as in Assembled."""
    return ProviderPerson(
        person_id=f"person-{n:05d}",
        agent_id=f"agent-{n:05d}" if agent else None,
        first_name=f"First{n}",
        last_name=f"Last{n}",
        email=f"agent{n}@example.com",
        active=active,
        timezone="America/Chicago",
    )


def agent_id(n: int) -> str:
    """The agent id of person ``n``."""
    return f"agent-{n:05d}"


def activity(
    agent: str,
    start: datetime,
    end: datetime,
    type_id: str = SHIFT.id,
    description: str = "",
) -> Activity:
    """A seeded activity with a fresh id."""
    return Activity(
        id=f"seed-{next(_ids):07d}",
        agent_id=agent,
        type_id=type_id,
        start=start,
        end=end,
        description=description,
    )


def at(day: int, hour: float) -> datetime:
    """``T0`` plus ``day`` days and ``hour`` hours (UTC)."""
    return T0 + timedelta(days=day, hours=hour)


def minute(m: int) -> datetime:
    """``T0`` plus ``m`` minutes (UTC)."""
    return T0 + timedelta(minutes=m)


def score(evaluation: str, agent: str, value: float, updated_minute: int = 0) -> ScorePush:
    """A score push for ``evaluation``."""
    return ScorePush(
        evaluation_id=evaluation,
        agent_id=agent,
        score=value,
        max_score=100,
        scorecard="Calls",
        evaluated_at=T0,
        updated_at=T0 + timedelta(minutes=updated_minute),
    )


ActivityKey = tuple[str, str, str, datetime, datetime, str]


def key(a: Activity) -> ActivityKey:
    """An activity as a comparable tuple (times compare as instants)."""
    return (a.id, a.agent_id, a.type_id, a.start, a.end, a.description)
