"""What a vendor gives the conformance kit: a ``ProviderHarness`` (and ``StoreAdapter``s).

A ``ProviderHarness`` holds the provider under test (one object implementing every capability
port it declares in ``capabilities``) and a backdoor into the server behind it (a sandbox, an
emulator, an in-process fake): ``seed`` puts people, activity types and activities straight
into the server (ids as given), ``enable_one_to_ones`` seeds whatever the vendor needs before
it accepts 1:1 bookings, ``server_activities``/``server_scores`` read back what the server
really holds (unclipped; every stored score row, so a duplicate would show),
``inject_outage`` makes the server fail every call until ``reset``, and ``reset`` empties it.
A harness declaring the ``teams`` capability is also a ``TeamsHarness``: ``seed_teams`` puts
teams into the server, their members being the people seeded with the team's id in
``team_ids`` (before or after).

``credentials`` are the vendor's own good credentials (field name to plain value, as declared
at registration); ``secret_fields`` names the secret ones, which must never be logged or
shown. The kit derives wrong credentials of the same shape from them (``wrong_credentials``).
Each declared ``secret_patterns`` entry must catch a real secret: by default the secret
credential values; a vendor whose patterns describe other secrets (an OAuth client's access
tokens, say) gives real examples of them as an optional ``secret_samples`` attribute.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar, cast

from wfm_bridge.ports.models import Activity, ActivityType, ProviderPerson, ScorePush, Team


class ProviderHarness(Protocol):
    """A provider under test and a backdoor into the server behind it."""

    name: str
    capabilities: tuple[str, ...]  # as the provider declares them at registration
    paging_people: int  # seeding this many people makes listing them take several pages
    credentials: Mapping[str, str]  # the good credentials, by declared field
    secret_fields: tuple[str, ...]  # the declared secret fields among them
    secret_patterns: tuple[str, ...]  # the secret patterns declared at registration

    def provider(self, credentials: Mapping[str, str] | None = None) -> Any:
        """The provider under test holding ``credentials`` (default: the good ones)."""
        ...

    def enable_one_to_ones(self) -> None:
        """Seed whatever the server needs before it accepts 1:1 bookings."""
        ...

    def seed(
        self,
        people: Sequence[ProviderPerson] = (),
        activity_types: Sequence[ActivityType] = (),
        activities: Sequence[Activity] = (),
    ) -> None:
        """Put these straight into the server, ids as given."""
        ...

    def server_activities(self) -> list[Activity]:
        """Every activity the server holds, as stored (not clipped)."""
        ...

    def server_scores(self) -> list[ScorePush]:
        """Every score row the server holds (a duplicated evaluation would appear twice)."""
        ...

    def inject_outage(self) -> None:
        """From now until ``reset``, every call reaching the server fails as an outage does."""
        ...

    def reset(self) -> None:
        """Empty the server and drop injected faults (property tests reuse one harness)."""
        ...


class TeamsHarness(ProviderHarness, Protocol):
    """The harness of a provider declaring ``teams``: it can seed teams too."""

    def seed_teams(self, teams: Sequence[Team]) -> None:
        """Put these teams straight into the server, ids and names as given; their members
        are the people ``seed`` puts in with the team's id in ``team_ids`` (before or after;
        the kit puts each person in one team at most, as some vendors allow no more)."""
        ...


def teams_harness(harness: ProviderHarness) -> TeamsHarness:
    """``harness`` as a ``TeamsHarness``; a clear failure when it declares ``teams`` but
    cannot seed them."""
    if not callable(getattr(harness, "seed_teams", None)):
        raise TypeError(
            f"harness {harness.name!r} declares the capability 'teams' but has no "
            "seed_teams(teams) method; add one (see wfm_bridge.testing.harness.TeamsHarness)"
        )
    return cast(TeamsHarness, harness)


HarnessFactory = Callable[[Path], AbstractContextManager[ProviderHarness]]
"""A context manager taking a fresh temporary directory and yielding one harness."""


def wrong_credentials(harness: ProviderHarness) -> dict[str, str]:
    """The good credentials with every secret field changed in its last character: the same
    shape (so the vendor's secret patterns still match it), never accepted."""
    wrong = dict(harness.credentials)
    for name in harness.secret_fields:
        value = wrong[name]
        wrong[name] = value[:-1] + ("x" if value[-1:] != "x" else "y")
    return wrong


def secret_values(harness: ProviderHarness) -> list[str]:
    """Every secret the suites hand to providers: the good ones and their wrong twins."""
    wrong = wrong_credentials(harness)
    return [v for name in harness.secret_fields for v in (harness.credentials[name], wrong[name])]


def pattern_samples(harness: ProviderHarness) -> tuple[str, ...]:
    """What the declared secret patterns must catch: the harness's ``secret_samples`` if it
    gives them (e.g. access tokens derived from the credentials), else the secret values."""
    given = getattr(harness, "secret_samples", None)
    if given is not None:
        return tuple(given)
    return tuple(harness.credentials[name] for name in harness.secret_fields)


T = TypeVar("T")


@dataclass(frozen=True)
class StoreAdapter(Generic[T]):
    """How to open one Cache or StateStore adapter in a directory, for the store suites."""

    name: str
    open: Callable[[Path, Any], AbstractContextManager[T]]  # (directory, clock)
    durable: bool = False  # reopening the directory (even from another process) sees writes

    def __str__(self) -> str:
        return self.name
