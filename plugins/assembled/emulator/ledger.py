"""The emulator's ledger: what happened to the data, for tests and benchmarks to read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

WireDict = dict[str, Any]


@dataclass
class Ledger:
    """What happened to the data, in order: created, deleted, trimmed, pushed."""

    created: list[WireDict] = field(default_factory=list)
    deleted: list[tuple[WireDict, str]] = field(default_factory=list)  # (activity, why)
    trimmed: list[tuple[WireDict, WireDict]] = field(default_factory=list)  # (before, after)
    pushed: list[list[WireDict]] = field(default_factory=list)  # score batches, as received
    requests: Counter[str] = field(default_factory=Counter)  # "GET /v0/people 200" -> n
    arrivals: Counter[str] = field(default_factory=Counter)  # "GET /v0/people" -> n, on arrival

    def as_json(self) -> WireDict:
        """JSON-ready view for the admin endpoint."""
        return {
            "created": self.created,
            "deleted": [{"activity": a, "reason": r} for a, r in self.deleted],
            "trimmed": [{"before": b, "after": a} for b, a in self.trimmed],
            "pushed": self.pushed,
            "requests": dict(self.requests),
            "arrivals": dict(self.arrivals),
        }
