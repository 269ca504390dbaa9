"""The ScheduleSource port: people, activity types and activities of one WFM account.

Every provider is a schedule source: mapping host employees needs its people, and its
credential check lives here. Activities come as one stream of batches whatever the vendor
does underneath (one request, many planned requests, an asynchronous job): a one-request
vendor yields once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from wfm_bridge.ports.models import Activity, ActivityBatch, ActivityType, ProviderPerson


@runtime_checkable
class ScheduleSource(Protocol):
    """One tenant's connection to one WFM account, already holding its credentials.

    Every method may raise ``AuthError`` (credentials refused; never retried),
    ``RateLimitedError``/``UnavailableError`` (after the adapter's own retry budget),
    ``ProviderResponseError`` (malformed answer). Reads change nothing, so repeating one is
    always safe. Datetimes are timezone-aware.
    """

    name: str

    def check_credentials(self) -> None:
        """Make one cheap authenticated call; raise ``AuthError`` if the credentials are refused."""
        ...

    def list_people(self) -> list[ProviderPerson]:
        """Every person, active or not, each exactly once (all pages fetched); any order."""
        ...

    def list_activity_types(self) -> list[ActivityType]:
        """Every activity type, with what the vendor says about it (productive, time off,
        interruptible: None where it says nothing) and its colours."""
        ...

    def activities(
        self, agent_ids: Sequence[str], start: datetime, end: datetime
    ) -> Iterator[ActivityBatch]:
        """Activities of these agents overlapping ``[start, end)``, clipped to it, in batches.

        Applying every batch in turn (drop its ``withdrawn`` ids, then add its
        ``activities``) gives each activity exactly once; batches come in whatever order the
        vendor's answers arrive, and activities in any order. Unknown agent ids simply have
        no activities. Arguments are checked on the call, before any request:
        ``InvalidInputError`` when ``end <= start`` or a bound is naive. Other errors are
        raised while iterating; closing the iterator early cancels requests not yet sent.
        """
        ...


def collect(batches: Iterable[ActivityBatch]) -> list[Activity]:
    """Fold a stream of batches into the activities it stands for (closing the stream)."""
    found: dict[str, Activity] = {}
    try:
        for batch in batches:
            for gone in batch.withdrawn:
                found.pop(gone, None)
            for activity in batch.activities:
                found.setdefault(activity.id, activity)
    finally:
        close = getattr(batches, "close", None)
        if close is not None:
            close()
    return list(found.values())
