"""Builders for the Assembled tests: providers over httpx.MockTransport or the real emulator.

Mock-transport providers run on a fake clock with a private rate limiter (no sleeping, no
sharing between tests); emulator providers use the real clock, but the emulator's rate limit
and the client's are set high unless a test is about them, so nothing waits.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pydantic import SecretStr

from wfm_bridge.plugins.assembled.config import AssembledConfig
from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer
from wfm_bridge.plugins.assembled.provider import AssembledProvider
from wfm_bridge.plugins.local.clock import SystemClock
from wfm_bridge.plugins.local.ratelimit import LocalRateLimiters
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.models import BookedOneToOne, OneToOne
from wfm_bridge.ports.registry import CallBudget

KEY = "sk_live_" + "k" * 32
T0 = datetime(2024, 6, 10, 9, 0, tzinfo=UTC)
FAST = {"rate": "1000", "burst": "1000"}


@dataclass
class Recorder:
    """An httpx handler answering from a script and recording every request it saw."""

    script: list[Callable[[httpx.Request], httpx.Response]] = field(default_factory=list)
    fallback: Callable[[httpx.Request], httpx.Response] | None = None
    seen: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if self.script:
            return self.script.pop(0)(request)
        if self.fallback is not None:
            return self.fallback(request)
        raise AssertionError(f"unexpected request {request.method} {request.url}")

    def paths(self) -> list[str]:
        """``METHOD path`` of every request seen."""
        return [f"{r.method} {r.url.path}" for r in self.seen]


def answer(status: int = 200, body: Any = None, **headers: str) -> Callable[..., httpx.Response]:
    """A scripted answer: ``status`` with a JSON body and headers."""

    def respond(request: httpx.Request) -> httpx.Response:
        content = b"" if body is None else json.dumps(body).encode()
        return httpx.Response(status, content=content, headers=headers)

    return respond


def meeting_types(type_id: str = "t") -> Callable[..., httpx.Response]:
    """A scripted ``GET /v0/activity_types`` holding the ``Meeting`` type (what ``book``
    looks up first)."""
    return answer(200, {"activity_types": {type_id: {"id": type_id, "name": "Meeting"}}})


def one_to_one(
    reference: str = "mtg-1",
    agent_id: str = "a",
    start: datetime = T0,
    minutes: int = 60,
    title: str = "1:1",
    description: str = "",
) -> OneToOne:
    """A 1:1 to book."""
    return OneToOne(
        reference=reference,
        agent_id=agent_id,
        start=start,
        end=start + timedelta(minutes=minutes),
        title=title,
        description=description,
    )


def booked(activity_id: str, reference: str = "mtg-1", agent_id: str = "a") -> BookedOneToOne:
    """A booking as the ledger would hand it to ``cancel``."""
    return BookedOneToOne(
        id=activity_id, reference=reference, agent_id=agent_id, start=T0, end=T0 + timedelta(1)
    )


def raises(exc: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    """A scripted transport failure."""

    def respond(request: httpx.Request) -> httpx.Response:
        raise exc("scripted", request=request)

    return respond


def mock_provider(
    handler: Callable[[httpx.Request], httpx.Response],
    *,
    clock: InMemoryClock | None = None,
    budget: CallBudget = CallBudget.INTERACTIVE,
    key: str = KEY,
    **options: str,
) -> AssembledProvider:
    """An AssembledProvider over ``httpx.MockTransport(handler)`` on a fake clock."""
    clock = clock or InMemoryClock(T0)
    config = AssembledConfig.from_options(
        {"base_url": "https://api.assembledhq.com", **FAST, **options}, budget
    )
    return AssembledProvider(
        config,
        SecretStr(key),
        clock,
        transport=httpx.MockTransport(handler),
        limiters=LocalRateLimiters(clock),
        rng=random.Random(7),
    )


@contextmanager
def running_emulator(**config: Any) -> Iterator[tuple[Emulator, EmulatorServer]]:
    """An emulator accepting ``KEY`` on a free loopback port (rate limit high by default)."""
    settings: dict[str, Any] = {"keys": (KEY,), "rate": 1000.0, "burst": 1000, **config}
    emulator = Emulator(EmulatorConfig(**settings))
    with EmulatorServer(emulator) as server:
        yield emulator, server


def http_provider(
    server: EmulatorServer,
    *,
    key: str = KEY,
    clock: Any = None,
    budget: CallBudget = CallBudget.INTERACTIVE,
    **options: str,
) -> AssembledProvider:
    """An AssembledProvider talking real HTTP to ``server`` (real clock by default)."""
    config = AssembledConfig.from_options({"base_url": server.base_url, **FAST, **options}, budget)
    return AssembledProvider(config, SecretStr(key), clock or SystemClock())
