"""Emulator: configuration, state, faults, OAuth clients and tokens, and the per-token rate
limit of one emulated Genesys Cloud organisation.

Use it in-process (``Emulator(...).state`` / ``.faults`` are the Python backdoor) or over HTTP
(``/_emulator/...`` admin routes, see admin.py). ``server.EmulatorServer`` serves it on a free
loopback port in a background thread.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from wfm_bridge.plugins.emulation.faults import FaultPlan
from wfm_bridge.plugins.genesys.emulator.state import GenesysState, SearchLimits

# Printed by the serve command; the shapes of a real OAuth client's id (a UUID) and secret.
DEMO_CLIENT_ID = "6a1f0c2e-9b7d-4e5a-8c3f-2d1e0b9a8c7d"
DEMO_CLIENT_SECRET = "emulator-secret-" + "0" * 27


@dataclass(frozen=True)
class EmulatorConfig:
    """How the emulated organisation behaves (all of it can be changed while running)."""

    clients: tuple[tuple[str, str], ...] = ((DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),)
    token_lifetime: int = 86399  # seconds, Genesys's default for client credentials
    rate_limit: bool = True
    requests_per_minute: int = 300  # per access token
    retry_after_on_limit: bool = True
    latency: float = 0.0  # seconds added to every API request
    search: SearchLimits = field(default_factory=SearchLimits)
    download_ttl: float = 3600.0
    fault_seed: int = 0

    def patched(self, changes: dict[str, Any]) -> EmulatorConfig:
        """A copy with some fields changed (unknown names refused); search limits are given
        as their own field names (``inline_shifts``, ``max_days``...)."""
        search_fields = set(SearchLimits.__dataclass_fields__)
        unknown = set(changes) - set(self.__dataclass_fields__) - search_fields
        if unknown:
            raise ValueError(f"unknown emulator setting(s): {', '.join(sorted(unknown))}")
        mine = {k: v for k, v in changes.items() if k not in search_fields}
        if "clients" in mine:
            mine["clients"] = tuple((str(i), str(s)) for i, s in mine["clients"])
        limits = {k: v for k, v in changes.items() if k in search_fields}
        if limits:
            mine["search"] = replace(self.search, **limits)
        return replace(self, **mine)


@dataclass
class Emulator:
    """One emulated organisation: config, state, faults, tokens and rate limiter."""

    config: EmulatorConfig = field(default_factory=EmulatorConfig)
    state: GenesysState = field(default_factory=GenesysState)
    clock: Callable[[], float] = time.time  # token expiry and the rate-limit window

    def __post_init__(self) -> None:
        self.faults = FaultPlan(self.config.fault_seed)
        self.stopping = threading.Event()  # set on shutdown: hanging requests end early
        self._tokens: dict[str, tuple[str, float]] = {}  # token -> (client id, expires at)
        self._windows: dict[str, deque[float]] = {}  # token -> recent request times
        self._lock = threading.Lock()

    def configure(self, **changes: Any) -> None:
        """Change settings while running (e.g. ``latency=0.05``, ``rate_limit=False``)."""
        with self._lock:
            self.config = self.config.patched(changes)

    def issue_token(self, client_id: str, secret: str) -> str | None:
        """A new access token for a known client with the right secret, else None."""
        known = any(
            secrets.compare_digest(client_id, i) and secrets.compare_digest(secret, s)
            for i, s in self.config.clients
        )
        if not known:
            return None
        token = secrets.token_urlsafe(48)
        with self._lock:
            self._tokens[token] = (client_id, self.clock() + self.config.token_lifetime)
        with self.state.lock:
            self.state.ledger.tokens += 1
        return token

    def client_of(self, token: str | None) -> str | None:
        """The client id a valid, unexpired token was issued to, else None."""
        if token is None:
            return None
        with self._lock:
            entry = self._tokens.get(token)
            if entry is None:
                return None
            if entry[1] <= self.clock():
                del self._tokens[token]
                return None
            return entry[0]

    def expire_tokens(self) -> None:
        """Make every issued token invalid at once (as a revoked client would)."""
        with self._lock:
            self._tokens.clear()

    def reset(self) -> None:
        """Empty the state, take every fault away and expire every token (``POST
        /_emulator/reset``)."""
        self.state.clear()
        self.faults.clear()
        self.expire_tokens()

    def admit(self, token: str) -> float | None:
        """Count one request for ``token``: None if allowed, else seconds until the oldest
        request of the last minute leaves the window."""
        cfg = self.config
        if not cfg.rate_limit:
            return None
        with self._lock:
            now = self.clock()
            window = self._windows.setdefault(token, deque())
            while window and window[0] <= now - 60.0:
                window.popleft()
            if len(window) < cfg.requests_per_minute:
                window.append(now)
                return None
            return window[0] + 60.0 - now

    @staticmethod
    def retry_after_header(wait: float) -> str:
        """``Retry-After`` in whole seconds (the header has no fractions), at least 1."""
        return str(max(1, math.ceil(wait)))
