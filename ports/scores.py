"""The ScoreSource port: the host's QA scores, read in a stable order for export."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pydantic import AwareDatetime

from wfm_bridge.ports.models import Dto, QaScore


class ScoreCursor(Dto):
    """A position in the (updated_at, evaluation_id) order; export checkpoints are cursors."""

    updated_at: AwareDatetime
    evaluation_id: str


@runtime_checkable
class ScoreSource(Protocol):
    """QA scores recorded by the host for one tenant."""

    def changed_since(self, cursor: ScoreCursor | None, limit: int) -> list[QaScore]:
        """Up to ``limit`` scores strictly after ``cursor`` in (updated_at, evaluation_id) order.

        A re-scored evaluation appears once, at its latest ``updated_at``.
        """
        ...

    def record(self, score: QaScore) -> None:
        """Record or re-score an evaluation (the latest ``updated_at`` wins)."""
        ...

    def count_since(self, cursor: ScoreCursor | None) -> int:
        """How many scores lie strictly after ``cursor``."""
        ...
