"""memory_fake's ProviderHarnesses for the conformance kit (as a vendor writes its own).

Two harnesses: the in-process fake, and the fake persisted to a file where every call opens
its own backend, as separate CLI processes would, so nothing passes through memory. An outage
makes every backend call (and the key check) raise ``UnavailableError`` until ``reset``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from pydantic import SecretStr

from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend, Fault
from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
from wfm_bridge.plugins.memory_fake.snapshot import Snapshot
from wfm_bridge.plugins.memory_fake.store import PersistentFakeBackend
from wfm_bridge.ports.errors import UnavailableError
from wfm_bridge.ports.models import Activity, ActivityType, ProviderPerson, ScorePush, Team
from wfm_bridge.testing.harness import ProviderHarness

GOOD_KEY = "fake-key-" + "g" * 24  # memory_fake takes any key its backend accepts
ALL: tuple[str, ...] = ("schedules", "one_to_ones", "scores", "teams")
MEETING_TYPE = ActivityType(id="t-1to1", name="Meeting")  # how the fake books 1:1s
OUTAGE = UnavailableError("the fake WFM is down (injected outage); try again later")


class _Outages:
    """Backend behaviour during an injected outage: every call fails, even the key check.
    The switch is the harness's, so backends opened before the outage fail too."""

    switch: _Harness | None = None

    @property
    def outage(self) -> bool:
        return self.switch is not None and self.switch.outage

    def _fault(self, operation: str) -> Fault | None:
        return Fault(OUTAGE) if self.outage else super()._fault(operation)  # type: ignore[misc]

    def check_key(self, key: str | None) -> bool:
        if self.outage:
            raise OUTAGE
        return bool(super().check_key(key))  # type: ignore[misc]


class _Backend(_Outages, FakeWfmBackend):
    pass


class _FileBackend(_Outages, PersistentFakeBackend):
    pass


class _Harness:
    """What both harnesses share: credentials, capabilities, 1:1 set-up."""

    paging_people = 25
    capabilities: tuple[str, ...] = ALL
    credentials: Mapping[str, str] = {"api_key": GOOD_KEY}
    secret_fields: tuple[str, ...] = ("api_key",)
    secret_patterns: tuple[str, ...] = ()
    outage = False

    def _backend(self) -> FakeWfmBackend:
        raise NotImplementedError

    def provider(self, credentials: Mapping[str, str] | None = None) -> InMemoryProvider:
        """A provider holding ``credentials``."""
        key = (credentials or self.credentials)["api_key"]
        backend = self._backend()
        return InMemoryProvider(backend, SecretStr(key))

    def enable_one_to_ones(self) -> None:
        """The fake books 1:1s as activities of the ``Meeting`` type."""
        self.seed(activity_types=[MEETING_TYPE])

    def seed(
        self,
        people: Sequence[ProviderPerson] = (),
        activity_types: Sequence[ActivityType] = (),
        activities: Sequence[Activity] = (),
    ) -> None:
        """Insert into the backend's dicts."""
        raise NotImplementedError

    def seed_teams(self, teams: Sequence[Team]) -> None:
        """Insert into the backend's teams (people name them in ``team_ids``)."""
        raise NotImplementedError

    def inject_outage(self) -> None:
        """Every call fails from now until ``reset``."""
        self.outage = True


class MemoryFakeHarness(_Harness):
    """memory_fake over one shared in-process backend."""

    name = "memory_fake"

    def __init__(self) -> None:
        self.backend = self._fresh()

    def _fresh(self) -> _Backend:
        backend = _Backend(accepted_keys=[GOOD_KEY])
        backend.switch = self
        return backend

    def _backend(self) -> FakeWfmBackend:
        return self.backend

    def seed(
        self,
        people: Sequence[ProviderPerson] = (),
        activity_types: Sequence[ActivityType] = (),
        activities: Sequence[Activity] = (),
    ) -> None:
        """Insert into the backend's dicts."""
        _insert(self.backend, people, activity_types, activities)

    def seed_teams(self, teams: Sequence[Team]) -> None:
        """Insert into the backend's teams."""
        self.backend.teams.update({t.id: t for t in teams})

    def server_activities(self) -> list[Activity]:
        """The backend's activities."""
        return list(self.backend.activities.values())

    def server_scores(self) -> list[ScorePush]:
        """The backend's scores."""
        return list(self.backend.scores.values())

    def reset(self) -> None:
        """A fresh backend, no outage."""
        self.outage = False
        self.backend = self._fresh()


class PersistentMemoryFakeHarness(_Harness):
    """memory_fake persisted to a file; every call opens its own backend on that file."""

    name = "memory_fake_persistent"

    def __init__(self, directory: Path) -> None:
        self.path = directory / "memory_fake" / "contract.json"
        self._open()  # creates the (empty) file

    def _open(self) -> _FileBackend:
        backend = _FileBackend(self.path, _empty, accepted_keys=[GOOD_KEY])
        backend.switch = self
        return backend

    def _backend(self) -> FakeWfmBackend:
        return self._open()

    def seed(
        self,
        people: Sequence[ProviderPerson] = (),
        activity_types: Sequence[ActivityType] = (),
        activities: Sequence[Activity] = (),
    ) -> None:
        """Insert under the file lock and save."""
        backend = self._open()
        with backend.editing():
            _insert(backend, people, activity_types, activities)

    def seed_teams(self, teams: Sequence[Team]) -> None:
        """Insert under the file lock and save."""
        backend = self._open()
        with backend.editing():
            backend.teams.update({t.id: t for t in teams})

    def server_activities(self) -> list[Activity]:
        """Activities as stored in the file."""
        return list(self._open().activities.values())

    def server_scores(self) -> list[ScorePush]:
        """Scores as stored in the file."""
        return list(self._open().scores.values())

    def reset(self) -> None:
        """Write an empty server; no outage."""
        self.outage = False
        backend = self._open()
        with backend.editing():
            backend.people, backend.activity_types, backend.activities = {}, {}, {}
            backend.teams = {}
            backend.scores, backend.score_batches, backend.deleted_ids = {}, [], []


def _empty() -> Snapshot:
    return Snapshot(anchor=None, people=[], activity_types=[], activity_rows=[])


def _insert(
    backend: FakeWfmBackend,
    people: Iterable[ProviderPerson],
    activity_types: Iterable[ActivityType],
    activities: Iterable[Activity],
) -> None:
    backend.people.update({p.person_id: p for p in people})
    backend.activity_types.update({t.id: t for t in activity_types})
    backend.activities.update({a.id: a for a in activities})


@contextmanager
def memory_fake(tmp: Path) -> Iterator[ProviderHarness]:
    """The in-process fake."""
    yield MemoryFakeHarness()


@contextmanager
def persistent_memory_fake(tmp: Path) -> Iterator[ProviderHarness]:
    """The fake as the CLI uses it: state in a file in the data directory."""
    yield PersistentMemoryFakeHarness(tmp)
