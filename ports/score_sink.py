"""The ScoreSink port: where QA scores go (optional capability ``scores``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol, runtime_checkable

from wfm_bridge.ports.models import ScorePush

Cadence = Literal["hourly", "daily"]


@runtime_checkable
class ScoreSink(Protocol):
    """Receives QA scores in batches; declares how many fit in one and how often it wants them.

    ``batch_limit``: the most scores one ``push`` may carry (the export sends
    ``min(its batch size, batch_limit)``). ``cadence``: ``hourly`` (scores as they change),
    or ``daily`` (the vendor keeps one value per agent and day).
    """

    name: str
    batch_limit: int
    cadence: Cadence

    def push(self, batch: Sequence[ScorePush]) -> None:
        """Send one batch of at most ``batch_limit`` scores; returning means all acknowledged.

        Upserts by ``evaluation_id``: re-sending a batch never duplicates a score, so a retry
        after a lost acknowledgement is safe. An empty batch sends nothing. Errors as for
        ``ScheduleSource``; ``InvalidInputError`` for a batch over the limit.
        """
        ...
