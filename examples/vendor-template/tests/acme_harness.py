"""The Acme provider's ProviderHarness for the wfm-bridge conformance kit: AcmeProvider over
HTTP to the fake Acme server, with the server's state as the backdoor."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from acme_wfm.fake_server import FakeAcme, FakeAcmeServer
from acme_wfm.plugin import CAPABILITIES, SECRET_PATTERN
from acme_wfm.provider import AcmeProvider
from pydantic import SecretStr

from wfm_bridge.ports.models import Activity, ActivityType, ProviderPerson, ScorePush

GOOD = {"client_id": "acme-client-7", "client_secret": "acme_sec_" + "k" * 24}


class AcmeHarness:
    """Seeds and reads the fake Acme's state directly."""

    name = "acme"
    capabilities = CAPABILITIES
    paging_people = 25  # Acme pages people 10 at a time
    credentials: Mapping[str, str] = GOOD
    secret_fields = ("client_secret",)
    secret_patterns = (SECRET_PATTERN,)

    def __init__(self, server: FakeAcmeServer) -> None:
        self.server, self.acme = server, server.acme
        self._providers: list[AcmeProvider] = []

    def provider(self, credentials: Mapping[str, str] | None = None) -> AcmeProvider:
        """A provider holding ``credentials``, talking to the fake server."""
        held = {k: SecretStr(v) for k, v in (credentials or self.credentials).items()}
        self._providers.append(AcmeProvider(self.server.base_url, held))
        return self._providers[-1]

    def enable_one_to_ones(self) -> None:
        """Acme declares no one_to_ones: nothing to seed."""

    def seed(
        self,
        people: Sequence[ProviderPerson] = (),
        activity_types: Sequence[ActivityType] = (),
        activities: Sequence[Activity] = (),
    ) -> None:
        """Store the rows as the server keeps them (JSON)."""
        with self.acme.lock:
            self.acme.people.update({p.person_id: p.model_dump(mode="json") for p in people})
            types = {t.id: t.model_dump(mode="json") for t in activity_types}
            self.acme.activity_types.update(types)
            self.acme.activities.update({a.id: a.model_dump(mode="json") for a in activities})

    def server_activities(self) -> list[Activity]:
        """Every activity the server holds."""
        with self.acme.lock:
            return [Activity.model_validate(a) for a in self.acme.activities.values()]

    def server_scores(self) -> list[ScorePush]:
        """Every score row the server holds."""
        with self.acme.lock:
            return [ScorePush.model_validate(s) for s in self.acme.scores.values()]

    def inject_outage(self) -> None:
        """Every request answers 503 until ``reset``."""
        self.acme.outage = True

    def reset(self) -> None:
        """An empty server, no outage."""
        self.acme.clear()

    def close(self) -> None:
        """Close every provider's connections."""
        for provider in self._providers:
            provider.close()


@contextmanager
def acme_harness(tmp: Path) -> Iterator[AcmeHarness]:
    """A fake Acme server on a free port for one test."""
    with FakeAcmeServer(FakeAcme(GOOD["client_id"], GOOD["client_secret"])) as server:
        harness = AcmeHarness(server)
        try:
            yield harness
        finally:
            harness.close()
