"""AssembledProvider: the capability ports over Assembled's REST API (see assembled-api.md).

It is a ``ScheduleSource``, a ``OneToOneCalendar`` (plugins/assembled/bookings.py: a 1:1 is
one activity of the ``Meeting`` type in each holder's calendar, the agent's and the
facilitator's, recognised by its reference in the description) and a
``ScoreSink``. Safety rules kept here: creating always sends ``allow_conflicts: true``
(Assembled's default deletes overlapping activities); cancelling uses the bulk endpoint's
delete-by-id action, never ``DELETE /v0/activities`` (a window delete that trims every other
activity). A delete is only reported done when it is proven: a 200 from the (transactional)
bulk endpoint, or, after any other answer, the activity's window read back without it
(locations.py); otherwise "Assembled refused to delete ...; nothing changed".
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing
from datetime import datetime
from functools import partial

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
from wfm_bridge.plugins.assembled.locations import ActivityLocations, Location
from wfm_bridge.plugins.assembled.occurrences import OccurrenceStream
from wfm_bridge.plugins.assembled.planner import ScheduleRequest, fetch_each, plan
from wfm_bridge.plugins.assembled.progress import PlanTracker, ProgressHook
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
    from_unix,
    parse,
    to_activity_type,
    to_created,
    to_person,
    to_unix,
)
from wfm_bridge.plugins.vendor_http.retry import RetryBudget
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import (
    InvalidInputError,
    MissingKeyError,
    NotAvailableError,
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
from wfm_bridge.ports.one_to_one_calendar import book_each, cancel_each, removal_order
from wfm_bridge.ports.ratelimit import RateLimiters
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
        limiters: RateLimiters | None = None,
        rng: random.Random | None = None,
        locations: ActivityLocations | None = None,
    ) -> None:
        if api_key is None or not api_key.get_secret_value():
            raise MissingKeyError(
                "no Assembled API key is set; run `wfm auth set-key --provider assembled`"
            )
        self.config = config
        self._scores = ScoreMapping.parse(
            config.scores_fields, config.scores_envelope, config.scores_time_format
        )
        self.client = AssembledClient(
            config, api_key, clock, transport=transport, limiters=limiters, rng=rng
        )
        self._fingerprint = key_fingerprint(api_key)
        self._meeting_type = MeetingType(self.list_activity_types)
        self.batch_limit = config.scores_batch_limit
        self._clock = clock
        self._locations = locations or ActivityLocations()
        # Told how a long planned read is going (None: silent); the CLI prints it on stderr.
        self.on_progress: ProgressHook | None = None

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
        requests, convert, budget = self._activity_requests(agent_ids, start, end)
        return self._batches(
            fetch_each(self.client, requests, self.config.concurrency, convert, budget)
        )

    def _batches(self, pages: Generator[ClippedPage, None, None]) -> Iterator[ActivityBatch]:
        stream = OccurrenceStream()
        with closing(pages):  # a caller that stops early cancels what is not sent yet
            for page in pages:
                yield stream.batch(page)

    def _activity_requests(
        self, agent_ids: Sequence[str], start: datetime, end: datetime
    ) -> tuple[list[ScheduleRequest], Callable[[ActivitiesPage], ClippedPage], RetryBudget]:
        """The planned requests for a window, the conversion of one answer (run in the
        fetch's workers, while other requests wait on the rate limit, and counted as
        progress), and the retry budget sized to the plan at the learned rate."""
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
        limiter = self.client.limiter
        tracker = PlanTracker(len(requests), limiter, self._clock, self.on_progress)
        tracker.start()

        def convert(page: ActivitiesPage) -> ClippedPage:
            clipped = clip_page(page, start, end, f"GET {ACTIVITIES}", wanted, times)
            tracker.tick()
            return clipped

        budget = self.config.retry.for_plan(len(requests), limiter.current().rate)
        return requests, convert, budget

    # --- OneToOneCalendar ---------------------------------------------------------------

    def book(self, one_to_one: OneToOne) -> BookedOneToOne:
        """One activity of the ``Meeting`` type per holder (the agent's, the facilitator's
        when he has a schedule), ``allow_conflicts: true``: nothing else moves."""
        type_id = self._meeting_type.id()
        return book_each(
            one_to_one, partial(self._book_for, one_to_one, type_id), self._delete_one
        )

    def _book_for(self, one_to_one: OneToOne, type_id: str, holder: str) -> BookedOneToOne:
        response = self.client.request(
            "POST",
            ACTIVITIES,
            json=create_body(
                holder, type_id, one_to_one.start, one_to_one.end, description_for(one_to_one)
            ),
            idempotent=False,
            on_bad_request=lambda detail: NotFoundError(
                f"Assembled refused the activity ({detail or '400'}): check that agent "
                f"{holder!r} and activity type {type_id!r} exist"
            ),
        )
        created = to_created(parse(WireActivity, response.content, f"POST {ACTIVITIES}"))
        where = Location(created.agent_id, to_unix(created.start), to_unix(created.end, up=True))
        self._locations.remember(created.id, where)
        return BookedOneToOne(
            id=created.id,
            reference=one_to_one.reference,
            agent_id=created.agent_id,
            start=created.start,
            end=created.end,
        )

    def find(
        self,
        reference: str,
        agent_id: str,
        start: datetime,
        end: datetime,
        also: Sequence[str] = (),
    ) -> list[BookedOneToOne]:
        """The activities of the agent (and of ``also``) in the window whose description
        carries ``reference``, one booking each."""
        agents = list(dict.fromkeys([agent_id, *also]))
        return bookings(collect(self.activities(agents, start, end)), reference)

    def cancel(self, booked: BookedOneToOne) -> None:
        """Delete exactly the booking's activities by id (bulk delete, never a window
        delete), the facilitator's first."""
        cancel_each(removal_order(booked), self._delete_one)

    def _delete_one(self, activity_id: str) -> None:
        if not activity_id.strip():
            raise InvalidInputError("an activity id is required")
        if OCCURRENCE_KEY.match(activity_id):
            raise NotSupportedError(
                f"{activity_id!r} is one occurrence of a recurring activity; deleting it by id "
                "would delete the whole series, so edit it in Assembled instead"
            )
        try:
            self.client.request(
                "POST",
                BULK,
                json=delete_body(activity_id),
                idempotent=False,
                on_bad_request=_DeleteUnproven,
                on_not_found=_DeleteUnproven,
            )
        except _DeleteUnproven as answer:
            self._prove_gone(activity_id, answer.message)
        self._locations.forget(activity_id)

    def _prove_gone(self, activity_id: str, detail: str) -> None:
        """After an answer that does not prove the deletion: read the activity's window back;
        ``NotFoundError`` if it is gone, else the refusal (the activity stays)."""
        gone = NotFoundError(
            f"Assembled has no activity with id {activity_id!r} (it may already be deleted)"
        )
        where = self._locations.get(activity_id)
        if where is None:  # not created here: there is no window to read back
            raise gone
        window = collect(
            self.activities([where.agent_id], from_unix(where.start), from_unix(where.end))
        )
        if any(a.id == activity_id or a.id.startswith(activity_id + "-") for a in window):
            raise ProviderResponseError(
                f"Assembled refused to delete activity {activity_id}: "
                f"{detail or 'no detail'}; nothing changed (it is still in Assembled). "
                "Try again later; if it persists, delete it in Assembled"
            )
        self._locations.forget(activity_id)
        raise gone

    def readiness(self) -> list[str]:
        """Whether the ``Meeting`` activity type exists (fetched now)."""
        return [] if self._meeting_type.lookup() is not None else [missing_type()]

    # --- ScoreSink ------------------------------------------------------------------------

    def push(self, batch: Sequence[ScorePush]) -> None:
        """POST one batch to the configured score endpoint; upserts by evaluation id. 200 and
        202 both acknowledge; 403/404/405 mean the account does not offer it as configured
        (``NotAvailableError``, never retried: only a configuration change can help)."""
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
            on_not_available=lambda detail: NotAvailableError(
                f"QA score ingestion is not available at {path} for this Assembled account: "
                "check the plan (Pro/Enterprise) and WFM_OPTION_scores_path",
                condition=self.sink_config(),
            ),
        )

    def sink_config(self) -> str:
        """The configuration of the score endpoint (a "not available" condition holds until
        it changes): base URL, path, envelope, fields and time format."""
        c = self.config
        return (
            f"POST {c.base_url}{c.scores_path} envelope={c.scores_envelope} "
            f"fields={c.scores_fields} time={c.scores_time_format}"
        )


class _DeleteUnproven(ProviderResponseError):
    """The bulk delete answered 400/404: that alone does not prove the activity is gone."""
