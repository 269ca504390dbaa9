"""`wfm scores` and `wfm export` on the embedded default, state persisted in the data dir."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from e2e.cli_run import Cli, isolate

from wfm_bridge.host.bridge import Bridge
from wfm_bridge.host.settings import Settings


@pytest.fixture
def wfm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    isolate(monkeypatch, tmp_path)
    monkeypatch.delenv("WFM_STATE", raising=False)
    monkeypatch.delenv("WFM_SCORES", raising=False)
    return Cli(capsys)


def test_first_run_sends_the_recorded_scores_and_the_second_sends_none(wfm: Cli) -> None:
    assert wfm("scores", "seed").code == 0
    added = wfm(
        "scores",
        "add",
        "--evaluation",
        "ev-1",
        "--agent",
        "ana.lee@example.com",
        "--score",
        "42",
        "--max",
        "50",
        "--scorecard",
        "Tone",
    )
    assert added.code == 0, added.err

    first = wfm("export", "run", "--json")
    second = wfm("export", "run", "--json")

    assert first.code == 0, first.err
    report = first.json()
    assert report["sent"] > 30 and report["batches"] == 1
    assert report["pending_unmapped"] >= 3  # inactive, ambiguous and unknown demo agents
    assert {u["agent"]["email"] for u in report["unmapped"]} >= {"noah.fischer@example.com"}
    assert all(u["reason"] for u in report["unmapped"])
    assert report["checkpoint"]["evaluation_id"]
    assert second.json()["sent"] == 0
    assert second.json()["pending_unmapped"] == report["pending_unmapped"]


def test_rescoring_sends_only_the_new_value(wfm: Cli) -> None:
    score = ["scores", "add", "--evaluation", "ev-9", "--agent", "ana.lee@example.com"]
    wfm(*score, "--score", "10")
    wfm("export", "run")
    wfm(*score, "--score", "90")

    report = wfm("export", "run", "--json").json()

    assert (report["sent"], report["batches"]) == (1, 1)
    listed = wfm("scores", "list", "--json").json()["items"]
    assert [(r["evaluation_id"], r["score"], r["export"]) for r in listed] == [("ev-9", 90, "sent")]


def test_dry_run_shows_what_would_be_sent_and_changes_nothing(wfm: Cli) -> None:
    wfm("scores", "add", "--evaluation", "ev-1", "--agent", "ana.lee@example.com", "--score", "7")

    dry = wfm("export", "run", "--dry-run", "--json")
    human = wfm("export", "run", "--dry-run")
    status = wfm("export", "status", "--json").json()

    assert dry.code == 0, dry.err
    assert dry.json()["dry_run"] and dry.json()["sent"] == 1
    assert [p["evaluation_id"] for p in dry.json()["preview"]] == ["ev-1"]
    assert "Would send 1 score(s)" in human.out
    assert status["checkpoint"] is None and status["backlog"] == 1
    assert status["last_run"] is None
    assert wfm("export", "run", "--json").json()["sent"] == 1


def test_status_shows_last_success_checkpoint_pending_and_last_error(wfm: Cli) -> None:
    wfm("scores", "seed")
    wfm("export", "run")

    status = wfm("export", "status", "--json")
    human = wfm("export", "status")

    assert status.code == 0, status.err
    view = status.json()
    assert view["last_success"]["outcome"] == "ok"
    assert view["checkpoint"] is not None and view["backlog"] == 0
    assert view["pending_unmapped"] == len(view["unmapped"]) >= 3
    assert view["last_error"] is None and view["running"] is False
    assert "Last successful run:" in human.out and "Unmapped, held back:" in human.out


def test_a_second_export_of_the_tenant_exits_saying_another_is_running(
    wfm: Cli, tmp_path: Path
) -> None:
    wfm("scores", "add", "--evaluation", "ev-1", "--agent", "ana.lee@example.com", "--score", "7")
    state = Bridge(Settings.from_env(data_dir=tmp_path)).state

    with state.lock("export:default"):
        busy = wfm("export", "run")

    assert busy.code == 1
    assert busy.err.startswith("error: another export for tenant 'default' is running")
    assert wfm("export", "run", "--json").json()["sent"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--score", "120", "--max", "100"), "between 0 and --max"),
        (("--score", "5", "--max", "0"), "max > 0"),
        (("--score", "5", "--agent", "not-an-email"), "not an email"),
    ],
)
def test_scores_add_refuses_bad_input_in_one_line(
    wfm: Cli, args: tuple[str, ...], message: str
) -> None:
    base = {"--evaluation": "ev-1", "--agent": "ana.lee@example.com"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    result = wfm("scores", "add", *(x for kv in base.items() for x in kv))
    assert result.code == 2
    assert result.err.startswith("error:") and message in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_export_batch_size_out_of_range_is_a_one_line_error(wfm: Cli) -> None:
    result = wfm("export", "run", "--batch-size", "0")
    assert (result.code, result.err.strip()) == (
        2,
        "error: the export batch size must be between 1 and 10000",
    )


@pytest.mark.slow
def test_the_worker_exports_at_start_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WFM_")}
    env["WFM_HOME"] = str(tmp_path)
    wfm_bin = str(Path(sys.executable).with_name("wfm"))
    subprocess.run([wfm_bin, "scores", "seed"], env=env, check=True, capture_output=True)

    worker = subprocess.Popen(
        [wfm_bin, "export", "worker"], env=env, stderr=subprocess.PIPE, text=True
    )
    assert worker.stderr is not None
    first = worker.stderr.readline()  # the first run's summary: the worker is now waiting
    worker.send_signal(signal.SIGTERM)
    started = time.monotonic()
    code = worker.wait(timeout=30)
    rest = worker.stderr.read()

    assert code == 0, rest
    assert time.monotonic() - started < 5
    assert "export default: sent" in first
    assert "stop requested" in rest and "export worker stopped after 1 cycle(s)" in rest
    status = subprocess.run(
        [wfm_bin, "export", "status", "--json"], env=env, check=True, capture_output=True
    )
    assert '"outcome": "ok"' in status.stdout.decode()
