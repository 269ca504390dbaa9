"""Query: where one tenant's export stands (``wfm export status``). Reads only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wfm_bridge.core.export_report import UnmappedScore, cursor_dict
from wfm_bridge.core.export_state import ExportState
from wfm_bridge.ports.errors import BusyError
from wfm_bridge.ports.scores import ScoreCursor, ScoreSource
from wfm_bridge.ports.state import StateStore


@dataclass(frozen=True)
class ExportStatus:
    """Checkpoint, backlog, held-back scores and the last runs of one tenant's export."""

    tenant: str
    checkpoint: ScoreCursor | None
    running: bool
    backlog: int  # scores changed since the checkpoint, not exported yet
    pending_unmapped: int
    unmapped: list[UnmappedScore] = field(default_factory=list)
    last_run: dict[str, Any] | None = None
    last_success: dict[str, Any] | None = None
    last_error: dict[str, Any] | None = None
    not_available: dict[str, Any] | None = None  # standing: stopped until the config changes

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (the CLI's ``--json``)."""
        return {
            "tenant": self.tenant,
            "checkpoint": cursor_dict(self.checkpoint),
            "running": self.running,
            "backlog": self.backlog,
            "pending_unmapped": self.pending_unmapped,
            "unmapped": [u.as_dict() for u in self.unmapped],
            "last_run": self.last_run,
            "last_success": self.last_success,
            "last_error": self.last_error,
            "not_available": self.not_available,
        }


def export_status(
    source: ScoreSource, state: StateStore, tenant: str, listed: int = 100
) -> ExportStatus:
    """The export status of ``tenant``; lists at most ``listed`` unmapped scores."""
    records = ExportState(state, tenant)
    checkpoint = records.checkpoint()
    unmapped: list[UnmappedScore] = []
    count = 0
    for pending in records.pending():
        count += 1
        if len(unmapped) < listed:
            unmapped.append(UnmappedScore.of(pending.score, pending.reason))
    return ExportStatus(
        tenant=tenant,
        checkpoint=checkpoint,
        running=_running(state, records.lock_name),
        backlog=source.count_since(checkpoint),
        pending_unmapped=count,
        unmapped=unmapped,
        last_run=records.read("last_run"),
        last_success=records.read("last_success"),
        last_error=records.read("last_error"),
        not_available=records.read("not_available"),
    )


def _running(state: StateStore, lock_name: str) -> bool:
    """Whether an export holds the lock (probing it takes and releases it at once)."""
    try:
        with state.lock(lock_name):
            return False
    except BusyError:
        return True
