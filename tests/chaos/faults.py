"""Random faults for the chaos runs: a seeded stand-in for the emulator's ``FaultPlan``.

The emulator's gate asks ``emulator.faults.take(method, path)`` once per ``/v0`` request;
``RandomFaults`` answers with a fault drawn at random (or none) and counts each by kind, so a
run prints exactly what it injected. Kinds, as the emulator applies them:

- ``5xx``: 500/502/503/504, the request is not applied;
- ``429 with Retry-After`` / ``429 without Retry-After``: not applied;
- ``latency spike``: answered late but within the client's timeout;
- ``dropped connection``: closed without an answer, the write applied first or not at all;
- ``accept-then-timeout``: the write applied, the answer held past the client's timeout;
- ``late write``: held past the client's timeout *before* being applied, as a slow server
  does: the write lands after the client gave up (and maybe after it read back).

The rate limiter's own 429s are not faults: the emulator's ledger counts them.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field

from wfm_bridge.plugins.emulation.faults import Fault, FaultPlan

KINDS = (
    "5xx",
    "429 with Retry-After",
    "429 without Retry-After",
    "latency spike",
    "dropped connection",
    "accept-then-timeout",
    "late write",
)
WRITES = ("POST", "DELETE")


@dataclass
class FaultMix:
    """How often faults strike and which kinds (relative weights)."""

    probability: float = 0.25
    weights: dict[str, float] = field(default_factory=lambda: dict.fromkeys(KINDS, 1.0))
    client_timeout: float = 1.5  # the clients' read timeout: hangs outlast it, spikes do not

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown fault kind(s): {sorted(unknown)}")


class RandomFaults(FaultPlan):
    """Stands in for ``Emulator.faults``: draws one fault per request from a seeded RNG."""

    def __init__(self, seed: int, mix: FaultMix) -> None:
        super().__init__(seed)
        self._rng = random.Random(seed)
        self._mix = mix
        self._lock = threading.Lock()
        self.enabled = False
        self.counts: Counter[str] = Counter()

    # --- the FaultPlan interface the emulator's gate and admin routes use ---------------

    def take(self, method: str, path: str) -> tuple[float, Fault | None]:
        """For one request: extra latency and the failing fault, if any."""
        with self._lock:
            if not self.enabled or self._rng.random() >= self._mix.probability:
                return 0.0, None
            kind = self._pick(method)
            if kind is None:
                return 0.0, None
            self.counts[kind] += 1
            self.hits.append((method, path, kind))
            return self._build(kind)

    def add(self, fault: Fault) -> None:
        """Admin route compatibility: explicit faults are not used by the chaos runs."""
        raise ValueError("the chaos run draws its own faults")

    def clear(self) -> None:
        """Stop injecting."""
        self.enabled = False

    def pending(self) -> list[Fault]:
        """No queued faults: every fault is drawn on arrival."""
        return []

    # --- drawing -----------------------------------------------------------------------------

    def _pick(self, method: str) -> str | None:
        kinds = [k for k in KINDS if method in WRITES or k != "late write"]
        weights = [self._mix.weights.get(k, 0.0) for k in kinds]
        if not any(weights):
            return None
        return self._rng.choices(kinds, weights)[0]

    def _build(self, kind: str) -> tuple[float, Fault | None]:
        rng, timeout = self._rng, self._mix.client_timeout
        if kind == "5xx":
            return 0.0, Fault("status", status=rng.choice((500, 502, 503, 504)))
        if kind == "429 with Retry-After":
            return 0.0, Fault("status", status=429, retry_after=rng.choice(("1", "1", "2")))
        if kind == "429 without Retry-After":
            return 0.0, Fault("status", status=429)
        if kind == "latency spike":
            return rng.uniform(0.1, 0.6) * timeout, None
        if kind == "dropped connection":
            return 0.0, Fault("drop", after_apply=rng.random() < 0.5)
        if kind == "accept-then-timeout":
            return 0.0, Fault("hang", seconds=timeout + rng.uniform(0.3, 1.0), after_apply=True)
        # late write: the delay comes before the write is applied; the client times out first
        return timeout + rng.uniform(0.2, 1.5), None
