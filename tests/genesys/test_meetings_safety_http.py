""" "Never destroys other activities", as a state machine over HTTP against the Genesys emulator.

Random bookings and cancellations through MeetingService -> GenesysProvider -> HTTP, with
faults injected into the emulator (5xx, connections dropped before or after the write was
applied, failing read-backs). After every step: every foreign schedule activity is exactly
as seeded, every appointment deleted was one this product created, and no meeting exists
twice as a coaching appointment; booked meetings exist, cancelled ones do not.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from contract.genesys_harness import CLIENT_ID, CLIENT_SECRET, GenesysEmulatorHarness
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from wfm_bridge.core.ledger import MeetingLedger
from wfm_bridge.core.mapping import EmployeeMapper
from wfm_bridge.core.meetings import MeetingService
from wfm_bridge.plugins.assembled.emulator.faults import Fault
from wfm_bridge.plugins.genesys.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.genesys.emulator.server import EmulatorServer
from wfm_bridge.plugins.genesys.provider import REFERENCE_MARK
from wfm_bridge.plugins.memory_fake.cache import InMemoryCache
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.directory import InMemoryEmployeeDirectory
from wfm_bridge.plugins.memory_fake.state import InMemoryStateStore
from wfm_bridge.ports.errors import WfmError
from wfm_bridge.ports.models import Activity, ActivityType, Employee, MeetingStatus, ProviderPerson

NOW = datetime(2025, 6, 2, 6, 0, tzinfo=UTC)  # a Monday, before the shifts
EMAILS = {"ana@example.com": "agent-ana", "bo@example.com": "agent-bo"}
PEOPLE = [
    ProviderPerson(person_id=a, agent_id=a, first_name=e.split("@")[0], email=e)
    for e, a in EMAILS.items()
]
TYPES = [ActivityType(id="type-shift", name="Shift")]
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
APPOINTMENTS = "/api/v2/coaching/appointments"
FAULTS = {
    "none": [],
    "create 503": [Fault("status", status=503, method="POST", path=APPOINTMENTS)],
    "create lost before": [Fault("drop", method="POST", path=APPOINTMENTS)],
    "create lost after": [Fault("drop", method="POST", path=APPOINTMENTS, after_apply=True)],
    "delete lost after": [Fault("drop", method="DELETE", path=APPOINTMENTS, after_apply=True)],
    "delete 503": [Fault("status", status=503, method="DELETE", path=APPOINTMENTS)],
    "reads fail": [Fault("status", status=503, method="GET", times=3)],
}


class MeetingsOverGenesys(RuleBasedStateMachine):
    """MeetingService -> GenesysProvider -> HTTP -> emulator."""

    harness: GenesysEmulatorHarness  # set by the test (one server for every example)

    def __init__(self) -> None:
        super().__init__()
        h = self.harness
        h.reset()
        h.seed(PEOPLE, TYPES, FOREIGN)
        h.enable_one_to_ones()
        self.emulator = h.emulator
        self.foreign = sorted(a.model_dump_json() for a in h.server_activities())
        clock = InMemoryClock(NOW)
        h.clock = clock
        provider = h.provider()
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
        mine = {a["id"] for a in state.coaching.appointments.values()}
        with state.lock:
            created = {a["id"] for a in state.ledger.appointments_created}
            deleted = [a["id"] for a in state.ledger.appointments_deleted]
        now = [a for a in self.harness.server_activities() if a.id not in mine]
        assert sorted(a.model_dump_json() for a in now) == self.foreign
        assert set(deleted) <= created and len(deleted) == len(set(deleted))

    @invariant()
    def no_meeting_exists_twice_and_booked_ones_exist(self) -> None:
        with self.emulator.state.lock:
            ours = [
                a["description"].split(REFERENCE_MARK, 1)[1].strip(" ]")
                for a in self.emulator.state.coaching.appointments.values()
                if REFERENCE_MARK in a["description"]
            ]
        assert len(ours) == len(set(ours))
        for meeting in self.ledger.all():
            if meeting.status is MeetingStatus.BOOKED:
                assert meeting.id in ours
            elif meeting.status is MeetingStatus.CANCELLED:
                assert meeting.id not in ours


def test_meetings_over_genesys_never_destroy_other_activities(tmp_path: Path) -> None:
    emulator = Emulator(EmulatorConfig(clients=((CLIENT_ID, CLIENT_SECRET),), rate_limit=False))
    with EmulatorServer(emulator) as server:
        MeetingsOverGenesys.harness = GenesysEmulatorHarness(server, tmp_path)
        profile = settings()
        try:
            run_state_machine_as_test(
                MeetingsOverGenesys,
                settings=settings(
                    profile,
                    max_examples=max(8, profile.max_examples // 4),
                    stateful_step_count=8,
                    deadline=None,
                ),
            )
        finally:
            MeetingsOverGenesys.harness.close()
