"""The WfmProvider port: what the use cases need from a workforce-management system."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from wfm_bridge.ports.models import (
    Activity,
    ActivityBatch,
    ActivityType,
    NewActivity,
    ProviderPerson,
    ScorePush,
)


@runtime_checkable
class WfmProvider(Protocol):
    """One tenant's connection to one WFM system, already holding its credentials.

    Every method may raise ``AuthError`` (credentials refused; never retried),
    ``RateLimitedError``/``UnavailableError`` (after the adapter's own retry budget),
    ``ProviderResponseError`` (malformed answer). Datetimes are timezone-aware.
    """

    name: str

    def check_credentials(self) -> None:
        """Make one cheap authenticated call; raise ``AuthError`` if the key is refused."""
        ...

    def list_people(self) -> list[ProviderPerson]:
        """Every person, active or not, each exactly once (all pages fetched)."""
        ...

    def list_activity_types(self) -> list[ActivityType]:
        """Every activity type."""
        ...

    def list_activities(
        self, agent_ids: Sequence[str], start: datetime, end: datetime
    ) -> list[Activity]:
        """Activities of these agents overlapping ``[start, end)``, clipped to it, each once.

        Order is unspecified. Unknown agent ids simply have no activities.
        ``InvalidInputError`` when ``end <= start``.
        """
        ...

    def create_activity(self, activity: NewActivity) -> Activity:
        """Create one activity and return it with its id.

        Must never delete or trim any other activity (overlaps are allowed). Raises
        ``NotFoundError`` for an unknown agent or type, ``OutcomeUnknownError`` when the
        request was sent but no answer came back (the caller reads back before retrying).
        """
        ...

    def delete_activity(self, activity_id: str) -> None:
        """Delete exactly this one activity by id; ``NotFoundError`` if it does not exist.

        Never a time-window delete: no other activity is deleted or trimmed.
        """
        ...

    def push_scores(self, scores: Sequence[ScorePush]) -> None:
        """Send a batch of QA scores; returning means the provider acknowledged all of them.

        Upserts by ``evaluation_id``: re-sending a batch never duplicates a score.
        """
        ...


@runtime_checkable
class ActivityStream(Protocol):
    """Optional, for providers that fetch activities with several requests: each answer is
    handed over as it arrives, so the caller's work overlaps the waiting (rate limits).
    """

    def stream_activities(
        self, agent_ids: Sequence[str], start: datetime, end: datetime
    ) -> Iterator[ActivityBatch]:
        """``list_activities`` in batches, in whatever order the answers arrive.

        Applying every batch in turn (drop the ``withdrawn`` ids, then add ``activities``)
        gives exactly the activities ``list_activities`` returns. Arguments are checked on
        the call, before any request; errors are those of ``list_activities``, raised while
        iterating. Closing the iterator early cancels the requests not yet sent.
        """
        ...
