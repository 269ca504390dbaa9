"""`wfm serve` as a user starts it: a real process on a free port, with its own data directory.

``wfm(home, *args)`` runs one CLI command in a child process; ``serving(home, *args)`` starts
`wfm ... serve --port 0` and hands over the URL it prints (the socket is bound before the
line is printed, so no polling); ``assembled_home(...)`` stores the emulator's key.
"""

from __future__ import annotations

import os
import re
import selectors
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WFM = Path(sys.executable).with_name("wfm")
START_TIMEOUT_S = 60
_URL = re.compile(r"wfm serve on (http://\S+)")


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WFM_")}
    return {**env, "WFM_HOME": str(home), "PYTHONUNBUFFERED": "1"}


def wfm(home: Path, *args: str, stdin: str = "") -> str:
    """Run ``wfm *args`` with ``home`` as its data directory; its stdout (fails on exit != 0)."""
    done = subprocess.run(
        [str(WFM), *args], input=stdin, capture_output=True, text=True, env=_env(home),
        timeout=120, check=False,
    )
    assert done.returncode == 0, f"wfm {' '.join(args)} failed: {done.stderr}"
    return done.stdout


def new_token(home: Path, tenant: str) -> str:
    """A fresh token of ``tenant`` from `wfm serve token create`."""
    return wfm(home, "serve", "token", "create", "--tenant", tenant).strip()


@contextmanager
def serving(home: Path, *global_args: str) -> Iterator[str]:
    """`wfm [global_args] serve --port 0` in a child process; yields its URL, then stops it."""
    proc = subprocess.Popen(
        [str(WFM), *global_args, "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(home),
        start_new_session=True,
    )
    try:
        yield _first_url(proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _first_url(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=START_TIMEOUT_S):
            raise AssertionError("wfm serve printed nothing in time")
    line = proc.stdout.readline()
    found = _URL.search(line)
    if found is None:
        err = proc.stderr.read() if proc.poll() is not None and proc.stderr else ""
        raise AssertionError(f"wfm serve did not start: {line!r} {err}")
    return found.group(1)
