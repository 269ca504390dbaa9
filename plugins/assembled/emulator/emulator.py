"""Emulator: configuration, state, faults and the per-key rate limit of one emulated account.

Many keys (``EmulatorConfig.keys``, e.g. one per tenant of a fleet benchmark) each get their
own bucket, and the ledger keeps each key's score pushes and 429s apart (``push_scores``).

Use it in-process (``Emulator(...).state`` / ``.faults`` are the Python backdoor) or over HTTP
(``/_emulator/...`` admin endpoints, see app.py). ``server.EmulatorServer`` runs it on a free
loopback port in a background thread.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from wfm_bridge.plugins.assembled.emulator.faults import FaultPlan
from wfm_bridge.plugins.assembled.emulator.state import EmulatorState
from wfm_bridge.ports.vault import key_fingerprint

# "sk_live_" + 32 alphanumerics, like a real key; printed by `wfm emulator serve`.
DEMO_KEY = "sk_live_emulator" + "0" * 24
SCORES_PATH = "/v0/qa_scores/bulk"


@dataclass(frozen=True)
class EmulatorConfig:
    """How the emulated account behaves (all of it can be changed while running)."""

    keys: tuple[str, ...] = (DEMO_KEY,)
    rate: float = 5.0
    burst: int = 20
    rate_limit: bool = True
    retry_after_on_limit: bool = True  # send Retry-After with the rate limiter's 429s
    latency: float = 0.0  # seconds added to every API request
    scores_path: str = SCORES_PATH
    scores_envelope: str = "qa_scores"
    scores_status: int = 202  # our assumption (one unofficial spec); a real account may say 200
    default_page_limit: int = 100
    max_page_limit: int = 500
    fault_seed: int = 0

    def patched(self, changes: dict[str, Any]) -> EmulatorConfig:
        """A copy with some fields changed (unknown names refused)."""
        unknown = set(changes) - set(self.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown emulator setting(s): {', '.join(sorted(unknown))}")
        if "keys" in changes:
            changes = {**changes, "keys": tuple(changes["keys"])}
        return replace(self, **changes)


@dataclass
class _Bucket:
    tokens: float
    last: float


@dataclass
class Emulator:
    """One emulated Assembled account: config, state, faults, rate limiter."""

    config: EmulatorConfig = field(default_factory=EmulatorConfig)
    state: EmulatorState = field(default_factory=EmulatorState)
    monotonic: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self.faults = FaultPlan(self.config.fault_seed)
        self.stopping = threading.Event()  # set on shutdown: hanging requests end early
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()
        self._keys = frozenset(self.config.keys)  # thousands of keys: a set, not a tuple scan

    def configure(self, **changes: Any) -> None:
        """Change settings while running (e.g. ``latency=0.05``, ``rate_limit=False``)."""
        with self._lock:
            self.config = self.config.patched(changes)
            self._keys = frozenset(self.config.keys)
            if {"rate", "burst"} & set(changes):
                self._buckets.clear()

    def accepts(self, key: str | None) -> bool:
        """Whether ``key`` is one of the configured API keys."""
        return key is not None and key in self._keys

    def admit(self, key: str) -> float | None:
        """Take one token for ``key``: None if allowed, else seconds until one is free."""
        cfg = self.config
        if not cfg.rate_limit:
            return None
        with self._lock:
            now = self.monotonic()
            bucket = self._buckets.setdefault(key, _Bucket(float(cfg.burst), now))
            bucket.tokens = min(float(cfg.burst), bucket.tokens + (now - bucket.last) * cfg.rate)
            bucket.last = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            wait = (1.0 - bucket.tokens) / cfg.rate
        with self.state.lock:
            self.state.ledger.throttled_by_key[key_id(key)] += 1
        return wait

    def push_scores(self, key: str | None, rows: list[Any]) -> int:
        """Upsert score rows (``EmulatorState.push_scores``) and note them under ``key``."""
        with self.state.lock:
            accepted = self.state.push_scores(rows)
            self.state.ledger.record_push(key_id(key or ""), rows)
            return accepted

    @staticmethod
    def retry_after_header(wait: float) -> str:
        """``Retry-After`` in whole seconds (the header has no fractions), at least 1."""
        return str(max(1, math.ceil(wait)))


def key_id(key: str) -> str:
    """How the ledger names a key: its fingerprint (ports.vault), never the key."""
    from pydantic import SecretStr

    return key_fingerprint(SecretStr(key))
