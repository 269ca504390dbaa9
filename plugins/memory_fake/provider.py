"""InMemoryProvider: the WfmProvider port over a FakeWfmBackend, used safely."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import SecretStr

from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend
from wfm_bridge.ports.errors import AuthError, InvalidInputError
from wfm_bridge.ports.models import Activity, ActivityType, NewActivity, ProviderPerson, ScorePush


class InMemoryProvider:
    """Fake WfmProvider: same contract and errors as a real adapter, no network."""

    name = "memory_fake"

    def __init__(self, backend: FakeWfmBackend, api_key: SecretStr | None = None) -> None:
        self.backend = backend
        self._api_key = api_key

    def _authorised(self) -> None:
        key = self._api_key.get_secret_value() if self._api_key else None
        if not self.backend.check_key(key):
            raise AuthError.invalid_key(self.name)

    def check_credentials(self) -> None:
        """Raise AuthError unless the backend accepts our key."""
        self._authorised()

    def list_people(self) -> list[ProviderPerson]:
        """Every person."""
        self._authorised()
        return self.backend.read_people()

    def list_activity_types(self) -> list[ActivityType]:
        """Every activity type."""
        self._authorised()
        return self.backend.read_activity_types()

    def list_activities(
        self, agent_ids: Sequence[str], start: datetime, end: datetime
    ) -> list[Activity]:
        """Activities overlapping [start, end), clipped to it."""
        if end <= start:
            raise InvalidInputError("the activities window must end after it starts")
        self._authorised()
        found = self.backend.read_activities(agent_ids, start, end)
        return [
            a.model_copy(update={"start": max(a.start, start), "end": min(a.end, end)})
            for a in found
        ]

    def create_activity(self, activity: NewActivity) -> Activity:
        """Create with conflicts allowed: nothing else is deleted or trimmed."""
        self._authorised()
        return self.backend.create(activity, allow_conflicts=True)

    def delete_activity(self, activity_id: str) -> None:
        """Delete exactly one activity by id."""
        self._authorised()
        self.backend.delete_by_id(activity_id)

    def push_scores(self, scores: Sequence[ScorePush]) -> None:
        """Upsert a batch of scores."""
        self._authorised()
        self.backend.receive_scores(scores)
