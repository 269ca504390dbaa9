"""The Genesys provider under the provider conformance suite, over real HTTP to the emulator.

Run through the conformance kit by tests/contract/test_genesys.py (and used by the Genesys
tests in tests/genesys). Credentials are the OAuth client's ``client_id`` and the secret
``client_secret`` the emulator accepts; the declared secret pattern is the bearer token's, so
the samples it must catch are real tokens the emulator issues. The backdoor translates the
suite's terms into Genesys's: one business unit holding every activity type as an activity
code; people as users (id = the agent id, else the person id), agents in one management
unit, each a member of the Genesys teams its ``team_ids`` name (teams seeded by
``seed_teams``, before or after their members); each seeded activity as a shift of its own
whose id is the activity's (the provider names a shift's first activity by the shift id).
``server_scores`` expands each stored daily value into the evaluations the provider's day
ledger says it is made of, each carrying the stored value (exact when a user has one
evaluation a day, as in the suite); a doubled daily value would show as doubled evaluations.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr

from wfm_bridge.plugins.emulation.faults import Fault
from wfm_bridge.plugins.genesys.config import GenesysConfig
from wfm_bridge.plugins.genesys.emulator.directory import user_wire
from wfm_bridge.plugins.genesys.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.genesys.emulator.metrics import definition_wire
from wfm_bridge.plugins.genesys.emulator.schedules import Shift, Slot, search_result
from wfm_bridge.plugins.genesys.emulator.seed import (
    activity_code_wire,
    business_unit_wire,
    management_unit_wire,
)
from wfm_bridge.plugins.genesys.emulator.server import EmulatorServer
from wfm_bridge.plugins.genesys.emulator.teams import team_wire
from wfm_bridge.plugins.genesys.plugin import TOKEN_PATTERN
from wfm_bridge.plugins.genesys.provider import GenesysProvider
from wfm_bridge.plugins.genesys.schedules import ActivityStream
from wfm_bridge.plugins.genesys.scores import DayLedger
from wfm_bridge.plugins.genesys.wire import AgentSchedules, parse
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.models import Activity, ActivityType, ProviderPerson, ScorePush, Team

CLIENT_ID = "0b5c1a2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
CLIENT_SECRET = "s3cr3t-" + "x" * 36
BU = "bu-contract"
MU = "mu-contract"
ZONE = "America/Chicago"
METRIC_ID = "metric-qa"
COACHING_TYPE = ActivityType(id="t-1to1", name="Meeting")
_EVER = (datetime(1990, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


class GenesysEmulatorHarness:
    """GenesysProvider -> HTTP -> emulator; the backdoor is the emulator's state."""

    name = "genesys_emulator"
    paging_people = 25
    capabilities: tuple[str, ...] = ("schedules", "one_to_ones", "scores", "teams")
    credentials: Mapping[str, str] = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    secret_fields: tuple[str, ...] = ("client_secret",)
    secret_patterns: tuple[str, ...] = (TOKEN_PATTERN,)

    def __init__(self, server: EmulatorServer, tmp: Path) -> None:
        self.server = server
        self.emulator = server.emulator
        self.clock = InMemoryClock()
        self.ledger_path = tmp / "genesys" / "contract.scores.json"
        self._providers: list[GenesysProvider] = []
        self.reset()

    @property
    def secret_samples(self) -> tuple[str, ...]:
        """What the declared pattern is for: an access token as a request header carries it."""
        token = self.emulator.issue_token(CLIENT_ID, CLIENT_SECRET)
        assert token is not None
        return (f"Authorization: Bearer {token}",)

    def provider(self, credentials: Mapping[str, str] | None = None) -> GenesysProvider:
        """A provider holding ``credentials``, talking to the emulator."""
        given = credentials or self.credentials
        config = GenesysConfig.from_options(
            {
                "base_url": self.server.base_url,
                "page_size": "10",
                "rate": "1000",
                "burst": "1000",
            }
        )
        provider = GenesysProvider(
            config,
            SecretStr(given["client_id"]),
            SecretStr(given["client_secret"]),
            self.clock,
            ledger=DayLedger(self.ledger_path),
        )
        self._providers.append(provider)
        return provider

    def enable_one_to_ones(self) -> None:
        """A Meeting code that is the business unit's coaching activity code."""
        self.seed(activity_types=[COACHING_TYPE])
        with self.emulator.state.lock:
            org = self.emulator.state.org
            org.business_units[BU]["settings"]["coaching"] = {
                "defaultActivityCode": {"id": COACHING_TYPE.id}
            }

    def seed(
        self,
        people: Sequence[ProviderPerson] = (),
        activity_types: Sequence[ActivityType] = (),
        activities: Sequence[Activity] = (),
    ) -> None:
        """Load into the emulator, ids as given."""
        state = self.emulator.state
        with state.lock:
            org = state.org
            for t in activity_types:
                code = activity_code_wire(t, BU)
                if t.time_off:
                    code["category"] = "TimeOff"
                org.activity_codes[BU][t.id] = code
            for p in people:
                user_id = p.agent_id or p.person_id
                org.add_user(
                    user_wire(
                        user_id,
                        f"{p.first_name} {p.last_name}".strip(),
                        p.email,
                        "active" if p.active else "inactive",
                    )
                )
                for team_id in p.team_ids:
                    state.teams.add_members(team_id, [user_id])
            agents = [p.agent_id for p in people if p.agent_id]
            if agents:
                org.add_management_unit(management_unit_wire(MU, "Contract", BU, ZONE), agents)
            for a in activities:
                start = a.start.timestamp()
                minutes = round((a.end.timestamp() - start) / 60)
                slot = Slot(start, minutes, a.type_id, a.description)
                state.schedules.add_shift(a.agent_id, Shift(a.id, [slot]))

    def seed_teams(self, teams: Sequence[Team]) -> None:
        """Genesys teams, ids and names as given (members come from the people's team ids)."""
        with self.emulator.state.lock:
            for t in teams:
                self.emulator.state.teams.add_team(team_wire(t.id, t.name))

    def server_activities(self) -> list[Activity]:
        """Every activity the emulator holds, unclipped, named as the provider names them."""
        state = self.emulator.state
        with state.lock:
            users = state.schedules.users()
            answer = search_result(
                state.schedules, BU, ZONE, users, _EVER[0].timestamp(), _EVER[1].timestamp()
            )
        typed = parse(AgentSchedules, json.dumps(answer).encode(), "the emulator's schedules")
        return ActivityStream(users, *_EVER).convert(typed)

    def server_scores(self) -> list[ScorePush]:
        """Every stored daily value, as the evaluations behind it."""
        with self.emulator.state.lock:
            data = dict(self.emulator.state.metrics.data)
        rows = DayLedger(self.ledger_path).rows()
        out = []
        for (user, metric, day), stored in data.items():
            moment = datetime.fromisoformat(day).replace(tzinfo=UTC)
            for evaluation, row in rows.items():
                if (row[0], row[1], row[2]) == (user, metric, day):
                    out.append(
                        ScorePush(
                            evaluation_id=evaluation,
                            agent_id=user,
                            score=stored["value"],
                            max_score=100,
                            scorecard=metric,
                            evaluated_at=moment,
                            updated_at=moment,
                        )
                    )
        return out

    def inject_outage(self) -> None:
        """Every request (token, API, downloads) answers 503 until ``reset``."""
        self.emulator.faults.add(Fault("status", status=503, times=None))

    def reset(self) -> None:
        """Empty the emulator (keeping the business unit and the QA metric), drop faults."""
        state = self.emulator.state
        state.clear()
        self.emulator.faults.clear()
        self.ledger_path.unlink(missing_ok=True)
        with state.lock:
            state.org.add_business_unit(business_unit_wire(BU, "Contract", ZONE, ""))
            state.org.business_units[BU]["settings"]["coaching"] = {}
            metric = definition_wire(METRIC_ID, "QA score", "Percent", 2)
            state.metrics.definitions[METRIC_ID] = metric

    def close(self) -> None:
        """Close every provider's connections."""
        for provider in self._providers:
            provider.close()


@contextmanager
def genesys_emulator(tmp: Path) -> Iterator[GenesysEmulatorHarness]:
    """Start an emulator on a free loopback port for one test; stop it afterwards."""
    emulator = Emulator(EmulatorConfig(clients=((CLIENT_ID, CLIENT_SECRET),), rate_limit=False))
    with EmulatorServer(emulator) as server:
        harness = GenesysEmulatorHarness(server, tmp)
        try:
            yield harness
        finally:
            harness.close()
