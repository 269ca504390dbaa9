"""Plugins know the host through one module only: ``host/loopback.py`` (serving and the base-URL
rule), so a vendor's emulator and the HTTP face serve the same way."""

from __future__ import annotations

import ast
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

import wfm_bridge
from wfm_bridge.host.loopback import LoopbackServer, checked_base_url, is_loopback
from wfm_bridge.ports.errors import InvalidInputError

ROOT = Path(wfm_bridge.__file__).parent
ALLOWED = {"wfm_bridge.host.loopback"}


def test_plugins_import_no_host_module_but_loopback() -> None:
    offenders = []
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = (
                [node.module or ""] if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
            )
            offenders += [
                f"{path.relative_to(ROOT)}:{node.lineno} imports {name}"
                for name in names
                if name.startswith("wfm_bridge.host") and name not in ALLOWED
            ]
    assert offenders == []


def test_loopback_names() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.9.9.9", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "10.0.0.1", "a.localhost", "example.com"]))


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://10.0.0.5:8080", "would travel in clear"),
        ("ftp://127.0.0.1", "must start with https://"),
        ("https://user:pw@example.com", "must not contain credentials"),
        ("https://", "has no host"),
    ],
)
def test_unsafe_base_urls_are_refused_naming_the_setting(url: str, words: str) -> None:
    with pytest.raises(InvalidInputError, match=words) as info:
        checked_base_url(url, "the acme base URL", "the API key")
    assert "the acme base URL" in str(info.value)


def test_a_server_refuses_a_non_loopback_host_unless_told_and_a_taken_port() -> None:
    with pytest.raises(InvalidInputError, match="loopback only"):
        LoopbackServer(object(), host="0.0.0.0")
    first = LoopbackServer(object())
    try:
        with pytest.raises(InvalidInputError, match="pick another --port"):
            LoopbackServer(object(), port=first.port)
    finally:
        first.stop()


def test_answers_on_a_kept_alive_connection_are_not_held_back_by_nagle() -> None:
    # uvicorn leaves Nagle on for a socket it did not bind: every answer after a connection's
    # first then waited ~40 ms for the client's delayed ACK. The accepted socket says.
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        transport = send.__self__.transport
        nodelay = transport.get_extra_info("socket").getsockopt(
            socket.IPPROTO_TCP, socket.TCP_NODELAY
        )
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(nodelay).encode()})

    with LoopbackServer(app) as server, httpx.Client(base_url=server.url) as client:
        answers = [client.get("/").text for _ in range(2)]  # the second reuses the connection
    assert answers == ["1", "1"]
