"""FakeWfmBackend: the in-memory 'server side' of a WFM system, with its real semantics.

It reproduces Assembled's dangerous behaviour on purpose (see shared/assembled-api.md):
creating without ``allow_conflicts`` deletes every overlapping activity of the agent, and a
window delete removes and trims everything in the window. The provider adapter must avoid
them; tests that inspect the backend prove it does. Faults can be injected per operation.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from pydantic import AwareDatetime, Field, model_validator

from wfm_bridge.ports.errors import NotFoundError, OutcomeUnknownError, WfmError
from wfm_bridge.ports.models import Activity, ActivityType, Dto, ProviderPerson, ScorePush, Team

T = TypeVar("T")


class NewActivity(Dto):
    """An activity to create in the fake server (what a create request carries)."""

    agent_id: str = Field(min_length=1)
    type_id: str = Field(min_length=1)
    start: AwareDatetime
    end: AwareDatetime
    description: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> NewActivity:
        if self.end <= self.start:
            raise ValueError("activity end must be after its start")
        return self


@dataclass
class Fault:
    """An injected failure for the next call of one operation."""

    error: WfmError
    after_apply: bool = False  # apply the write, then fail (accepted-then-timeout)


class FakeWfmBackend:
    """State of one fake WFM tenant: people, teams, activity types, activities, received
    scores."""

    def __init__(
        self,
        people: Iterable[ProviderPerson] = (),
        activity_types: Iterable[ActivityType] = (),
        activities: Iterable[Activity] = (),
        accepted_keys: Iterable[str] | None = None,
        teams: Iterable[Team] = (),
    ) -> None:
        self.people: dict[str, ProviderPerson] = {p.person_id: p for p in people}
        self.teams: dict[str, Team] = {t.id: t for t in teams}
        self.activity_types: dict[str, ActivityType] = {t.id: t for t in activity_types}
        self.activities: dict[str, Activity] = {a.id: a for a in activities}
        self.scores: dict[str, ScorePush] = {}
        self.score_batches: list[list[str]] = []  # evaluation ids per acknowledged push
        self.accepted_keys = set(accepted_keys) if accepted_keys is not None else None
        self.calls: Counter[str] = Counter()
        self.deleted_ids: list[str] = []
        self._faults: dict[str, list[Fault]] = {}
        self._ids = itertools.count(1)
        self.lock = threading.RLock()

    # --- fault injection -------------------------------------------------------------

    def fail_next(self, operation: str, error: WfmError, *, after_apply: bool = False) -> None:
        """Make the next call of ``operation`` fail (after applying it, if ``after_apply``)."""
        self._faults.setdefault(operation, []).append(Fault(error, after_apply))

    def _fault(self, operation: str) -> Fault | None:
        self.calls[operation] += 1
        queue = self._faults.get(operation)
        return queue.pop(0) if queue else None

    def _run(self, operation: str, apply_fn: Callable[[], T]) -> T:
        with self.lock:
            fault = self._fault(operation)
            if fault is not None and not fault.after_apply:
                raise fault.error
            result = apply_fn()
            if fault is not None:
                raise fault.error
            return result

    # --- reads -----------------------------------------------------------------------

    def read_people(self) -> list[ProviderPerson]:
        """Every person."""
        return self._run("list_people", lambda: list(self.people.values()))

    def read_teams(self) -> list[Team]:
        """Every team."""
        return self._run("list_teams", lambda: list(self.teams.values()))

    def read_activity_types(self) -> list[ActivityType]:
        """Every activity type."""
        return self._run("list_activity_types", lambda: list(self.activity_types.values()))

    def read_activities(
        self, agent_ids: Sequence[str], start: datetime, end: datetime
    ) -> list[Activity]:
        """Activities of these agents overlapping [start, end), unclipped."""
        wanted = set(agent_ids)

        def apply() -> list[Activity]:
            return [
                a
                for a in self.activities.values()
                if a.agent_id in wanted and a.start < end and a.end > start
            ]

        return self._run("list_activities", apply)

    # --- writes (with the real, dangerous semantics) -----------------------------------

    def new_id(self, prefix: str = "act") -> str:
        """A fresh unique id."""
        return f"{prefix}-{next(self._ids):06d}"

    def create(self, new: NewActivity, *, allow_conflicts: bool = False) -> Activity:
        """Create an activity. Without ``allow_conflicts`` overlapping activities are DELETED."""

        def apply() -> Activity:
            if not any(p.agent_id == new.agent_id for p in self.people.values()):
                raise NotFoundError(f"no agent with id {new.agent_id!r}")
            if new.type_id not in self.activity_types:
                raise NotFoundError(f"no activity type with id {new.type_id!r}")
            if not allow_conflicts:
                for other in list(self.activities.values()):
                    if (
                        other.agent_id == new.agent_id
                        and other.start < new.end
                        and other.end > new.start
                    ):
                        del self.activities[other.id]
                        self.deleted_ids.append(other.id)
            activity = Activity(id=self.new_id(), **new.model_dump())
            self.activities[activity.id] = activity
            return activity

        return self._run("create_activity", apply)

    def delete_by_id(self, activity_id: str) -> None:
        """Delete exactly one activity; NotFoundError if absent."""

        def apply() -> None:
            if activity_id not in self.activities:
                raise NotFoundError(f"no activity with id {activity_id!r}")
            del self.activities[activity_id]
            self.deleted_ids.append(activity_id)

        self._run("delete_activity", apply)

    def delete_window(self, agent_ids: Sequence[str], start: datetime, end: datetime) -> None:
        """Delete everything in the window and TRIM activities that overlap it partly."""

        def apply() -> None:
            for a in list(self.activities.values()):
                if a.agent_id not in agent_ids or not (a.start < end and a.end > start):
                    continue
                if a.start >= start and a.end <= end:
                    del self.activities[a.id]
                    self.deleted_ids.append(a.id)
                elif a.start < start:
                    self.activities[a.id] = a.model_copy(update={"end": start})
                else:
                    self.activities[a.id] = a.model_copy(update={"start": end})

        self._run("delete_window", apply)

    def receive_scores(self, scores: Sequence[ScorePush]) -> None:
        """Upsert scores by evaluation id (a re-sent batch never duplicates)."""

        def apply() -> None:
            for s in scores:
                self.scores[s.evaluation_id] = s
            self.score_batches.append([s.evaluation_id for s in scores])

        self._run("push_scores", apply)

    def check_key(self, key: str | None) -> bool:
        """Whether ``key`` is accepted (any key, or none, when no keys are configured)."""
        self.calls["check_credentials"] += 1
        return self.accepted_keys is None or (key is not None and key in self.accepted_keys)


__all__ = ["FakeWfmBackend", "Fault", "NewActivity", "OutcomeUnknownError"]
