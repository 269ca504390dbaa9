"""The part of an emulator's ledger the gate writes: how many requests came, and how each
was answered. A vendor's ``Ledger`` extends it with what happened to its data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Traffic:
    """``arrivals``: ``"<METHOD> <path>"`` on arrival; ``requests``: ``"<METHOD> <path>
    <status>"`` once answered (``dropped`` when no answer was given)."""

    requests: Counter[str] = field(default_factory=Counter)
    arrivals: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, Any]:
        """JSON-ready view of the counters (a vendor's ledger places them among its own)."""
        return {"requests": dict(self.requests), "arrivals": dict(self.arrivals)}
