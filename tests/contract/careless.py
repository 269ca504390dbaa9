"""Careless providers: memory_fake with one classic mistake each, for the kit to catch.

tests/contract/test_kit_catches_careless.py runs the kit's suites against each of them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path

from pydantic import SecretStr

from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
from wfm_bridge.ports.models import ActivityBatch, BookedOneToOne, OneToOne, ProviderPerson
from wfm_bridge.testing.harness import ProviderHarness

from .memory_fake_harness import MemoryFakeHarness

log = logging.getLogger("careless_vendor")
PAGE = 10


class TrimsOverlaps(InMemoryProvider):
    """Books a 1:1 and "makes room" by ending whatever it overlaps where the 1:1 starts."""

    def book(self, one_to_one: OneToOne) -> BookedOneToOne:
        booked = super().book(one_to_one)
        for a in list(self.backend.activities.values()):
            mine = a.id != booked.id and a.agent_id == booked.agent_id
            if mine and a.start < booked.start < a.end:
                self.backend.activities[a.id] = a.model_copy(update={"end": booked.start})
        return booked


class LosesLastPage(InMemoryProvider):
    """Pages people ten at a time and stops before a last page that is not full."""

    def list_people(self) -> list[ProviderPerson]:
        people = super().list_people()
        return people[: len(people) // PAGE * PAGE]


class ClipsOnlyTheStart(InMemoryProvider):
    """Clips activities to the window's start but lets them run past its end."""

    def _one_batch(
        self, agent_ids: list[str], start: datetime, end: datetime
    ) -> Iterator[ActivityBatch]:
        self._authorised()
        found = self.backend.read_activities(agent_ids, start, end)
        yield ActivityBatch(
            activities=[a.model_copy(update={"start": max(a.start, start)}) for a in found]
        )


class LogsTheKey(InMemoryProvider):
    """Logs the key it authorises with, at debug level."""

    def _authorised(self) -> None:
        key = self._api_key.get_secret_value() if self._api_key else None
        log.debug("authorising with key %s", key)
        super()._authorised()


def harness_of(
    provider_class: type[InMemoryProvider],
) -> Callable[[Path], AbstractContextManager[ProviderHarness]]:
    """A harness factory: memory_fake's harness with ``provider_class`` as the provider."""

    class CarelessHarness(MemoryFakeHarness):
        name = f"careless_{provider_class.__name__}"

        def provider(self, credentials: Mapping[str, str] | None = None) -> InMemoryProvider:
            key = (credentials or self.credentials)["api_key"]
            return provider_class(self.backend, SecretStr(key))

    @contextmanager
    def factory(tmp: Path) -> Iterator[ProviderHarness]:
        yield CarelessHarness()

    return factory


CARELESS: Mapping[str, type[InMemoryProvider]] = {
    "trims_overlaps": TrimsOverlaps,
    "loses_last_page": LosesLastPage,
    "clips_only_the_start": ClipsOnlyTheStart,
    "logs_the_key": LogsTheKey,
}
