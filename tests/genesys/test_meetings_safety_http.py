""" "Never destroys other activities" over HTTP against the Genesys emulator: the shared
machine (tests/meetings/over_http.py) with Genesys's faults and checks.

Meetings are coaching appointments here. After every step: every foreign schedule activity
is exactly as seeded, every appointment deleted was one this product created (once), and no
meeting exists twice as a coaching appointment; booked meetings exist, cancelled ones do not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from contract.genesys_harness import CLIENT_ID, CLIENT_SECRET, GenesysEmulatorHarness
from meetings.over_http import EMAILS, FOREIGN, run

from wfm_bridge.plugins.emulation.faults import Fault
from wfm_bridge.plugins.genesys.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.genesys.emulator.server import EmulatorServer
from wfm_bridge.plugins.genesys.provider import REFERENCE_MARK
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.models import ActivityType, ProviderPerson

PEOPLE = [
    ProviderPerson(person_id=a, agent_id=a, first_name=e.split("@")[0], email=e)
    for e, a in EMAILS.items()
]
TYPES = [ActivityType(id="type-shift", name="Shift")]
APPOINTMENTS = "/api/v2/coaching/appointments"


class GenesysSafety:
    """The Genesys emulator (through the contract harness) as the machine drives and checks it."""

    faults = {
        "create 503": [Fault("status", status=503, method="POST", path=APPOINTMENTS)],
        "create lost before": [Fault("drop", method="POST", path=APPOINTMENTS)],
        "create lost after": [Fault("drop", method="POST", path=APPOINTMENTS, after_apply=True)],
        "delete lost after": [
            Fault("drop", method="DELETE", path=APPOINTMENTS, after_apply=True)
        ],
        "delete 503": [Fault("status", status=503, method="DELETE", path=APPOINTMENTS)],
    }

    def __init__(self, harness: GenesysEmulatorHarness) -> None:
        self.harness = harness
        self.emulator = harness.emulator
        self.foreign: list[str] = []

    def start(self, clock: InMemoryClock) -> Any:
        h = self.harness
        h.reset()
        h.seed(PEOPLE, TYPES, FOREIGN)
        h.enable_one_to_ones()
        self.foreign = sorted(a.model_dump_json() for a in h.server_activities())
        h.clock = clock
        return h.provider()

    def check_foreign(self) -> None:
        state = self.emulator.state
        mine = {a["id"] for a in state.coaching.appointments.values()}
        with state.lock:
            created = {a["id"] for a in state.ledger.appointments_created}
            deleted = [a["id"] for a in state.ledger.appointments_deleted]
        now = [a for a in self.harness.server_activities() if a.id not in mine]
        assert sorted(a.model_dump_json() for a in now) == self.foreign
        assert set(deleted) <= created and len(deleted) == len(set(deleted))

    def our_meetings(self) -> list[str]:
        with self.emulator.state.lock:
            return [
                a["description"].split(REFERENCE_MARK, 1)[1].strip(" ]")
                for a in self.emulator.state.coaching.appointments.values()
                if REFERENCE_MARK in a["description"]
            ]


def test_meetings_over_genesys_never_destroy_other_activities(tmp_path: Path) -> None:
    emulator = Emulator(EmulatorConfig(clients=((CLIENT_ID, CLIENT_SECRET),), rate_limit=False))
    with EmulatorServer(emulator) as server:
        harness = GenesysEmulatorHarness(server, tmp_path)
        try:
            run(GenesysSafety(harness), "MeetingsOverGenesys")
        finally:
            harness.close()
