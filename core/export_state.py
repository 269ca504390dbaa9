"""The export's durable records on the StateStore: checkpoint, pending scores, run history.

Namespaces (the tenant is part of each):

- ``<tenant>:export`` holds ``checkpoint`` (the ScoreCursor of the last acknowledged score),
  ``last_run``, ``last_success``, ``last_error`` and, while the provider's score endpoint is
  not available as configured, ``not_available`` (message, configuration, since).
- ``<tenant>:export_pending`` holds, by evaluation id, every score read past the checkpoint
  whose agent could not be mapped: the score itself (the source only reads forward, so the
  pending entry is the only copy the export keeps) and the reason, until it is sent.

Every method is one atomic StateStore write, so a kill between two of them leaves a state
the next run can resume from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from wfm_bridge.ports.errors import IntegrityError
from wfm_bridge.ports.jsonvalue import JsonValue
from wfm_bridge.ports.models import QaScore
from wfm_bridge.ports.scores import ScoreCursor
from wfm_bridge.ports.state import StateStore


@dataclass(frozen=True)
class PendingScore:
    """A score held back because its agent could not be mapped, and why."""

    score: QaScore
    reason: str
    since: datetime  # when it was first held back (kept across re-scorings)


class ExportState:
    """One tenant's export checkpoint, pending set and run records."""

    def __init__(self, state: StateStore, tenant: str) -> None:
        self._state = state
        self.tenant = tenant
        self._ns = f"{tenant}:export"
        self._pending_ns = f"{tenant}:export_pending"

    @property
    def lock_name(self) -> str:
        """The cross-process lock that makes export single-flight per tenant."""
        return f"export:{self.tenant}"

    # --- checkpoint --------------------------------------------------------------------

    def checkpoint(self) -> ScoreCursor | None:
        """The position of the last acknowledged score, or None before the first export."""
        raw = self._state.get(self._ns, "checkpoint")
        if raw is None:
            return None
        try:
            return ScoreCursor.model_validate(raw)
        except ValueError as exc:
            raise IntegrityError(
                f"the export checkpoint of tenant {self.tenant!r} is unreadable ({exc}); "
                "inspect the state store before exporting again"
            ) from exc

    def advance(self, cursor: ScoreCursor) -> None:
        """Move the checkpoint to ``cursor`` (call only after the provider acknowledged)."""
        self._state.put(self._ns, "checkpoint", cursor.model_dump(mode="json"))

    # --- pending (unmapped) scores ------------------------------------------------------

    def pending(self) -> Iterator[PendingScore]:
        """Every pending score, in evaluation id order."""
        for key, raw in self._state.scan(self._pending_ns):
            yield self._load_pending(key, raw)

    def pending_count(self) -> int:
        """How many scores are pending."""
        return sum(1 for _ in self._state.scan(self._pending_ns))

    def get_pending(self, evaluation_id: str) -> PendingScore | None:
        """The pending entry of one evaluation, or None."""
        raw = self._state.get(self._pending_ns, evaluation_id)
        return None if raw is None else self._load_pending(evaluation_id, raw)

    def hold(self, score: QaScore, reason: str, now: datetime) -> None:
        """Keep ``score`` pending with ``reason``; a newer version replaces an older one."""
        existing = self.get_pending(score.evaluation_id)
        if existing is not None and existing.score.updated_at > score.updated_at:
            return  # never let an older version replace a newer pending one
        since = existing.since if existing is not None else now
        value: JsonValue = {
            "score": score.model_dump(mode="json"),
            "reason": reason,
            "since": since.isoformat(),
        }
        self._state.put(self._pending_ns, score.evaluation_id, value)

    def release(self, evaluation_id: str) -> None:
        """Forget a pending entry (it was sent, or a newer version supersedes it)."""
        self._state.delete(self._pending_ns, evaluation_id)

    # --- run records ---------------------------------------------------------------------

    def record(self, key: str, value: dict[str, Any]) -> None:
        """Store one run record (``last_run``, ``last_success`` or ``last_error``)."""
        self._state.put(self._ns, key, value)

    def clear(self, key: str) -> None:
        """Forget one record (e.g. a standing ``not_available`` condition)."""
        self._state.delete(self._ns, key)

    def read(self, key: str) -> dict[str, Any] | None:
        """One run record, or None."""
        raw = self._state.get(self._ns, key)
        return raw if isinstance(raw, dict) else None

    def _load_pending(self, key: str, raw: JsonValue) -> PendingScore:
        try:
            if not isinstance(raw, dict):
                raise ValueError("not an object")
            return PendingScore(
                score=QaScore.model_validate(raw["score"]),
                reason=str(raw["reason"]),
                since=datetime.fromisoformat(str(raw["since"])),
            )
        except (KeyError, ValueError) as exc:
            raise IntegrityError(
                f"pending export entry {key!r} of tenant {self.tenant!r} is unreadable "
                f"({exc}); inspect the state store before exporting again"
            ) from exc
