"""Builders for the HTTP face's in-process tests: a Bridge on in-memory adapters, its app,
tenant tokens, and a client that sends a tenant's token."""

from __future__ import annotations

import re
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


def hidden(html: str, name: str) -> str:
    """The value of the form field ``name`` in a page."""
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no {name} field"
    return found.group(1)


def sign_in(f: Face, tenant: str = "default", next_page: str = "/calendar") -> str:
    """Sign in through the form; returns the token."""
    token: str = f.token(tenant)
    form = f.client.get(f"/login?next={next_page}")
    answer = f.client.post("/login", data={
        "token": token, "next": next_page, "login_csrf": hidden(form.text, "login_csrf")})
    assert answer.status_code == 303, answer.text
    return token
