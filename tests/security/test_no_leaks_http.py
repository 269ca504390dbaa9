"""Secrets never leak over the real Assembled provider: HTTP Basic auth to the emulator, DEBUG.

The key goes over loopback as an ``Authorization: Basic`` header on every request; httpx and
httpcore log at DEBUG. Nothing the commands print or log, and no file under the data dir, may
hold the key or its base64 forms.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from local.auth_world import wfm

from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.assembled.emulator.seed import seed_demo
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer

from .test_no_leaks import all_bytes, assert_clean

KEY = "sk_live_Hp3Ws8Xq1Rt6Yv4Zn9Bm2Kc7Lf5Dg0Aj"
WRONG = "sk_live_Mm1Nn2Bb3Vv4Cc5Xx6Zz7Ll8Kk9Jj0Hh"
ANCHOR = date(2024, 6, 3)


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    emulator = Emulator(EmulatorConfig(keys=(KEY,), rate=1000, burst=1000))
    seed_demo(emulator.state, ANCHOR, anchor=ANCHOR)
    with EmulatorServer(emulator) as running:
        yield running


def test_assembled_commands_at_debug_leak_nothing(
    server: EmulatorServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WFM_HOME", str(tmp_path))
    for var in ("WFM_VAULT", "WFM_CACHE", "WFM_STATE", "WFM_CLOCK", "WFM_MASTER_KEYS"):
        monkeypatch.delenv(var, raising=False)
    caplog.set_level(logging.DEBUG)
    p = ("--log-level", "DEBUG", "--provider", "assembled", "--base-url", server.base_url)
    stored = wfm(capsys, monkeypatch, *p, "auth", "set-key", stdin=KEY)
    assert stored.code == 0, stored.err
    runs = [
        stored,
        wfm(capsys, monkeypatch, *p, "--debug", "auth", "set-key", stdin=WRONG),
        wfm(capsys, monkeypatch, *p, "auth", "status", "--json", "--all"),
        wfm(capsys, monkeypatch, *p, "activity-types"),
        wfm(capsys, monkeypatch, *p, "mapping", "show"),
        wfm(capsys, monkeypatch, *p, "schedule", "ana.lee@example.com", "--start", "2024-06-03",
            "--days", "7", "--json"),
        wfm(capsys, monkeypatch, *p, "auth", "rotate-master-key"),
        wfm(capsys, monkeypatch, *p, "auth", "remove"),
    ]
    assert [r.code for r in runs] == [0, 1, 0, 0, 0, 0, 0, 0]
    assert "invalid or expired" in runs[1].err
    captured = "".join(r.out + r.err for r in runs) + caplog.text
    assert "HTTP Request" in caplog.text  # the HTTP stack really logged, at DEBUG
    assert_clean(captured, KEY, WRONG)
    for record in caplog.records:
        assert_clean(record.getMessage() + (record.exc_text or ""), KEY, WRONG)
    assert_clean(all_bytes(tmp_path), KEY, WRONG)
