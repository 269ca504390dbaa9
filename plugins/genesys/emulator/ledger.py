"""The Genesys emulator's ledger: what happened to the data, for tests and benchmarks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wfm_bridge.plugins.emulation.ledger import Traffic

WireDict = dict[str, Any]


@dataclass
class Ledger(Traffic):
    """What happened, in order.

    ``appointments_created`` / ``appointments_deleted``: coaching appointments as stored;
    ``schedule_added`` / ``schedule_removed``: (user id, activity) pairs written into or taken
    out of agents' schedules; ``metric_writes``: external-metric batches as received;
    ``tokens``: access tokens issued (count); the request counters (``Traffic``):
    ``requests``, ``"<METHOD> <path> <status>"`` once answered, and ``arrivals``.
    """

    appointments_created: list[WireDict] = field(default_factory=list)
    appointments_deleted: list[WireDict] = field(default_factory=list)
    schedule_added: list[tuple[str, WireDict]] = field(default_factory=list)
    schedule_removed: list[tuple[str, WireDict]] = field(default_factory=list)
    metric_writes: list[list[WireDict]] = field(default_factory=list)
    searches: list[WireDict] = field(default_factory=list)  # bodies + the mode answered
    tokens: int = 0

    def as_json(self) -> WireDict:
        """JSON-ready view for the admin endpoint."""
        return {
            "appointments_created": self.appointments_created,
            "appointments_deleted": self.appointments_deleted,
            "schedule_added": [{"user_id": u, "activity": a} for u, a in self.schedule_added],
            "schedule_removed": [{"user_id": u, "activity": a} for u, a in self.schedule_removed],
            "metric_writes": self.metric_writes,
            "searches": self.searches,
            "tokens": self.tokens,
            **super().as_json(),
        }
