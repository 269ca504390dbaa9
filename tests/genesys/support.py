"""Builders for the Genesys tests: a running emulator, tokens, and the official SDK pointed
at it (``Configuration.host``), plus ``judge``: JSON deserialised into an SDK model."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import httpx
from contract.genesys_harness import CLIENT_ID as CLIENT_ID
from contract.genesys_harness import CLIENT_SECRET as CLIENT_SECRET

from wfm_bridge.plugins.genesys.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.genesys.emulator.seed import seed_demo
from wfm_bridge.plugins.genesys.emulator.server import EmulatorServer

TODAY = date(2024, 6, 12)  # a Wednesday: the demo anchor is Monday 2024-05-27
ANCHOR = date(2024, 5, 27)


class Wall:
    """A settable wall clock (unix seconds) for the emulator: tokens expire and the rate
    window moves only when a test says so."""

    def __init__(self, now: float = 1_718_000_000.0) -> None:
        self.now = now
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        with self._lock:
            self.now += seconds


@contextmanager
def running(
    *, demo: bool = True, clock: Callable[[], float] | None = None, **config: Any
) -> Iterator[tuple[Emulator, EmulatorServer]]:
    """An emulator accepting ``CLIENT_ID``/``CLIENT_SECRET`` on a free loopback port (rate
    limit off unless a test is about it), seeded with the demo organisation."""
    settings: dict[str, Any] = {
        "clients": ((CLIENT_ID, CLIENT_SECRET),),
        "rate_limit": False,
        **config,
    }
    emulator = Emulator(EmulatorConfig(**settings))
    if clock is not None:
        emulator.clock = clock
    if demo:
        seed_demo(emulator.state, TODAY, anchor=ANCHOR)
    with EmulatorServer(emulator) as server:
        yield emulator, server


def token(server: EmulatorServer) -> str:
    """A fresh access token from the emulator's token endpoint."""
    response = httpx.post(
        server.base_url + "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def api(server: EmulatorServer, bearer: str | None = None) -> httpx.Client:
    """A plain httpx client with a bearer token (for what the SDK cannot show)."""
    headers = {"Authorization": f"Bearer {bearer or token(server)}"}
    return httpx.Client(base_url=server.base_url, headers=headers, timeout=10)


class _Body:
    """The two things the SDK's ``ApiClient.deserialize`` reads from a response."""

    def __init__(self, data: str) -> None:
        self.data = data

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return "application/json" if name.lower() == "content-type" else default


def sdk_client(server: EmulatorServer) -> Any:
    """The SDK's ApiClient with ``Configuration.host`` at the emulator, logged in through
    the SDK's own client-credentials call."""
    import PureCloudPlatformClientV2 as sdk

    sdk.Configuration().host = server.base_url
    client = sdk.ApiClient()
    assert client.host == server.base_url
    return client.get_client_credentials_token(CLIENT_ID, CLIENT_SECRET)


def judge(data: Any, model: str) -> Any:
    """``data`` (JSON text or a JSON-ready value) deserialised into the SDK model ``model``."""
    import PureCloudPlatformClientV2 as sdk

    text = data if isinstance(data, str) else json.dumps(data)
    return sdk.ApiClient(host="http://unused").deserialize(_Body(text), model)


def serialised(model: Any) -> Any:
    """An SDK model back to JSON-ready data (what the SDK would send)."""
    import PureCloudPlatformClientV2 as sdk

    return sdk.ApiClient(host="http://unused").sanitize_for_serialization(model)


def genesys_client(
    server: EmulatorServer,
    clock: Any = None,
    *,
    budget: Any = None,
    transport: httpx.BaseTransport | None = None,
    secret: str = CLIENT_SECRET,
    **options: str,
) -> Any:
    """A GenesysClient talking real HTTP to ``server`` (real clock unless given)."""
    import random

    from pydantic import SecretStr

    from wfm_bridge.plugins.genesys.client import GenesysClient
    from wfm_bridge.plugins.genesys.config import GenesysConfig
    from wfm_bridge.plugins.local.clock import SystemClock
    from wfm_bridge.ports.registry import CallBudget

    config = GenesysConfig.from_options(
        {"base_url": server.base_url, "rate": "1000", "burst": "1000", **options},
        budget or CallBudget.INTERACTIVE,
    )
    return GenesysClient(
        config,
        CLIENT_ID,
        SecretStr(secret),
        clock or SystemClock(),
        transport=transport,
        rng=random.Random(7),
    )


class Spy(httpx.HTTPTransport):
    """A real transport that remembers every request it sent."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return super().handle_request(request)
