"""The chaos world: a vendor's emulator (vendors.py: Assembled or Genesys Cloud) on loopback
in a thread, and real `wfm` processes.

Every `wfm` runs as its own process (``<venv>/bin/wfm --provider VENDOR --base-url URL
...``) with a data directory (``WFM_HOME``) shared by the processes of one scenario, the
credentials stored once through ``wfm auth set-key`` reading them from stdin (one line per
declared field), and a short client timeout
(``WFM_OPTION_TIMEOUT``) so an accept-then-timeout costs seconds, not a minute. Processes can
be SIGKILLed after a delay: ``Proc.killed`` says whether the kill landed before they ended.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wfm_bridge.plugins.memory_fake.demo import demo_anchor

from .faults import FaultMix, RandomFaults
from .vendors import VENDORS, Assembled

KEY = Assembled.key  # the Assembled world's API key (tests driving its provider directly)
ROOT = Path(__file__).resolve().parents[2]
WFM = str(Path(sys.executable).with_name("wfm"))
RUN_LIMIT = 300.0  # seconds: a process still running then is killed and reported (a breach)


@dataclass
class Proc:
    """How one `wfm` process ended."""

    args: tuple[str, ...]
    code: int
    out: str
    err: str
    seconds: float
    killed: bool  # ended by our SIGKILL (not by finishing first)
    timed_out: bool = False

    def json(self) -> Any:
        """Stdout parsed as JSON."""
        return json.loads(self.out)

    def problem(self) -> str | None:
        """Why this ending breaks the CLI's contract (exit 0/1/2, one ``error:`` line, no
        traceback, no internal error), or None."""
        if self.killed:
            return None
        if self.timed_out:
            return f"still running after {RUN_LIMIT:.0f}s"
        if "Traceback" in self.err or "unexpected " in self.err:
            return f"internal error: {self.err.strip()[-300:]}"
        if self.code not in (0, 1, 2):
            return f"exit code {self.code}"
        if self.code != 0:
            errors = [line for line in self.err.splitlines() if line.startswith("error: ")]
            if len(errors) != 1:
                return f"exit {self.code} without one error line: {self.err.strip()[-300:]}"
        return None


class ChaosWorld:
    """One emulator (demo organisation, random faults) and the `wfm` processes against it."""

    def __init__(
        self,
        base: Path,
        seed: int,
        mix: FaultMix,
        *,
        rate: float = 5.0,
        burst: int = 20,
        vendor: str = "assembled",
    ) -> None:
        self.base = base
        self.mix = mix
        today = datetime.now(UTC).date()
        self.anchor = demo_anchor(today)
        self.vendor = VENDORS[vendor](today, self.anchor, rate, burst)
        self.emulator: Any = self.vendor.emulator
        self.faults = RandomFaults(seed, mix)
        self.emulator.faults = self.faults
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(128)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        config = uvicorn.Config(
            BufferedBodies(self.vendor.app()),
            log_level="critical",
            access_log=False,
            lifespan="off",
            loop="asyncio",
            http="h11",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )
        self.processes = 0

    def __enter__(self) -> ChaosWorld:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.emulator.stopping.set()  # held answers end early
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()

    def home(self, name: str) -> Path:
        """A fresh data directory holding the credentials, stored through `wfm auth set-key`."""
        home = self.base / name
        home.mkdir(parents=True)
        done = self.wfm(home, "auth", "set-key", stdin=self.vendor.login)
        if done.code != 0:
            raise RuntimeError(f"set-key failed: {done.err.strip()}")
        return home

    def env(self, home: Path) -> dict[str, str]:
        """The environment of a `wfm` process on ``home``."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("WFM_")}
        env.update(
            WFM_HOME=str(home),
            WFM_DEMO_ANCHOR=self.anchor.isoformat(),
            WFM_OPTION_TIMEOUT=str(self.mix.client_timeout),
            WFM_OPTION_CONNECT_TIMEOUT=str(self.mix.client_timeout),
            PYTHONPATH=str(ROOT),
        )
        return env

    def start(self, home: Path, *args: str) -> tuple[subprocess.Popen[str], float]:
        """Start `wfm --provider VENDOR --base-url URL *args` on ``home``."""
        argv = [WFM, "--provider", self.vendor.name, "--base-url", self.url, *args]
        self.processes += 1
        proc = subprocess.Popen(
            argv,
            env=self.env(home),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        return proc, time.monotonic()

    def finish(
        self,
        started: tuple[subprocess.Popen[str], float],
        kill_after: float | None = None,
        stdin: str | None = None,
    ) -> Proc:
        """Wait for a started process, SIGKILLing it ``kill_after`` seconds after its start."""
        proc, t0 = started
        planned = kill_after is not None and kill_after < RUN_LIMIT
        limit = kill_after if kill_after is not None and planned else RUN_LIMIT
        limit = max(0.0, t0 + limit - time.monotonic())
        killed = timed_out = False
        try:
            out, err = proc.communicate(stdin, timeout=limit)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)  # our own child, by its pid
            out, err = proc.communicate()
            killed = planned and proc.returncode == -signal.SIGKILL
            timed_out = not planned
        args = tuple(str(a) for a in proc.args[5:])  # type: ignore[index]
        return Proc(args, proc.returncode, out, err, time.monotonic() - t0, killed, timed_out)

    def wfm(
        self, home: Path, *args: str, kill_after: float | None = None, stdin: str | None = None
    ) -> Proc:
        """Run one `wfm` process to its end (or to our SIGKILL)."""
        return self.finish(self.start(home, *args), kill_after, stdin)

    def rate_limited(self) -> int:
        """429s the emulator's own rate limiter answered (not injected)."""
        with self.emulator.state.lock:
            requests = dict(self.emulator.state.ledger.requests)
        counts: Counter[str] = self.faults.counts
        answered: int = sum(n for k, n in requests.items() if k.endswith(" 429"))
        return answered - counts["429 with Retry-After"] - counts["429 without Retry-After"]


class BufferedBodies:
    """Reads each request body in full on arrival, as a server behind a buffering proxy does.

    Without it a write held by an injected delay is dropped when the client gives up
    (uvicorn reports the disconnect instead of the body); with it the write is applied late,
    after the client's timeout: the case a read-back after a timeout can miss.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)  # gone before sending its body
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body: list[Message] = [{"type": "http.request", "body": b"".join(chunks)}]

        async def replay() -> Message:
            return body.pop() if body else await receive()

        await self.app(scope, replay, send)
