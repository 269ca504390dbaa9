"""What an export run reports, and how runs are recorded for ``export status``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from wfm_bridge.ports.errors import RateLimitedError, WfmError
from wfm_bridge.ports.models import QaScore, ScorePush
from wfm_bridge.ports.scores import ScoreCursor


@dataclass(frozen=True)
class UnmappedScore:
    """A score held back because its agent could not be mapped."""

    evaluation_id: str
    agent_email: str
    reason: str
    updated_at: datetime

    @classmethod
    def of(cls, score: QaScore, reason: str) -> UnmappedScore:
        """The held-back view of ``score``."""
        return cls(score.evaluation_id, score.agent_email, reason, score.updated_at)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "evaluation_id": self.evaluation_id,
            "agent_email": self.agent_email,
            "reason": self.reason,
            "updated_at": self.updated_at.isoformat(),
        }


class UnmappedSample:
    """The ``limit`` held-back scores with the smallest evaluation ids, in bounded memory."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._items: dict[str, UnmappedScore] = {}

    def add(self, item: UnmappedScore) -> None:
        """Keep ``item`` (replacing an older version of it) if it is among the smallest ids."""
        self._items[item.evaluation_id] = item
        if len(self._items) > self._limit:
            del self._items[max(self._items)]

    def discard(self, evaluation_id: str) -> None:
        """Forget an evaluation (a newer version of it was sent)."""
        self._items.pop(evaluation_id, None)

    def __contains__(self, evaluation_id: object) -> bool:
        return evaluation_id in self._items

    def items(self) -> list[UnmappedScore]:
        """The kept scores by evaluation id."""
        return [self._items[k] for k in sorted(self._items)]


@dataclass
class ExportReport:
    """The outcome of one export run (or of a dry run: what it would send)."""

    tenant: str
    dry_run: bool
    started_at: datetime
    checkpoint: ScoreCursor | None = None
    finished_at: datetime | None = None
    sent: int = 0  # scores acknowledged by the provider (dry run: that would be sent)
    batches: int = 0  # acknowledged pushes (dry run: that would be made)
    sent_from_pending: int = 0  # of ``sent``, scores released from the pending set
    pending_unmapped: int = 0  # scores still held back after the run
    unmapped: list[UnmappedScore] = field(default_factory=list)  # the first few, with reasons
    stopped_early: bool = False  # asked to stop (SIGTERM): resumes from the checkpoint
    preview: list[ScorePush] = field(default_factory=list)  # dry run: first scores to send

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (the CLI's ``--json``)."""
        return {
            "tenant": self.tenant,
            "dry_run": self.dry_run,
            "sent": self.sent,
            "batches": self.batches,
            "sent_from_pending": self.sent_from_pending,
            "pending_unmapped": self.pending_unmapped,
            "unmapped": [u.as_dict() for u in self.unmapped],
            "checkpoint": cursor_dict(self.checkpoint),
            "stopped_early": self.stopped_early,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "preview": [p.model_dump(mode="json") for p in self.preview],
        }

    def failed(self, exc: Exception, at: datetime) -> dict[str, Any]:
        """The ``last_error`` record for a run that stopped on ``exc``."""
        retry_at = exc.retry_at if isinstance(exc, RateLimitedError) else None
        return {
            "at": at.isoformat(),
            "category": exc.category if isinstance(exc, WfmError) else "unexpected",
            "message": str(exc) or type(exc).__name__,
            "sent_before_error": self.sent,
            "checkpoint": cursor_dict(self.checkpoint),
            "retry_at": retry_at.isoformat() if retry_at else None,
        }


def cursor_dict(cursor: ScoreCursor | None) -> dict[str, Any] | None:
    """A checkpoint as JSON-ready data."""
    return None if cursor is None else cursor.model_dump(mode="json")


def run_record(
    report: ExportReport, finished_at: datetime, error: Exception | None = None
) -> dict[str, Any]:
    """The ``last_run``/``last_success`` record of a finished (or failed) run."""
    if error is not None:
        outcome = "failed"
    elif report.stopped_early:
        outcome = "stopped"
    else:
        outcome = "ok"
    return {
        "started_at": report.started_at.isoformat(),
        "finished_at": finished_at.isoformat(),
        "outcome": outcome,
        "sent": report.sent,
        "batches": report.batches,
        "pending_unmapped": report.pending_unmapped,
        "checkpoint": cursor_dict(report.checkpoint),
        "error": None if error is None else (str(error) or type(error).__name__),
    }
