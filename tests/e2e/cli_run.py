"""Run the `wfm` CLI in-process on a fresh data directory, capturing stdout and stderr."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from wfm_bridge.host.cli.app import run

DEMO_ANCHOR = "2024-06-03"  # a Monday: the demo's 10 weeks start here, so dates are fixed


@dataclass
class Result:
    """Exit code and captured output of one CLI run."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """Stdout parsed as JSON."""
        return json.loads(self.out)


class Cli:
    """Runs ``wfm`` with WFM_HOME in a temporary directory."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self._capsys = capsys

    def __call__(self, *args: str) -> Result:
        """Run ``wfm *args``."""
        self._capsys.readouterr()
        code = run(list(args))
        captured = self._capsys.readouterr()
        return Result(code, captured.out, captured.err)


def isolate(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Fresh data directory and a pinned demo calendar."""
    monkeypatch.setenv("WFM_HOME", str(home))
    monkeypatch.setenv("WFM_DEMO_ANCHOR", DEMO_ANCHOR)
    for var in ("WFM_TENANT", "WFM_PROVIDER", "WFM_TIMEZONE", "WFM_CACHE", "WFM_DIRECTORY"):
        monkeypatch.delenv(var, raising=False)


def check_tour_story(steps: list[dict[str, Any]]) -> None:
    """`wfm demo --json`'s story: it books a slot the finder offered (inside the shift), and
    its one failing step is a booking at night refused with exit code 2."""
    (offered,) = [
        s["output"]["items"] for s in steps if s["command"].startswith("wfm slots")
        and "--days 3" in s["command"]
    ]  # fmt: skip
    booked = [s for s in steps if s["command"].startswith("wfm meetings book")]
    assert [s["exit_code"] for s in booked] == [0, 2]
    assert booked[0]["output"]["start"] in {slot["start"] for slot in offered}
    assert [s["exit_code"] for s in steps if s not in booked] == [0] * (len(steps) - 2)
