"""AssembledProvider: the capability ports over Assembled's REST API (see assembled-api.md).

It is a ``ScheduleSource``, a ``OneToOneCalendar`` (plugins/assembled/bookings.py: a 1:1 is
one activity of the ``Meeting`` type, recognised by its reference in the description) and a
``ScoreSink``. Safety rules kept here: creating always sends ``allow_conflicts: true``
(Assembled's default deletes overlapping activities); cancelling uses the bulk endpoint's
delete-by-id action, never ``DELETE /v0/activities`` (a window delete that trims every other
activity).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing
from datetime import datetime

import httpx
from pydantic import SecretStr

from wfm_bridge.plugins.assembled.bookings import (
    MeetingType,
    bookings,
    description_for,
    missing_type,
)
from wfm_bridge.plugins.assembled.client import AssembledClient
from wfm_bridge.plugins.assembled.config import AssembledConfig
from wfm_bridge.plugins.assembled.occurrences import OccurrenceStream
from wfm_bridge.plugins.assembled.planner import ScheduleRequest, fetch_each, plan
from wfm_bridge.plugins.assembled.ratelimit import TokenBucket
from wfm_bridge.plugins.assembled.scores import ScoreMapping
from wfm_bridge.plugins.assembled.wire import (
    OCCURRENCE_KEY,
    ActivitiesPage,
    ActivityTypesPage,
    ClippedPage,
    PeoplePage,
    WireActivity,
    clip_page,
    create_body,
    delete_body,
    parse,
    to_activity_type,
    to_created,
    to_person,
    to_unix,
)
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import (
    InvalidInputError,
    MissingKeyError,
    NotFoundError,
    NotSupportedError,
    ProviderResponseError,
)
from wfm_bridge.ports.models import (
    ActivityBatch,
    ActivityType,
    BookedOneToOne,
    OneToOne,
    ProviderPerson,
    ScorePush,
)
from wfm_bridge.ports.schedule_source import collect
from wfm_bridge.ports.score_sink import Cadence
from wfm_bridge.ports.vault import key_fingerprint

PEOPLE = "/v0/people"
ACTIVITY_TYPES = "/v0/activity_types"
ACTIVITIES = "/v0/activities"
BULK = "/v0/activities/bulk"


class AssembledProvider:
    """One tenant's Assembled account, reached over HTTPS with its API key."""

    name = "assembled"
    cadence: Cadence = "hourly"

    def __init__(
        self,
        config: AssembledConfig,
        api_key: SecretStr | None,
        clock: Clock,
        *,
        transport: httpx.BaseTransport | None = None,
        bucket: TokenBucket | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if api_key is None or not api_key.get_secret_value():
            raise MissingKeyError(
                "no Assembled API key is set; run `wfm auth set-key --provider assembled`"
            )
        self.config = config
        self._scores = ScoreMapping.parse(config.scores_fields, config.scores_envelope)
        self.client = AssembledClient(
            config, api_key, clock, transport=transport, bucket=bucket, rng=rng
        )
        self._fingerprint = key_fingerprint(api_key)
        self._meeting_type = MeetingType(self.list_activity_types)
        self.batch_limit = config.scores_batch_limit

    def __repr__(self) -> str:
        return (
            f"AssembledProvider(base_url={self.config.base_url!r}, key={self._fingerprint})"
        )

    def close(self) -> None:
        """Release the HTTP connections."""
        self.client.close()

    def check_credentials(self) -> None:
        """One cheap authenticated call (one person); ``AuthError`` if the key is refused."""
        self.client.get(PeoplePage, PEOPLE, {"limit": 1, "offset": 0})

    def list_people(self) -> list[ProviderPerson]:
        """Every person, paging ``limit``/``offset`` until ``total``; stalls are an error."""
        people: dict[str, ProviderPerson] = {}
        offset = 0
        while True:
            page = self.client.get(
                PeoplePage, PEOPLE, {"limit": self.config.page_size, "offset": offset}
            )
            batch = list((page.people or {}).values())
            before = len(people)
            for wire in batch:
                people.setdefault(wire.id, to_person(wire))
            offset += len(batch)
            if len(people) >= page.total or (not batch and offset >= page.total):
                return list(people.values())
            if len(people) == before:
                raise ProviderResponseError(
                    f"Assembled stopped returning new people from GET {PEOPLE} at offset "
                    f"{offset} of {page.total}; try again, and report it if it persists"
                )

    def list_activity_types(self) -> list[ActivityType]:
        """Every activity type."""
        page = self.client.get(ActivityTypesPage, ACTIVITY_TYPES)
        return [to_activity_type(w) for w in (page.activity_types or {}).values()]

    def activities(
        self, agent_ids: Sequence[str], start: datetime, end: datetime
    ) -> Iterator[ActivityBatch]:
        """Activities overlapping ``[start, end)``, clipped, each once: the planned requests'
        answers one batch each, as they arrive."""
        requests, convert = self._activity_requests(agent_ids, start, end)
        return self._batches(fetch_each(self.client, requests, self.config.concurrency, convert))

    def _batches(self, pages: Generator[ClippedPage, None, None]) -> Iterator[ActivityBatch]:
        stream = OccurrenceStream()
        with closing(pages):  # a caller that stops early cancels what is not sent yet
            for page in pages:
                yield stream.batch(page)

    def _activity_requests(
        self, agent_ids: Sequence[str], start: datetime, end: datetime
    ) -> tuple[list[ScheduleRequest], Callable[[ActivitiesPage], ClippedPage]]:
        """The planned requests for a window, and the conversion of one answer (run in the
        fetch's workers, while other requests wait on the rate limit)."""
        if start.utcoffset() is None or end.utcoffset() is None:
            raise InvalidInputError("the activities window needs timezone-aware datetimes")
        if end <= start:
            raise InvalidInputError("the activities window must end after it starts")
        requests = plan(
            agent_ids,
            to_unix(start),
            to_unix(end, up=True),
            slice_days=self.config.slice_days,
            base_url=self.config.base_url,
            max_url_bytes=self.config.max_url_bytes,
        )
        wanted = set(agent_ids)
        times: dict[int, datetime] = {}  # shared by the workers: a lost race costs a copy

        def convert(page: ActivitiesPage) -> ClippedPage:
            return clip_page(page, start, end, f"GET {ACTIVITIES}", wanted, times)

        return requests, convert

    # --- OneToOneCalendar ---------------------------------------------------------------

    def book(self, one_to_one: OneToOne) -> BookedOneToOne:
        """One activity of the ``Meeting`` type, ``allow_conflicts: true``: nothing else moves."""
        type_id = self._meeting_type.id()
        response = self.client.request(
            "POST",
            ACTIVITIES,
            json=create_body(
                one_to_one.agent_id,
                type_id,
                one_to_one.start,
                one_to_one.end,
                description_for(one_to_one),
            ),
            idempotent=False,
            on_bad_request=lambda detail: NotFoundError(
                f"Assembled refused the activity ({detail or '400'}): check that agent "
                f"{one_to_one.agent_id!r} and activity type {type_id!r} exist"
            ),
        )
        created = to_created(parse(WireActivity, response.content, f"POST {ACTIVITIES}"))
        return BookedOneToOne(
            id=created.id,
            reference=one_to_one.reference,
            agent_id=created.agent_id,
            start=created.start,
            end=created.end,
        )

    def find(
        self, reference: str, agent_id: str, start: datetime, end: datetime
    ) -> list[BookedOneToOne]:
        """The agent's activities in the window whose description carries ``reference``."""
        return bookings(collect(self.activities([agent_id], start, end)), reference)

    def cancel(self, booked: BookedOneToOne) -> None:
        """Delete exactly the booking's activity by id (bulk delete, never a window delete)."""
        activity_id = booked.id
        if not activity_id.strip():
            raise InvalidInputError("an activity id is required")
        if OCCURRENCE_KEY.match(activity_id):
            raise NotSupportedError(
                f"{activity_id!r} is one occurrence of a recurring activity; deleting it by id "
                "would delete the whole series, so edit it in Assembled instead"
            )
        gone = (
            f"Assembled has no activity with id {activity_id!r} (it may already be deleted)"
        )
        self.client.request(
            "POST",
            BULK,
            json=delete_body(activity_id),
            idempotent=False,
            on_bad_request=lambda detail: NotFoundError(gone),
            on_not_found=lambda detail: NotFoundError(gone),
        )

    def readiness(self) -> list[str]:
        """Whether the ``Meeting`` activity type exists (fetched now)."""
        return [] if self._meeting_type.lookup() is not None else [missing_type()]

    # --- ScoreSink ------------------------------------------------------------------------

    def push(self, batch: Sequence[ScorePush]) -> None:
        """POST one batch to the configured score endpoint; upserts by evaluation id."""
        if not batch:
            return
        if len(batch) > self.batch_limit:
            raise InvalidInputError(
                f"{len(batch)} scores in one batch; Assembled takes at most {self.batch_limit}"
            )
        path = self.config.scores_path
        self.client.request(
            "POST",
            path,
            json=self._scores.body(batch),
            idempotent=True,  # upsert by evaluation id: a re-send cannot duplicate
            on_not_found=lambda detail: NotFoundError(
                f"Assembled has no score endpoint at {path} (404); set the scores_path option "
                "(QA score ingestion may need the Pro or Enterprise plan)"
            ),
        )
