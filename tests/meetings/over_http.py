""" "Never destroys other activities", as one state machine over HTTP against any vendor's
emulator, through a ``SafetyVendor`` (each vendor's test module brings its own).

Random bookings and cancellations through MeetingService -> the vendor's provider -> HTTP,
with faults injected into the emulator (5xx, connections dropped before or after the write
was applied, failing read-backs). After every step: the vendor's own check that nothing
foreign was touched (``check_foreign``), no meeting exists twice on the vendor's side, booked
meetings exist there and cancelled ones do not.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Protocol

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from wfm_bridge.core.ledger import MeetingLedger
from wfm_bridge.core.mapping import EmployeeMapper
from wfm_bridge.core.meetings import MeetingService
from wfm_bridge.plugins.emulation.faults import Fault
from wfm_bridge.plugins.memory_fake.cache import InMemoryCache
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.directory import InMemoryEmployeeDirectory
from wfm_bridge.plugins.memory_fake.state import InMemoryStateStore
from wfm_bridge.ports.errors import WfmError
from wfm_bridge.ports.models import Activity, Employee, MeetingStatus

NOW = datetime(2025, 6, 2, 6, 0, tzinfo=UTC)  # a Monday, before the shifts
EMAILS = {"ana@example.com": "agent-ana", "bo@example.com": "agent-bo"}
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
WRITE_FAULTS = (  # each vendor says which of its requests these strike
    "create 503",
    "create lost before",
    "create lost after",
    "delete lost after",
    "delete 503",
)
SHARED_FAULTS = {
    "none": [],
    "reads fail": [Fault("status", status=503, method="GET", times=3)],
}
FAULT_NAMES = sorted([*WRITE_FAULTS, *SHARED_FAULTS])


class SafetyVendor(Protocol):
    """One vendor's emulator as the machine drives and checks it."""

    emulator: Any  # its ``faults`` are added before a step and cleared after it
    faults: dict[str, list[Fault]]  # by every name of ``WRITE_FAULTS``

    def start(self, clock: InMemoryClock) -> Any:
        """Empty the emulator, seed the people and ``FOREIGN``; a provider talking to it."""

    def check_foreign(self) -> None:
        """Assert that no activity but ours was changed or deleted (the vendor's ledger)."""

    def our_meetings(self) -> list[str]:
        """The meeting id of every booking of ours the emulator holds (repeats included)."""


class MeetingsOverHttp(RuleBasedStateMachine):
    """MeetingService -> the vendor's provider -> HTTP -> its emulator."""

    vendor: ClassVar[SafetyVendor]  # set by ``run`` (one server for every example)

    def __init__(self) -> None:
        super().__init__()
        self.faults = {**SHARED_FAULTS, **self.vendor.faults}
        assert sorted(self.faults) == FAULT_NAMES
        clock = InMemoryClock(NOW)
        provider = self.vendor.start(clock)
        cache = InMemoryCache(clock)
        directory = InMemoryEmployeeDirectory(Employee(host_id=e, email=e) for e in sorted(EMAILS))
        mapper = EmployeeMapper(provider, directory, cache, clock, "t")
        self.ledger = MeetingLedger(InMemoryStateStore(), "t")
        self.meetings = MeetingService(provider, mapper, self.ledger, clock)

    def _with(self, fault: str) -> None:
        for f in self.faults[fault]:
            self.vendor.emulator.faults.add(replace(f))  # a copy: a hit uses up its ``times``

    def _after(self) -> None:
        self.vendor.emulator.faults.clear()  # a fault the step did not reach must not leak

    @rule(
        email=st.sampled_from(sorted(EMAILS)),
        day=st.integers(0, 3),
        quarter=st.integers(12, 48),
        minutes=st.sampled_from([15, 30, 60]),
        key=st.one_of(st.none(), st.sampled_from(["k1", "k2"])),
        fault=st.sampled_from(FAULT_NAMES),
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

    @rule(data=st.data(), fault=st.sampled_from(FAULT_NAMES))
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
        self.vendor.check_foreign()

    @invariant()
    def no_meeting_exists_twice_and_booked_ones_exist(self) -> None:
        ours = self.vendor.our_meetings()
        assert len(ours) == len(set(ours))
        for meeting in self.ledger.all():
            if meeting.status is MeetingStatus.BOOKED:
                assert meeting.id in ours
            elif meeting.status is MeetingStatus.CANCELLED:
                assert meeting.id not in ours


def run(vendor: SafetyVendor, name: str) -> None:
    """Run the machine against ``vendor`` (as a class named ``name``, for hypothesis's
    reports), with a quarter of the profile's examples of 8 steps each."""
    machine = type(name, (MeetingsOverHttp,), {"vendor": vendor})
    profile = settings()
    run_state_machine_as_test(
        machine,
        settings=settings(
            profile,
            max_examples=max(8, profile.max_examples // 4),
            stateful_step_count=8,
            deadline=None,
        ),
    )
