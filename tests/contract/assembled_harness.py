"""The Assembled provider under the provider conformance suite, over real HTTP to the emulator.

Run through the conformance kit by tests/contract/test_assembled.py. The provider runs on a
fake clock (backoff and rate-limit waits cost no test time); the emulator's rate limit is high.
People are paged 10 at a time, so the suite's 25 people take several pages. The score
mapping adds ``updated_at`` to the default fields, so the rows the emulator holds convert
back to ``ScorePush`` without loss.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from pydantic import SecretStr

from wfm_bridge.plugins.assembled.config import DEFAULT_SCORE_FIELDS, AssembledConfig
from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.assembled.emulator.seed import seed
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer
from wfm_bridge.plugins.assembled.plugin import KEY_PATTERN
from wfm_bridge.plugins.assembled.provider import AssembledProvider
from wfm_bridge.plugins.assembled.wire import from_unix
from wfm_bridge.plugins.emulation.faults import Fault
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.models import Activity, ActivityType, ProviderPerson, ScorePush, Team

GOOD_KEY = "sk_live_" + "g" * 32  # the only key the emulator accepts
MEETING_TYPE = ActivityType(id="t-1to1", name="Meeting")  # what Assembled books 1:1s as
LOSSLESS_SCORES = DEFAULT_SCORE_FIELDS + ",updated_at=updated_at"


class AssembledEmulatorHarness:
    """AssembledProvider -> HTTP -> emulator; the backdoor is the emulator's state."""

    name = "assembled_emulator"
    paging_people = 25
    capabilities: tuple[str, ...] = ("schedules", "one_to_ones", "scores", "teams")
    credentials: Mapping[str, str] = {"api_key": GOOD_KEY}
    secret_fields: tuple[str, ...] = ("api_key",)
    secret_patterns: tuple[str, ...] = (KEY_PATTERN,)

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.emulator = server.emulator
        self.clock = InMemoryClock()
        self._providers: list[AssembledProvider] = []

    def provider(self, credentials: Mapping[str, str] | None = None) -> AssembledProvider:
        """A provider holding ``credentials``, talking to the emulator."""
        api_key = (credentials or self.credentials)["api_key"]
        config = AssembledConfig.from_options(
            {
                "base_url": self.server.base_url,
                "page_size": "10",
                "rate": "1000",
                "burst": "1000",
                "scores_fields": LOSSLESS_SCORES,
            }
        )
        provider = AssembledProvider(config, SecretStr(api_key), self.clock)
        self._providers.append(provider)
        return provider

    def enable_one_to_ones(self) -> None:
        """Assembled books 1:1s as activities of the type named exactly ``Meeting``."""
        self.seed(activity_types=[MEETING_TYPE])

    def seed(
        self,
        people: Sequence[ProviderPerson] = (),
        activity_types: Sequence[ActivityType] = (),
        activities: Sequence[Activity] = (),
    ) -> None:
        """Load into the emulator, ids as given."""
        seed(self.emulator.state, people, activity_types, activities)

    def seed_teams(self, teams: Sequence[Team]) -> None:
        """Load teams into the emulator (people carry their ids in ``teams``)."""
        seed(self.emulator.state, teams=teams)

    def server_activities(self) -> list[Activity]:
        """Every activity the emulator holds, unclipped."""
        with self.emulator.state.lock:
            stored = list(self.emulator.state.activities.values())
        return [
            Activity(
                id=a["id"],
                agent_id=a["agent_id"],
                type_id=a["type_id"],
                start=from_unix(a["start_time"]),
                end=from_unix(a["end_time"]),
                description=a.get("description") or "",
            )
            for a in stored
        ]

    def server_scores(self) -> list[ScorePush]:
        """Every score row the emulator holds (it upserts by external id)."""
        with self.emulator.state.lock:
            rows = list(self.emulator.state.scores.values())
        return [
            ScorePush(
                evaluation_id=r["conversation_external_id"],
                agent_id=r["agent_id"],
                score=r["score"],
                max_score=r["max_score"],
                scorecard=r.get("rubric") or "",
                evaluated_at=from_unix(r["scored_at"]),
                updated_at=from_unix(r["updated_at"]),
            )
            for r in rows
        ]

    def inject_outage(self) -> None:
        """Every request answers 503 until ``reset`` (the provider's retries give up)."""
        self.emulator.faults.add(Fault("status", status=503, times=None))

    def reset(self) -> None:
        """Empty the emulator and drop injected faults."""
        self.emulator.state.clear()
        self.emulator.faults.clear()

    def close(self) -> None:
        """Close every provider's connections."""
        for provider in self._providers:
            provider.close()


@contextmanager
def assembled_emulator(tmp: Path) -> Iterator[AssembledEmulatorHarness]:
    """Start an emulator on a free loopback port for one test; stop it afterwards."""
    emulator = Emulator(EmulatorConfig(keys=(GOOD_KEY,), rate=1000.0, burst=1000))
    with EmulatorServer(emulator) as server:
        harness = AssembledEmulatorHarness(server)
        try:
            yield harness
        finally:
            harness.close()
