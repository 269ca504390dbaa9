""" "Never destroys other activities", as a state machine over HTTP against the emulator.

Random bookings and cancellations, with faults injected into the emulator (5xx, connections
dropped before or after the write was applied, failing read-backs). The emulator has
Assembled's real semantics (a create without ``allow_conflicts`` deletes overlaps, the window
delete trims), so any use of them would show in its ledger. After every step: no foreign
activity is changed, nothing was trimmed, every deletion was a delete-by-id of an activity
this product created, and no meeting exists twice.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from wfm_bridge.core.ledger import MeetingLedger
from wfm_bridge.core.mapping import EmployeeMapper
from wfm_bridge.core.meetings import MeetingService
from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.assembled.emulator.seed import seed
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer
from wfm_bridge.plugins.emulation.faults import Fault
from wfm_bridge.plugins.memory_fake.cache import InMemoryCache
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.directory import InMemoryEmployeeDirectory
from wfm_bridge.plugins.memory_fake.state import InMemoryStateStore
from wfm_bridge.ports.errors import WfmError
from wfm_bridge.ports.models import Activity, ActivityType, Employee, MeetingStatus, ProviderPerson

from .support import KEY, http_provider

NOW = datetime(2025, 6, 2, 6, 0, tzinfo=UTC)  # a Monday, before the shifts
OURS = re.compile(r"\(ref (mtg-[^)]+)\)$")
EMAILS = {"ana@example.com": "agent-ana", "bo@example.com": "agent-bo"}
PEOPLE = [
    ProviderPerson(person_id=f"p-{a}", agent_id=a, first_name=e.split("@")[0], email=e)
    for e, a in EMAILS.items()
]
TYPES = [ActivityType(id="type-shift", name="Shift"), ActivityType(id="type-mtg", name="Meeting")]
FOREIGN = [
    Activity(
        id=f"shift-{a}-{d}",
        agent_id=a,
        type_id="type-shift",
        start=NOW + timedelta(days=d, hours=3),
        end=NOW + timedelta(days=d, hours=11),
        description="shift",
    )
    for a in EMAILS.values()
    for d in range(4)
]
FAULTS = {
    "none": [],
    "create 503": [Fault("status", status=503, method="POST", path="/v0/activities")],
    "create lost before": [Fault("drop", method="POST", path="/v0/activities")],
    "create lost after": [Fault("drop", method="POST", path="/v0/activities", after_apply=True)],
    "delete lost after": [
        Fault("drop", method="POST", path="/v0/activities/bulk", after_apply=True)
    ],
    "delete 503": [Fault("status", status=503, path="/v0/activities/bulk")],
    "reads fail": [Fault("status", status=503, method="GET", times=3)],
}


class MeetingsOverHttp(RuleBasedStateMachine):
    """MeetingService -> AssembledProvider -> HTTP -> emulator."""

    server: EmulatorServer  # set by the test (one server for every example)

    def __init__(self) -> None:
        super().__init__()
        self.emulator = self.server.emulator
        self.emulator.state.clear()
        self.emulator.faults.clear()
        seed(self.emulator.state, PEOPLE, TYPES, FOREIGN)
        self.foreign = {k: dict(v) for k, v in self.emulator.state.activities.items()}
        clock = InMemoryClock(NOW)
        provider = http_provider(self.server, clock=clock)
        cache = InMemoryCache(clock)
        directory = InMemoryEmployeeDirectory(Employee(host_id=e, email=e) for e in sorted(EMAILS))
        mapper = EmployeeMapper(provider, directory, cache, clock, "t")
        self.ledger = MeetingLedger(InMemoryStateStore(), "t")
        self.meetings = MeetingService(provider, mapper, self.ledger, clock)

    def _with(self, fault: str) -> None:
        for f in FAULTS[fault]:
            self.emulator.faults.add(f)

    def _after(self) -> None:
        self.emulator.faults.clear()  # a fault the step did not reach must not leak

    @rule(
        email=st.sampled_from(sorted(EMAILS)),
        day=st.integers(0, 3),
        quarter=st.integers(12, 48),
        minutes=st.sampled_from([15, 30, 60]),
        key=st.one_of(st.none(), st.sampled_from(["k1", "k2"])),
        fault=st.sampled_from(sorted(FAULTS)),
    )
    def book(
        self, email: str, day: int, quarter: int, minutes: int, key: str | None, fault: str
    ) -> None:
        start = NOW + timedelta(days=day, minutes=15 * quarter)
        self._with(fault)
        try:
            self.meetings.book(email, start, minutes, "coaching", key=key)
        except WfmError:
            pass  # refused or not confirmed: the invariants say what may have happened
        finally:
            self._after()

    @rule(data=st.data(), fault=st.sampled_from(sorted(FAULTS)))
    def cancel(self, data: st.DataObject, fault: str) -> None:
        ids = sorted(m.id for m in self.ledger.all())
        if not ids:
            return
        self._with(fault)
        try:
            self.meetings.cancel(data.draw(st.sampled_from(ids)))
        except WfmError:
            pass
        finally:
            self._after()

    @rule()
    def reconcile(self) -> None:
        self.meetings.reconcile()

    @invariant()
    def nothing_foreign_was_touched(self) -> None:
        state = self.emulator.state
        with state.lock:
            for key, activity in self.foreign.items():
                assert state.activities.get(key) == activity
            assert state.ledger.trimmed == []
            created = {a["id"] for a in state.ledger.created}
            for activity, why in state.ledger.deleted:
                assert why == "bulk delete by id" and activity["id"] in created

    @invariant()
    def no_meeting_exists_twice_and_booked_ones_exist(self) -> None:
        with self.emulator.state.lock:
            ours = [
                m.group(1)
                for a in self.emulator.state.activities.values()
                if (m := OURS.search(a["description"] or ""))
            ]
        assert len(ours) == len(set(ours))
        for meeting in self.ledger.all():
            if meeting.status is MeetingStatus.BOOKED:
                assert meeting.id in ours
            elif meeting.status is MeetingStatus.CANCELLED:
                assert meeting.id not in ours


def test_meetings_over_http_never_destroy_other_activities() -> None:
    emulator = Emulator(EmulatorConfig(keys=(KEY,), rate=1000, burst=1000))
    with EmulatorServer(emulator) as server:
        MeetingsOverHttp.server = server
        profile = settings()
        run_state_machine_as_test(
            MeetingsOverHttp,
            settings=settings(
                profile,
                max_examples=max(8, profile.max_examples // 4),
                stateful_step_count=8,
                deadline=None,
            ),
        )
