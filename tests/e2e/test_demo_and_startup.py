"""`wfm demo` end to end, and a light start-up for `wfm --help`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from e2e.cli_run import Cli, check_tour_story


def test_demo_tour_runs_every_step(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WFM_HOME", str(tmp_path))
    for var in ("WFM_DEMO_ANCHOR", "WFM_TENANT", "WFM_PROVIDER", "WFM_TIMEZONE"):
        monkeypatch.delenv(var, raising=False)
    wfm = Cli(capsys)
    result = wfm("demo")
    assert result.code == 0, result.err
    out = result.out
    for step in ("$ wfm plugins", "$ wfm mapping show", "$ wfm schedule", "$ wfm slots",
                 "$ wfm meetings book", "$ wfm meetings cancel", "$ wfm export run"):
        assert step in out
    assert "booked mtg-" in out and "cancelled mtg-" in out
    # the one refused step: a 1:1 at night in the agent's zone, refused as off duty (exit 2)
    assert out.count("(exit code") == 1 and "(exit code 2)" in out
    assert result.err.count("error:") == 1 and "off duty at 03:00 America/Chicago" in result.err
    # the second export run sends nothing new
    assert out.count("Sent 0 score(s)") == 1
    listed = wfm("meetings", "list", "--json")
    assert [m["status"] for m in listed.json()["items"]] == ["cancelled"]
    toured = wfm("demo", "--json")
    assert toured.code == 0, toured.err
    check_tour_story(toured.json()["items"])


def test_demo_reset_restores_the_seed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WFM_HOME", str(tmp_path))
    result = Cli(capsys)("demo", "reset")
    assert result.code == 0, result.err
    assert "demo organisation restored" in result.out


def test_help_starts_without_heavy_imports() -> None:
    code = (
        "import sys; from wfm_bridge.host.cli.app import run; "
        "rc = run(['--help']); "
        "heavy = [m for m in ('httpx', 'cryptography', 'diskcache', 'starlette', 'uvicorn', "
        "'icalendar', 'wfm_bridge.core.mapping', 'wfm_bridge.host.container', "
        "'dependency_injector') "
        "if m in sys.modules]; "
        "print('HEAVY', heavy); sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stdout
