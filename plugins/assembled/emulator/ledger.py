"""The emulator's ledger: what happened to the data, for tests and benchmarks to read.

With many keys (one per tenant, as a fleet benchmark uses), score pushes and rate-limit
refusals are also kept per key, under the key's fingerprint (never the key itself).
"""

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
    pushed_by_key: dict[str, list[list[WireDict]]] = field(default_factory=dict)
    throttled_by_key: Counter[str] = field(default_factory=Counter)  # 429s of the rate limit

    def record_push(self, key_id: str, rows: list[WireDict]) -> None:
        """One accepted score batch, sent with the key whose fingerprint is ``key_id``."""
        self.pushed_by_key.setdefault(key_id, []).append([dict(r) for r in rows])

    def stored_for(self, key_id: str, id_field: str) -> dict[str, WireDict]:
        """The score rows that key's account holds (latest push of each id wins)."""
        rows: dict[str, WireDict] = {}
        for batch in self.pushed_by_key.get(key_id, []):
            for row in batch:
                rows[str(row[id_field])] = row
        return rows

    def as_json(self) -> WireDict:
        """JSON-ready view for the admin endpoint."""
        return {
            "created": self.created,
            "deleted": [{"activity": a, "reason": r} for a, r in self.deleted],
            "trimmed": [{"before": b, "after": a} for b, a in self.trimmed],
            "pushed": self.pushed,
            "requests": dict(self.requests),
            "arrivals": dict(self.arrivals),
            "pushed_by_key": self.pushed_by_key,
            "throttled_by_key": dict(self.throttled_by_key),
        }
