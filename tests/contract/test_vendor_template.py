"""examples/vendor-template, copied out of the repository, passes every kit test on its own.

Slow: a fresh virtual environment gets this checkout with the [testing] extra and the
template (no file of this repository's tests/ travels), then runs the template's pytest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "examples" / "vendor-template"
JUNK = shutil.ignore_patterns(
    ".git", ".venv", "build", ".typecheck", "*.egg-info", "__pycache__", ".hypothesis"
)


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "PYTHON"))}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_the_template_passes_every_kit_test_in_a_fresh_venv(tmp_path: Path) -> None:
    checkout, vendor = tmp_path / "wfm-bridge", tmp_path / "acme-wfm"
    shutil.copytree(ROOT, checkout, ignore=JUNK)  # pip builds in-tree: never in ours
    shutil.copytree(TEMPLATE, vendor, ignore=JUNK)
    venv = tmp_path / "venv"
    assert _run([sys.executable, "-m", "venv", str(venv)], tmp_path).returncode == 0
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]

    installed = _run([*pip, f"{checkout}[testing]", str(vendor)], tmp_path)
    assert installed.returncode == 0, installed.stderr[-3000:]
    result = _run([str(venv / "bin" / "pytest"), "-rs"], vendor)

    assert result.returncode == 0, result.stdout[-4000:]
    assert "failed" not in result.stdout and " passed" in result.stdout
    assert not list(vendor.rglob("test_memory_fake.py"))  # nothing of tests/ came along
