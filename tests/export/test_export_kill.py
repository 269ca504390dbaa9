"""A real export process SIGKILLed between push and checkpoint resumes: no loss, no double.

Everything persists across processes as in production: the demo score file, the local
(SQLite) state store holding checkpoint and pending set, and the fake provider's file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from wfm_bridge.core.export_state import ExportState
from wfm_bridge.host.bridge import Bridge
from wfm_bridge.host.settings import Settings

SCRIPT = Path(__file__).with_name("kill_export.py")
ROOT = Path(__file__).resolve().parents[2]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WFM_")}
    env.update(WFM_HOME=str(home), PYTHONPATH=str(ROOT))
    return env


def _wfm(home: Path, *args: str) -> str:
    """Run the real ``wfm`` command line against ``home``."""
    done = subprocess.run(
        [str(Path(sys.executable).with_name("wfm")), *args],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


def _export(
    home: Path, batch_size: int, kill_after: int | None = None
) -> subprocess.CompletedProcess[str]:
    """Run one export in its own process (killed after push ``kill_after``, if given)."""
    args = [sys.executable, str(SCRIPT), str(home), str(batch_size)]
    if kill_after is not None:
        args.append(str(kill_after))
    return subprocess.run(args, env=_env(home), capture_output=True, text=True, timeout=60)


@pytest.mark.slow
def test_sigkill_between_push_and_checkpoint_then_restart_loses_and_doubles_nothing(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    _wfm(home, "scores", "seed", "--count", "40")

    killed = _export(home, batch_size=6, kill_after=3)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    bridge = Bridge(Settings.from_env(data_dir=home))
    backend = bridge.tenant("default").provider.backend
    batches_at_kill = [list(b) for b in backend.score_batches]
    assert len(batches_at_kill) == 3  # the third push was acknowledged, then the kill
    records = ExportState(bridge.state, "default")
    checkpoint = records.checkpoint()
    assert checkpoint is not None  # pages 1-2 were checkpointed, page 3 was not

    # the host re-scores one already-exported evaluation while the exporter is down
    rescored = batches_at_kill[0][0]
    agent = bridge.scores.get(rescored).agent_email
    _wfm(home, "scores", "add", "--evaluation", rescored, "--agent", agent, "--score", "1")

    resumed = _export(home, batch_size=6)
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads(resumed.stdout)
    again = _export(home, batch_size=6)
    assert json.loads(again.stdout)["sent"] == 0

    backend.refresh()
    source = bridge.scores
    latest = {s.evaluation_id: s for s in source.changed_since(None, 1000)}
    pending = {p.score.evaluation_id for p in records.pending()}
    sent = set(backend.scores)
    assert len(latest) == 40
    assert sent | pending == set(latest)  # nothing lost: every score is sent or held
    assert not sent & pending
    assert report["pending_unmapped"] == len(pending) > 0  # the demo has unmappable agents
    for evaluation_id in sent:  # the sink holds the latest version of each
        push, score = backend.scores[evaluation_id], latest[evaluation_id]
        assert (push.score, push.updated_at) == (score.score, score.updated_at)

    # each evaluation pushed once, except the unacknowledged page (re-sent as an upsert)
    # and the re-scored evaluation (a new version)
    pushes = Counter(e for batch in backend.score_batches for e in batch)
    doubled = {e for e, n in pushes.items() if n > 1}
    assert doubled == set(batches_at_kill[2]) | {rescored}
    assert max(pushes.values()) == 2

