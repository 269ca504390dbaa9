"""Fault injection for the emulator: per request (queued, used once) or per run (standing).

A ``Fault`` matches requests by method and path prefix. Kinds:

- ``latency``: wait ``seconds`` more, then answer normally (they add up with the run latency);
- ``status``: answer ``status`` (e.g. 429, 503) with an optional ``Retry-After`` header, the
  request is not applied;
- ``drop``: close the connection without answering (``after_apply``: apply the write first);
- ``hang``: accept-then-timeout: apply the write (unless ``after_apply`` is false), then hold
  the answer ``seconds`` so the client times out.

``times`` is how many requests it hits (None = every matching request, a per-run fault);
``probability`` makes a standing fault hit only some requests (seeded, reproducible).
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass
from typing import Any

KINDS = ("latency", "status", "drop", "hang")


@dataclass
class Fault:
    """One injected fault (see the module docstring)."""

    kind: str
    status: int = 503
    retry_after: str | None = None
    seconds: float = 0.0
    after_apply: bool | None = None  # default: True for "hang", False otherwise
    method: str | None = None
    path: str | None = None
    times: int | None = 1
    probability: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"fault kind must be one of {', '.join(KINDS)}")
        if self.kind == "hang" and self.seconds <= 0:
            self.seconds = 5.0

    @property
    def applies_first(self) -> bool:
        """Whether the request is applied before the fault strikes."""
        return self.after_apply if self.after_apply is not None else self.kind == "hang"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        """Build from a JSON object (admin endpoint); unknown fields are refused."""
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown fault field(s): {', '.join(sorted(unknown))}")
        return cls(**data)

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to a request."""
        return (self.method is None or self.method.upper() == method.upper()) and (
            self.path is None or path.startswith(self.path)
        )

    def as_json(self) -> dict[str, Any]:
        """JSON view."""
        return asdict(self)


class FaultPlan:
    """The faults in force; thread-safe; consumes one-shot faults as they hit."""

    def __init__(self, seed: int = 0) -> None:
        self._faults: list[Fault] = []
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.hits: list[tuple[str, str, str]] = []  # (method, path, kind)

    def add(self, fault: Fault) -> None:
        """Put a fault in force."""
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[Fault]:
        """Faults still in force."""
        with self._lock:
            return list(self._faults)

    def take(self, method: str, path: str) -> tuple[float, Fault | None]:
        """For one request: extra latency, and the first failing fault that hits (if any)."""
        extra, failing = 0.0, None
        with self._lock:
            for fault in list(self._faults):
                if not fault.matches(method, path):
                    continue
                if fault.kind != "latency" and failing is not None:
                    continue
                if fault.probability < 1.0 and self._rng.random() >= fault.probability:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                self.hits.append((method, path, fault.kind))
                if fault.kind == "latency":
                    extra += fault.seconds
                else:
                    failing = fault
        return extra, failing
