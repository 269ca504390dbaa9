"""Safety as a property: random schedules, random book/cancel/retry/reconcile sequences and
injected faults never touch a foreign activity, and the ledger and the provider agree.

Faults: the provider accepting a write and then timing out, timing out before applying it,
refusing it, failing a read-back or a delete, and the ledger failing its n-th write. The fake
backend has Assembled's dangerous semantics, so a use case relying on them would fail here.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from meetings.world import ANA, BO, NOW, TYPES, World, make_world
from wfm_bridge.core.meeting_rules import holders, recorded_ids
from wfm_bridge.plugins.memory_fake.backend import NewActivity
from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
from wfm_bridge.ports.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    OutcomeUnknownError,
    ReusedKeyError,
    UnavailableError,
)
from wfm_bridge.ports.models import Activity, Meeting, MeetingStatus

# email, start step, minutes, text, key, facilitator
Request = tuple[str, int, int, str, str | None, str | None]
Faults = list[tuple[str, object]]
OURS = re.compile(r" \(ref (mtg-[^)]+)\)$")
AGENTS = {ANA: "agent-ana", BO: "agent-bo"}
STEP = timedelta(minutes=15)

FAULTS = st.lists(
    st.sampled_from(
        [
            ("create_activity", "applied-then-timeout"),
            ("create_activity", "timeout"),
            ("create_activity", "refused"),
            ("list_activities", "refused"),
            ("delete_activity", "applied-then-timeout"),
            ("delete_activity", "refused"),
            ("ledger", 1),
            ("ledger", 2),
            ("ledger", 3),
        ]
    ),
    max_size=3,
)


@st.composite
def foreign_activities(draw: st.DrawFn) -> tuple[Activity, ...]:
    """A random schedule for Ana and Bo over three days, overlaps included."""
    count = draw(st.integers(0, 12))
    found = []
    for n in range(count):
        start = NOW + STEP * draw(st.integers(-8, 3 * 96))
        found.append(
            Activity(
                id=f"foreign-{n}",
                agent_id=draw(st.sampled_from(sorted(AGENTS.values()))),
                type_id=draw(st.sampled_from([t.id for t in TYPES])),
                start=start,
                end=start + STEP * draw(st.integers(1, 40)),
                description=draw(st.sampled_from(["", "shift", "Team huddle"])),
            )
        )
    return tuple(found)


REQUESTS = st.tuples(
    st.sampled_from(sorted(AGENTS)),
    st.integers(-4, 3 * 96),  # start, in 15-minute steps from now (some in the past)
    st.sampled_from([15, 30, 45, 60, 90]),
    st.sampled_from(["", "coaching", "follow-up on call 17"]),
    st.one_of(st.none(), st.sampled_from(["k1", "k2", "k3"])),
    # the other agent (both calendars), the agent himself, or no provider person at all
    st.one_of(st.none(), st.sampled_from([ANA, BO, "coach@elsewhere.example"])),
)


class MeetingSafety(RuleBasedStateMachine):
    """Drives MeetingService over the fakes and checks the safety invariants after each step."""

    requests = Bundle("requests")
    provider_cls: type[InMemoryProvider] = InMemoryProvider

    def __init__(self) -> None:
        super().__init__()
        self.world: World = make_world()
        self.foreign: dict[str, Activity] = {}
        self.may_be_pending: set[str] = set()  # a step said "not confirmed, kept pending"
        self.key_owner: dict[str, str] = {}  # key -> meeting id returned by a successful book

    @initialize(schedule=foreign_activities())
    def setup(self, schedule: tuple[Activity, ...]) -> None:
        self.world = make_world(activities=schedule, provider_cls=self.provider_cls)
        self.foreign = dict(self.world.backend.activities)

    # --- faults ------------------------------------------------------------------------

    def _inject(self, faults: Faults) -> None:
        for where, how in faults:
            if where == "ledger":
                assert isinstance(how, int)
                self.world.state.fail_write(how, UnavailableError("disk full"))
            elif how == "refused":
                self.world.backend.fail_next(where, UnavailableError("provider down"))
            else:
                self.world.backend.fail_next(
                    where, OutcomeUnknownError("no answer"), after_apply=how != "timeout"
                )

    def _disarm(self) -> None:
        # Faults a step did not reach must not leak into the next step.
        self.world.backend._faults.clear()
        self.world.state.fail_next_put = None
        self.world.state.fail_write(10**9, UnavailableError("never"))

    def _pending_ids(self) -> set[str]:
        return {m.id for m in self.world.ledger.all() if m.status is MeetingStatus.PENDING}

    # --- rules -------------------------------------------------------------------------

    def _book(self, request: Request, faults: Faults) -> Meeting | None:
        email, steps, minutes, text, key, coach = request
        start = NOW + STEP * steps
        pending_before = self._pending_ids()
        owner_before = self.world.ledger.key_owner(key) if key is not None else None
        self._inject(faults)
        try:
            meeting = self.world.meetings.book(email, start, minutes, text, coach, key=key)
        except (OutcomeUnknownError, UnavailableError) as exc:
            event(f"book: {type(exc).__name__}")
            self._allow_new_pending(pending_before, exc)
            return None
        except InvalidInputError:
            assert start < self.world.clock.now()
            return None
        except ConflictError:
            assert owner_before is not None
            return None
        except ReusedKeyError:  # the key's first booking named another facilitator
            assert owner_before is not None
            return None
        finally:
            self._disarm()
        event(f"book: {meeting.status}")
        if meeting.status is MeetingStatus.PENDING:  # a replay of a meeting being cancelled
            assert meeting.cancelled_at is not None and meeting.id == owner_before
        if key is not None:
            owner = self.key_owner.setdefault(key, meeting.id)
            assert owner == meeting.id, "the same key returned another meeting"
        if meeting.status is MeetingStatus.BOOKED:
            assert recorded_ids(meeting) <= set(self.world.backend.activities)
        result: Meeting = meeting
        return result

    def _allow_new_pending(self, before: set[str], exc: Exception) -> None:
        """A step may leave a meeting pending only if its error says so."""
        if "pending" in str(exc):
            self.may_be_pending |= self._pending_ids() - before

    @rule(target=requests, request=REQUESTS, faults=FAULTS)
    def book(self, request: Request, faults: Faults) -> Request:
        """Book a new meeting (with or without a key) under some faults."""
        self._book(request, faults)
        return request

    @rule(request=requests, faults=FAULTS)
    def retry(self, request: Request, faults: Faults) -> None:
        """Send an earlier request again, exactly as before."""
        self._book(request, faults)

    @rule(data=st.data(), faults=FAULTS)
    def cancel(self, data: st.DataObject, faults: Faults) -> None:
        """Cancel a ledger meeting (maybe already cancelled) or an unknown id, under faults."""
        ids = [*sorted(m.id for m in self.world.ledger.all()), "mtg-unknown"]
        meeting_id = data.draw(st.sampled_from(ids), label="meeting_id")
        known = self.world.ledger.get(meeting_id)
        pending_before = self._pending_ids()
        self._inject(faults)
        try:
            cancelled = self.world.meetings.cancel(meeting_id)
        except NotFoundError:
            assert known is None
            return
        except (OutcomeUnknownError, UnavailableError) as exc:
            event(f"cancel: {type(exc).__name__}")
            self._allow_new_pending(pending_before, exc)
            return
        finally:
            self._disarm()
        event(f"cancel: {known.status if known else None} -> done")
        assert cancelled.status is MeetingStatus.CANCELLED
        self.may_be_pending.discard(meeting_id)

    @rule(data=st.data())
    def cancel_a_foreign_activity(self, data: st.DataObject) -> None:
        """Try to cancel something this product did not create: always refused."""
        ids = sorted(self.foreign) or ["foreign-none"]
        try:
            self.world.meetings.cancel(data.draw(st.sampled_from(ids)))
        except NotFoundError:
            return
        raise AssertionError("a foreign activity was accepted for cancellation")

    @precondition(lambda self: bool(self._pending_ids()))
    @rule()
    def reconcile(self) -> None:
        """Settle pending meetings with a healthy provider: none stays pending."""
        self.world.meetings.reconcile()
        assert self._pending_ids() == set()
        self.may_be_pending.clear()

    @rule(minutes=st.sampled_from([15, 60, 240]))
    def time_passes(self, minutes: int) -> None:
        """Move the clock on (earlier requests may now start in the past)."""
        self.world.clock.advance(timedelta(minutes=minutes))

    # --- invariants --------------------------------------------------------------------

    @invariant()
    def foreign_activities_are_untouched(self) -> None:
        """Every activity this product did not create is present and unchanged."""
        for activity_id, activity in self.foreign.items():
            assert self.world.backend.activities.get(activity_id) == activity
        assert self.world.backend.calls["delete_window"] == 0

    @invariant()
    def ledger_and_provider_agree(self) -> None:
        """One activity per meeting and calendar at most, each one known to the ledger; a
        BOOKED meeting is in every calendar it belongs in (agent's, facilitator's)."""
        ours: dict[str, dict[str, Activity]] = {}  # meeting id -> calendar -> activity
        for activity in self.world.backend.activities.values():
            match = OURS.search(activity.description)
            if activity.id in self.foreign or match is None:
                continue
            held = ours.setdefault(match.group(1), {})
            assert activity.agent_id not in held, f"{match.group(1)} exists twice in a calendar"
            held[activity.agent_id] = activity
        meetings = {m.id: m for m in self.world.ledger.all()}
        for meeting_id, held in ours.items():
            meeting = meetings.get(meeting_id)
            assert meeting is not None, f"orphan activities {sorted(held)}"
            assert all(a.type_id == "type-meeting" for a in held.values())
            assert set(held) <= set(holders(meeting))
            if meeting.status is MeetingStatus.PENDING:
                assert meeting_id in self.may_be_pending
            else:
                assert meeting.status is MeetingStatus.BOOKED
                assert {a.id for a in held.values()} == recorded_ids(meeting)
                assert set(held) == set(holders(meeting))
        for meeting in meetings.values():
            if meeting.status is MeetingStatus.PENDING:
                assert meeting.id in self.may_be_pending, f"{meeting.id} left pending silently"
            elif meeting.status is MeetingStatus.BOOKED:
                assert meeting.id in ours, f"{meeting.id} is BOOKED but its activity is gone"
            else:
                assert meeting.id not in ours

    @invariant()
    def one_meeting_per_key(self) -> None:
        """A key belongs to one meeting, and the ledger's key index agrees."""
        keyed: dict[str, str] = {}
        for meeting in self.world.ledger.all():
            if meeting.idempotency_key is not None:
                assert meeting.idempotency_key not in keyed
                keyed[meeting.idempotency_key] = meeting.id
        for key, meeting_id in keyed.items():
            assert self.world.ledger.key_owner(key) == meeting_id


def test_booking_and_cancelling_never_destroy_other_data() -> None:
    """Runs the machine under the active hypothesis profile (ci: hundreds of examples)."""
    run_state_machine_as_test(MeetingSafety, settings=settings(settings(), deadline=None))


class CarelessProvider(InMemoryProvider):
    """A provider adapter that relies on the dangerous defaults (what the port forbids)."""

    def _create(self, new: NewActivity) -> Activity:
        """Create without allow_conflicts: overlapping activities are deleted."""
        return self.backend.create(new)

    def _delete(self, activity_id: str) -> None:
        """Delete by window: overlapping activities are trimmed."""
        found = self.backend.activities[activity_id]
        self.backend.delete_window([found.agent_id], found.start, found.end)


class CarelessMachine(MeetingSafety):
    """The same machine over the careless adapter."""

    provider_cls = CarelessProvider


def test_the_machine_catches_an_adapter_relying_on_dangerous_semantics() -> None:
    quick = settings(max_examples=200, database=None, phases=[Phase.generate], deadline=None)
    with pytest.raises(AssertionError):
        run_state_machine_as_test(CarelessMachine, settings=quick)
