"""InMemoryProvider: the capability ports over a FakeWfmBackend, used safely.

The fake WFM server mirrors Assembled's semantics, and its 1:1s follow Assembled's
conventions too: a 1:1 is one activity of the type named exactly ``Meeting`` (booking is
refused without one) in the calendar of each holder (the agent, and the facilitator when he
has a schedule), created with conflicts allowed, recognised again by the booking reference
that ends its description, and cancelled by deleting exactly those activities by id.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import partial

from pydantic import SecretStr

from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend, NewActivity
from wfm_bridge.ports.errors import AuthError, InvalidInputError, NotFoundError
from wfm_bridge.ports.models import (
    Activity,
    ActivityBatch,
    ActivityType,
    BookedOneToOne,
    OneToOne,
    ProviderPerson,
    ScorePush,
)
from wfm_bridge.ports.one_to_one_calendar import book_each, cancel_each, removal_order
from wfm_bridge.ports.score_sink import Cadence

MEETING_TYPE = "Meeting"


def _marker(reference: str) -> str:
    return f"(ref {reference})"


class InMemoryProvider:
    """Fake provider: same contracts and errors as a real adapter, no network."""

    name = "memory_fake"

    def __init__(
        self,
        backend: FakeWfmBackend,
        api_key: SecretStr | None = None,
        *,
        batch_limit: int = 10_000,
        cadence: Cadence = "hourly",
    ) -> None:
        self.backend = backend
        self._api_key = api_key
        self.batch_limit = batch_limit
        self.cadence: Cadence = cadence

    def _authorised(self) -> None:
        key = self._api_key.get_secret_value() if self._api_key else None
        if not self.backend.check_key(key):
            raise AuthError.invalid_key(self.name)

    # --- ScheduleSource -------------------------------------------------------------------

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

    def activities(
        self, agent_ids: Sequence[str], start: datetime, end: datetime
    ) -> Iterator[ActivityBatch]:
        """Activities overlapping [start, end), clipped to it: one batch (one request)."""
        if start.utcoffset() is None or end.utcoffset() is None:
            raise InvalidInputError("the activities window needs timezone-aware datetimes")
        if end <= start:
            raise InvalidInputError("the activities window must end after it starts")
        return self._one_batch(list(agent_ids), start, end)

    def _one_batch(
        self, agent_ids: list[str], start: datetime, end: datetime
    ) -> Iterator[ActivityBatch]:
        self._authorised()
        found = self.backend.read_activities(agent_ids, start, end)
        yield ActivityBatch(
            activities=[
                a.model_copy(update={"start": max(a.start, start), "end": min(a.end, end)})
                for a in found
            ]
        )

    # --- OneToOneCalendar -----------------------------------------------------------------

    def book(self, one_to_one: OneToOne) -> BookedOneToOne:
        """One activity of the ``Meeting`` type per holder, conflicts allowed: nothing else
        moves."""
        self._authorised()
        type_id = self._meeting_type()
        if type_id is None:
            raise NotFoundError(
                f"the {self.name} WFM has no activity type named exactly {MEETING_TYPE!r}; "
                "create one with that exact name, then book again; nothing was created"
            )
        head = one_to_one.title
        if one_to_one.description:
            head = f"{head} - {one_to_one.description}"
        create = partial(self._book_for, one_to_one, type_id, head)
        return book_each(one_to_one, create, self._delete)

    def _book_for(
        self, one_to_one: OneToOne, type_id: str, head: str, holder: str
    ) -> BookedOneToOne:
        created = self._create(
            NewActivity(
                agent_id=holder,
                type_id=type_id,
                start=one_to_one.start,
                end=one_to_one.end,
                description=f"{head} {_marker(one_to_one.reference)}",
            )
        )
        return _booked(created, one_to_one.reference)

    def find(
        self,
        reference: str,
        agent_id: str,
        start: datetime,
        end: datetime,
        also: Sequence[str] = (),
    ) -> list[BookedOneToOne]:
        """The activities of the agent (and of ``also``) in the window whose description
        ends with the reference, one booking each."""
        found: list[BookedOneToOne] = []
        for batch in self.activities(list(dict.fromkeys([agent_id, *also])), start, end):
            found += [
                _booked(a, reference)
                for a in batch.activities
                if a.description.endswith(" " + _marker(reference))
            ]
        return found

    def cancel(self, booked: BookedOneToOne) -> None:
        """Delete exactly the booking's activities by id; NotFoundError if all are gone."""
        self._authorised()
        cancel_each(removal_order(booked), self._delete)

    def readiness(self) -> list[str]:
        """Whether the ``Meeting`` activity type exists."""
        self._authorised()
        if self._meeting_type() is not None:
            return []
        return [f"missing: create an activity type named exactly `{MEETING_TYPE}`"]

    def _meeting_type(self) -> str | None:
        found = sorted(t.id for t in self.backend.read_activity_types() if t.name == MEETING_TYPE)
        return found[0] if found else None

    def _create(self, new: NewActivity) -> Activity:
        """The one create this calendar sends (conflicts allowed)."""
        return self.backend.create(new, allow_conflicts=True)

    def _delete(self, activity_id: str) -> None:
        """The one delete this calendar sends (exactly one activity, by id)."""
        self.backend.delete_by_id(activity_id)

    # --- ScoreSink ------------------------------------------------------------------------

    def push(self, batch: Sequence[ScorePush]) -> None:
        """Upsert a batch of scores (at most ``batch_limit``)."""
        if len(batch) > self.batch_limit:
            raise InvalidInputError(
                f"{len(batch)} scores in one batch; {self.name} takes at most {self.batch_limit}"
            )
        self._authorised()
        if batch:
            self.backend.receive_scores(batch)


def _booked(activity: Activity, reference: str) -> BookedOneToOne:
    return BookedOneToOne(
        id=activity.id,
        reference=reference,
        agent_id=activity.agent_id,
        start=activity.start,
        end=activity.end,
    )
