"""Builders for the HTTP face's in-process tests: a Bridge on in-memory adapters, its app,
tenant tokens, and a client that sends a tenant's token."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from wfm_bridge import Bridge, Settings
from wfm_bridge.host.http import TokenStore, build_app

AGENT = "ana.lee@example.com"


def memory_settings(home: Path, **changes: Any) -> Settings:
    """Settings on in-memory vault, cache and state (the provider is memory_fake by default)."""
    base = {"data_dir": home, "vault": "memory", "cache": "memory", "state": "memory"}
    return Settings.model_validate({**base, **changes})


@dataclass
class Face:
    """One running app (in-process) with its bridge and tokens."""

    bridge: Bridge
    client: TestClient
    tokens: TokenStore
    app: FastAPI

    def token(self, tenant: str) -> str:
        """A new token of ``tenant``."""
        return self.tokens.create(tenant)[0]

    def auth(self, tenant: str) -> dict[str, str]:
        """Headers carrying a new token of ``tenant``."""
        return {"Authorization": f"Bearer {self.token(tenant)}"}


@contextmanager
def face(
    settings: Settings, plugins: tuple[object, ...] = (), *, raise_server_exceptions: bool = True
) -> Iterator[Face]:
    """The HTTP face over a new Bridge with ``settings`` (closed afterwards)."""
    with Bridge(settings, plugins=list(plugins)) as bridge:
        tokens = TokenStore(bridge.state, bridge.clock)
        app = build_app(bridge, tokens)
        with TestClient(
            app, follow_redirects=False, raise_server_exceptions=raise_server_exceptions
        ) as client:
            yield Face(bridge, client, tokens, app)
