"""GenesysProvider: the capability ports over Genesys Cloud (WFM, coaching, external metrics).

- ScheduleSource: people are users (all states, paged); a user is an agent -- agent id = the
  user id -- when a management unit lists them; each carries the id of the Genesys team it is
  a member of (teams.py: members read per team, paged, under the rate limit). Activity types
  are the business units' activity codes (``countsAsWorkTime`` -> productive, category
  ``TimeOff`` -> time off, ``interruptible`` as given). Activities come from the schedule
  search, planned under the rate limit (schedules.py).
- OneToOneCalendar: a 1:1 is a coaching appointment (facilitator -- any user, a supervisor
  without a schedule too --, attendees, added to the schedule of each of them who is a
  scheduled agent) named ``<title> <description>``; its description carries the booking reference
  (``REFERENCE_MARK``), which ``find`` looks for. Cancelling deletes the appointment by id,
  which removes exactly its schedule activities; nothing else is ever deleted or edited.
- ScoreSink: daily external-metric values, at most 100 per request (scores.py).
- TeamSource: Genesys's teams (``GET /api/v2/teams``). An OAuth client whose role may not
  read teams still lists people (without team ids, with a warning in the log); ``list_teams``
  then raises the 403 as ``AuthError`` naming the permission to grant.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import closing
from datetime import datetime, timedelta

from pydantic import SecretStr

from wfm_bridge.plugins.genesys.api import MAX_APPOINTMENT_USERS, GenesysApi
from wfm_bridge.plugins.genesys.client import GenesysClient
from wfm_bridge.plugins.genesys.config import GenesysConfig
from wfm_bridge.plugins.genesys.schedules import (
    ActivityStream,
    Search,
    by_unit,
    check_window,
    plan,
)
from wfm_bridge.plugins.genesys.scores import DayLedger
from wfm_bridge.plugins.genesys.teams import TeamReader
from wfm_bridge.plugins.genesys.units import Unit, Units
from wfm_bridge.plugins.genesys.wire import (
    ActivityCode,
    AgentSchedules,
    CoachingAppointment,
    MetricDefinition,
    NewAppointment,
)
from wfm_bridge.plugins.parallel import each_concurrently
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import (
    AuthError,
    InvalidInputError,
    MissingKeyError,
    NotAvailableError,
    NotFoundError,
    ProviderResponseError,
)
from wfm_bridge.ports.models import (
    ActivityBatch,
    ActivityType,
    BookedOneToOne,
    Companion,
    OneToOne,
    ProviderPerson,
    ScorePush,
    Team,
)
from wfm_bridge.ports.one_to_one_calendar import cancel_each, removal_order
from wfm_bridge.ports.ratelimit import RateLimiter
from wfm_bridge.ports.score_sink import Cadence

log = logging.getLogger("wfm.genesys")
REFERENCE_MARK = "wfm-bridge ref:"
_FONT = {"Light": "#ffffff", "Dark": "#000000"}


def reference_text(reference: str) -> str:
    """What the appointment description carries so ``find`` recognises the booking."""
    return f"[{REFERENCE_MARK} {reference}]"


class GenesysProvider:
    """One tenant's Genesys Cloud organisation, reached with one OAuth client."""

    name = "genesys"
    cadence: Cadence = "daily"
    batch_limit = 100

    def __init__(
        self,
        config: GenesysConfig,
        client_id: SecretStr | None,
        client_secret: SecretStr | None,
        clock: Clock,
        *,
        limiter: RateLimiter | None = None,
        ledger: DayLedger | None = None,
        transport: object = None,
    ) -> None:
        if not client_id or not client_secret or not client_secret.get_secret_value():
            raise MissingKeyError(
                "no Genesys Cloud client credentials are set; run "
                "`wfm auth set-key --provider genesys` (client_id, then client_secret)"
            )
        self.config = config
        self.client = GenesysClient(
            config,
            client_id.get_secret_value(),
            client_secret,
            clock,
            limiter=limiter,
            transport=transport,  # type: ignore[arg-type]
        )
        self.api = GenesysApi(self.client)
        self.units = Units(self.api)
        self.teams = TeamReader(
            self.client, page_size=config.page_size, concurrency=config.concurrency
        )
        self.ledger = ledger or DayLedger()
        self._metrics: list[MetricDefinition] | None = None

    def __repr__(self) -> str:
        return f"GenesysProvider({self.client!r})"

    def close(self) -> None:
        """Release the HTTP connections."""
        self.client.close()

    # --- ScheduleSource -----------------------------------------------------------------

    def check_credentials(self) -> None:
        """One cheap authenticated call (a one-user page); ``AuthError`` if refused."""
        next(iter(self.api.users(page_size=1)), None)

    def list_people(self) -> list[ProviderPerson]:
        """Every user, each once; agents (in a management unit) carry their user id, members
        of a team its id."""
        agents = self.units.agents()
        team_ids = self._team_ids()
        people: dict[str, ProviderPerson] = {}
        for user in self.api.users(page_size=self.config.page_size):
            first, _, last = user.name.strip().partition(" ")
            people.setdefault(
                user.id,
                ProviderPerson(
                    person_id=user.id,
                    agent_id=user.id if user.id in agents else None,
                    first_name=first,
                    last_name=last,
                    email=user.email or None,
                    active=user.state == "active",
                    team_ids=team_ids.get(user.id, []),
                ),
            )
        return list(people.values())

    def _team_ids(self) -> dict[str, list[str]]:
        try:
            return self.teams.team_ids()
        except AuthError as exc:  # the users were readable: this client may not read teams
            log.warning("people listed without their teams: %s", exc)
            return {}

    def list_activity_types(self) -> list[ActivityType]:
        """Every activity code of every business unit (by id, first one wins)."""
        types: dict[str, ActivityType] = {}
        for unit in self.units.all():
            for code in unit.codes:
                types.setdefault(code.id, to_activity_type(code))
        return list(types.values())

    def activities(
        self, agent_ids: Sequence[str], start: datetime, end: datetime
    ) -> Iterator[ActivityBatch]:
        """The planned searches' answers, one batch each, clipped, each activity once."""
        check_window(start, end)
        return self._batches(list(agent_ids), start, end)

    def _batches(
        self, agent_ids: list[str], start: datetime, end: datetime
    ) -> Iterator[ActivityBatch]:
        if not agent_ids:
            return
        unit_of = {a: u.unit.id for u in self.units.all() for a in u.agents}
        searches = self.search_plan(agent_ids, start, end, unit_of)
        stream = ActivityStream(agent_ids, start, end)

        def one(search: Search) -> AgentSchedules:  # in a worker: fetch and parse
            return self.api.schedules(
                search.business_unit_id, search.start, search.end, search.user_ids
            )

        with closing(each_concurrently(searches, self.config.concurrency, one)) as answers:
            for answer in answers:  # a caller that stops early cancels the rest
                for part in stream.parts(answer):  # clipped here, one agent at a time
                    yield stream.batch(part)

    def search_plan(
        self,
        agent_ids: Sequence[str],
        start: datetime,
        end: datetime,
        unit_of: dict[str, str] | None = None,
    ) -> list[Search]:
        """The searches a listing makes (its count is the plan's minimum)."""
        if unit_of is None:
            unit_of = {a: u.unit.id for u in self.units.all() for a in u.agents}
        return plan(
            by_unit(agent_ids, unit_of),
            start,
            end,
            max_days=self.config.search_days,
            max_users=self.config.search_users,
        )

    # --- TeamSource -----------------------------------------------------------------------

    def list_teams(self) -> list[Team]:
        """Every team of the organisation, each once."""
        return [Team(id=t.id, name=t.name or t.id) for t in self.teams.teams()]

    # --- OneToOneCalendar ---------------------------------------------------------------

    def book(self, one_to_one: OneToOne) -> BookedOneToOne:
        """One coaching appointment, added to the schedule; nothing else changes."""
        minutes = round((one_to_one.end - one_to_one.start).total_seconds() / 60)
        facilitator = one_to_one.facilitator_id
        attendees = [
            a
            for a in dict.fromkeys([one_to_one.agent_id, *one_to_one.attendee_ids])
            if a != facilitator
        ]
        name = " ".join(p for p in (one_to_one.title, one_to_one.description) if p)
        body = NewAppointment(
            name=name[:200],
            description=f"{one_to_one.description}\n{reference_text(one_to_one.reference)}".strip(),
            date_start=one_to_one.start,
            length_in_minutes=max(1, minutes),
            facilitator_id=facilitator,
            attendee_ids=attendees,
            add_to_schedule=True,
        )
        try:
            created = self.api.create_appointment(body)
        except InvalidInputError as exc:
            raise NotFoundError(
                f"Genesys Cloud refused the coaching appointment ({exc}): check that agent "
                f"{one_to_one.agent_id!r} (and the facilitator) are active users"
            ) from exc
        booked = _booked(created, one_to_one.reference, one_to_one.agent_id)
        companions = [Companion(id=created.id, agent_id=h) for h in one_to_one.holders[1:]]
        return booked.model_copy(update={"companions": companions})

    def find(
        self,
        reference: str,
        agent_id: str,
        start: datetime,
        end: datetime,
        also: Sequence[str] = (),
    ) -> list[BookedOneToOne]:
        """The appointments overlapping the window that carry ``reference`` and have the
        agent (or one of ``also``) as attendee or facilitator, one booking each: in the
        agent's calendar first, the others it sits in as its companions."""
        check_window(start, end)
        mark = reference_text(reference)
        asked = list(dict.fromkeys([agent_id, *also]))
        found = []
        seen: set[str] = set()
        for appointment in self._appointments(asked, start, end):
            if appointment.id in seen:
                continue
            seen.add(appointment.id)
            people = {a.id for a in appointment.attendees}
            if appointment.facilitator is not None:
                people.add(appointment.facilitator.id)
            holders = [a for a in asked if a in people]
            if mark not in appointment.description or not holders:
                continue
            booked = _booked(appointment, reference, holders[0])
            companions = [Companion(id=appointment.id, agent_id=h) for h in holders[1:]]
            found.append(booked.model_copy(update={"companions": companions}))
        return found

    def _appointments(
        self, users: list[str], start: datetime, end: datetime
    ) -> Iterator[CoachingAppointment]:
        for n in range(0, len(users), MAX_APPOINTMENT_USERS):
            yield from self.api.appointments(users[n : n + MAX_APPOINTMENT_USERS], start, end)

    def cancel(self, booked: BookedOneToOne) -> None:
        """Delete exactly this appointment by id (its schedule activities go with it, in
        every calendar it sits in)."""
        for one in booked.ids:
            if not one.strip() or not re.fullmatch(r"[A-Za-z0-9._-]+", one):
                raise InvalidInputError(f"{one!r} is not a coaching appointment id")
        cancel_each(removal_order(booked), self.api.delete_appointment)

    def readiness(self) -> list[str]:
        """Business units without an activity code for coaching appointments."""
        notes = []
        for unit in self.units.all():
            if _coaching_code(unit) is None:
                notes.append(
                    f"business unit {unit.unit.name or unit.unit.id} has no activity code for "
                    "coaching (set Coaching > default activity code in its WFM settings)"
                )
        if not self.units.all():
            notes.append("this OAuth client sees no WFM business unit (check its role)")
        return notes

    # --- ScoreSink ------------------------------------------------------------------------

    def push(self, batch: Sequence[ScorePush]) -> None:
        """Upsert the day values these scores change (the day's mean per scorecard)."""
        if not batch:
            return
        if len(batch) > self.batch_limit:
            raise InvalidInputError(
                f"{len(batch)} scores in one batch; Genesys takes at most {self.batch_limit}"
            )
        metrics = {s.scorecard: self._metric_for(s.scorecard) for s in batch}
        items = self.ledger.record([(s, metrics[s.scorecard]) for s in batch])
        for answer in self.api.write_metrics(items):
            if answer.unprocessed_entities:
                first = answer.unprocessed_entities[0]
                raise ProviderResponseError(
                    f"Genesys Cloud refused {len(answer.unprocessed_entities)} daily score(s) "
                    f"(first: user {first.user_id} on {first.date_occurred}: {first.code} "
                    f"{first.message}); check the mapping and the metric definitions"
                )

    def sink_config(self) -> str:
        """The score endpoint's configuration (a "not available" condition holds until it
        changes)."""
        return f"genesys {self.client.api} metric={self.config.metric}"

    def _metric_for(self, scorecard: str) -> str:
        if self._metrics is None:
            self._metrics = [d for d in self.api.metric_definitions() if d.enabled]
        named = {d.name: d.id for d in self._metrics}
        found = named.get(scorecard) or named.get(self.config.metric)
        if found is None:
            raise NotAvailableError(
                f"Genesys Cloud has no enabled external metric named {self.config.metric!r} "
                f"(nor {scorecard!r}); create it in Performance > External Metrics, or set "
                "WFM_OPTION_metric",
                condition=self.sink_config(),
            )
        return found


def to_activity_type(code: ActivityCode) -> ActivityType:
    """An activity code as the port's type."""
    style = code.style
    return ActivityType(
        id=code.id,
        name=code.name or code.category,
        short_name=None,
        color=style.background_color if style else None,
        font_color=_FONT.get(style.text_color_theme or "") if style else None,
        productive=code.counts_as_work_time,
        time_off=code.category == "TimeOff",
        interruptible=code.interruptible,
    )


def _coaching_code(unit: Unit) -> str | None:
    return unit.coaching_code


def _booked(appointment: CoachingAppointment, reference: str, agent_id: str) -> BookedOneToOne:
    start = appointment.date_start
    return BookedOneToOne(
        id=appointment.id,
        reference=reference,
        agent_id=agent_id,
        start=start,
        end=start + timedelta(minutes=appointment.length_in_minutes),
    )
