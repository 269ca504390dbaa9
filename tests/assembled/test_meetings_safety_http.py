""" "Never destroys other activities" over HTTP against the Assembled emulator: the shared
machine (tests/meetings/over_http.py) with Assembled's faults and checks.

The emulator has Assembled's real semantics (a create without ``allow_conflicts`` deletes
overlaps, the window delete trims), so any use of them would show in its ledger. After every
step: no foreign activity is changed, nothing was trimmed, every deletion was a delete-by-id
of an activity this product created, and no meeting exists twice.
"""

from __future__ import annotations

import re
from typing import Any

from meetings.over_http import EMAILS, FOREIGN, run

from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.assembled.emulator.seed import seed
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer
from wfm_bridge.plugins.emulation.faults import Fault
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.models import ActivityType, ProviderPerson

from .support import KEY, http_provider

OURS = re.compile(r"\(ref (mtg-[^)]+)\)$")
PEOPLE = [
    ProviderPerson(person_id=f"p-{a}", agent_id=a, first_name=e.split("@")[0], email=e)
    for e, a in EMAILS.items()
]
TYPES = [ActivityType(id="type-shift", name="Shift"), ActivityType(id="type-mtg", name="Meeting")]
BULK = "/v0/activities/bulk"


class AssembledSafety:
    """The Assembled emulator as the machine drives and checks it."""

    faults = {
        "create 503": [Fault("status", status=503, method="POST", path="/v0/activities")],
        "create lost before": [Fault("drop", method="POST", path="/v0/activities")],
        "create lost after": [
            Fault("drop", method="POST", path="/v0/activities", after_apply=True)
        ],
        "delete lost after": [Fault("drop", method="POST", path=BULK, after_apply=True)],
        "delete 503": [Fault("status", status=503, path=BULK)],
    }

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.emulator = server.emulator
        self.foreign: dict[str, Any] = {}

    def start(self, clock: InMemoryClock) -> Any:
        self.emulator.reset()
        seed(self.emulator.state, PEOPLE, TYPES, FOREIGN)
        self.foreign = {k: dict(v) for k, v in self.emulator.state.activities.items()}
        return http_provider(self.server, clock=clock)

    def check_foreign(self) -> None:
        state = self.emulator.state
        with state.lock:
            for key, activity in self.foreign.items():
                assert state.activities.get(key) == activity
            assert state.ledger.trimmed == []
            created = {a["id"] for a in state.ledger.created}
            for activity, why in state.ledger.deleted:
                assert why == "bulk delete by id" and activity["id"] in created

    def our_meetings(self) -> list[str]:
        with self.emulator.state.lock:
            return [
                m.group(1)
                for a in self.emulator.state.activities.values()
                if (m := OURS.search(a["description"] or ""))
            ]


def test_meetings_over_http_never_destroy_other_activities() -> None:
    emulator = Emulator(EmulatorConfig(keys=(KEY,), rate=1000, burst=1000))
    with EmulatorServer(emulator) as server:
        run(AssembledSafety(server), "MeetingsOverAssembled")
