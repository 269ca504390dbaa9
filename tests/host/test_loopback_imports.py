"""Plugins know the host through one module only: ``host/loopback.py`` (serving and the base-URL
rule), so a vendor's emulator and the HTTP face serve the same way."""

from __future__ import annotations

import ast
from pathlib import Path

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
