"""A fleet of `wfm export worker` processes over many tenants, against one emulator.

The emulator (in this process) accepts one key per tenant, each with its own bucket, and
keeps each key's pushes apart. Every tenant's key is in the vault of one data directory and
its demo scores in that directory; every worker process shares the tenants through
PostgreSQL (the test server, on this world's own schema) and caches in Redis (own prefix),
as the machines of a fleet would. ``check`` reads the emulator's per-key push ledger: a
score never pushed is *lost*, one pushed twice is *doubled* (no faults here: any re-send is
a duplicate), a score stored twice for one key is impossible (upsert by id) and counted too.
Used by tests/fleet/test_fleet_cli.py, bench/fleet.py and the fleet chaos run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr

from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig, key_id
from wfm_bridge.plugins.assembled.emulator.seed import seed_demo
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer
from wfm_bridge.plugins.local.master_keys import FileMasterKeys
from wfm_bridge.plugins.local.vault import AesGcmKeyVault
from wfm_bridge.plugins.memory_fake.scores import DemoScoreSource, demo_scores_path
from wfm_bridge.ports.models import QaScore

WFM = str(Path(sys.executable).with_name("wfm"))
ROOT = Path(__file__).resolve().parents[2]
ID_FIELD = "conversation_external_id"
AGENTS = ("ana.lee@example.com", "james.miller@example.com", "priya.patel@example.com")
T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def tenant_key(index: int) -> str:
    """The API key of tenant ``index`` (the format of a real key)."""
    return f"sk_live_fleet{index:06d}".ljust(40, "0")


@dataclass
class FleetCheck:
    """What the emulator's per-key ledger says about the scores recorded so far."""

    tenants: int = 0
    scores: int = 0
    pushed_rows: int = 0
    lost: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)  # pushed more than once (re-sends too)
    tenants_untouched: list[str] = field(default_factory=list)
    throttled: int = 0  # 429s answered by the emulator's rate limit, all keys

    def line(self) -> str:
        """One line of figures."""
        return (
            f"{self.tenants} tenants, {self.scores} scores: {len(self.lost)} lost, "
            f"{len(self.doubled)} pushed twice, {len(self.tenants_untouched)} tenants never "
            f"exported, {self.throttled} x 429"
        )


@dataclass
class Worker:
    """A started `wfm export worker` process."""

    name: str
    proc: subprocess.Popen[str]
    started: float
    out: str = ""
    err: str = ""

    def wait(self, timeout: float) -> int:
        """Wait for it to end; returns its exit code (SIGKILL: -9)."""
        out, err = self.proc.communicate(timeout=timeout)
        self.out, self.err = self.out + out, self.err + err
        return self.proc.returncode

    def kill(self) -> None:
        """SIGKILL it (our own child, by its pid)."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)


class FleetWorld:
    """Tenants, their keys and scores, an emulator, and how to start workers on them."""

    def __init__(
        self,
        base: Path,
        tenants: int,
        *,
        postgres_dsn: str,
        schema: str,
        redis_url: str | None = None,
        redis_prefix: str = "wfm:",
        latency: float = 0.0,
        rate: float = 5.0,
        burst: int = 20,
    ) -> None:
        self.base = base
        self.home = base / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        self.tenants = [f"t{i:04d}" for i in range(tenants)]
        self.keys = {t: tenant_key(i) for i, t in enumerate(self.tenants)}
        self.postgres_dsn, self.schema = postgres_dsn, schema
        self.redis_url, self.redis_prefix = redis_url, redis_prefix
        config = EmulatorConfig(
            keys=tuple(self.keys.values()), rate=rate, burst=burst, latency=latency
        )
        self.emulator = Emulator(config)
        seed_demo(self.emulator.state, datetime.now(UTC).date())  # the demo calendar of today
        self.server = EmulatorServer(self.emulator).start()
        self.recorded: dict[str, set[str]] = {t: set() for t in self.tenants}
        self._vault_keys()
        self.workers: list[Worker] = []

    def _vault_keys(self) -> None:
        vault = AesGcmKeyVault(self.home, FileMasterKeys(self.home / "master.keys"))
        now = datetime.now(UTC)
        for tenant, key in self.keys.items():
            vault.put(tenant, "assembled", {"api_key": SecretStr(key)}, now)

    def record_scores(self, per_tenant: int, round_no: int = 0) -> int:
        """Record ``per_tenant`` new scores for every tenant (mappable agents); how many."""
        stamp = T0 + timedelta(hours=round_no)
        for tenant in self.tenants:
            batch = []
            for i in range(per_tenant):
                evaluation = f"{tenant}-r{round_no}-ev{i:04d}"
                batch.append(
                    QaScore(
                        evaluation_id=evaluation,
                        agent_email=AGENTS[i % len(AGENTS)],
                        score=float(i % 10),
                        max_score=10.0,
                        scorecard="Voice QA",
                        evaluated_at=stamp,
                        updated_at=stamp + timedelta(seconds=i),
                    )
                )
                self.recorded[tenant].add(evaluation)
            DemoScoreSource(demo_scores_path(self.home, tenant)).record_many(batch)
        return per_tenant * len(self.tenants)

    def env(self) -> dict[str, str]:
        """The environment of every worker process."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("WFM_")}
        env.update(
            WFM_HOME=str(self.home),
            WFM_PROVIDER="assembled",
            WFM_BASE_URL=self.server.base_url,
            WFM_STATE="postgres",
            WFM_POSTGRES_DSN=self.postgres_dsn,
            WFM_POSTGRES_SCHEMA=self.schema,
            PYTHONPATH=str(ROOT),
        )
        if self.redis_url:
            env.update(
                WFM_CACHE="redis", WFM_REDIS_URL=self.redis_url, WFM_REDIS_PREFIX=self.redis_prefix
            )
        return env

    def start_worker(self, name: str, *args: str) -> Worker:
        """Start `wfm export worker --worker-id NAME *args`."""
        argv = [WFM, "export", "worker", "--worker-id", name, *args]
        proc = subprocess.Popen(
            argv, env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        worker = Worker(name, proc, time.monotonic())
        self.workers.append(worker)
        return worker

    def wfm(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run one `wfm` command to its end."""
        return subprocess.run(
            [WFM, *args], env=self.env(), capture_output=True, text=True, timeout=timeout
        )

    def check(self) -> FleetCheck:
        """Lost / doubled per tenant, from the emulator's per-key push ledger."""
        figures = FleetCheck(tenants=len(self.tenants))
        with self.emulator.state.lock:
            ledger = self.emulator.state.ledger
            pushed = {t: list(ledger.pushed_by_key.get(key_id(k), [])) 
                      for t, k in self.keys.items()}
            figures.throttled = sum(ledger.throttled_by_key.values())
        for tenant, batches in pushed.items():
            counts = Counter(str(row[ID_FIELD]) for batch in batches for row in batch)
            figures.scores += len(self.recorded[tenant])
            figures.pushed_rows += sum(counts.values())
            figures.lost += sorted(self.recorded[tenant] - set(counts))
            figures.doubled += sorted(e for e, n in counts.items() if n > 1)
            if not batches and self.recorded[tenant]:
                figures.tenants_untouched.append(tenant)
        return figures

    def close(self) -> None:
        """Kill leftover workers and stop the emulator."""
        for worker in self.workers:
            worker.kill()
            if worker.proc.poll() is None or worker.proc.returncode is None:
                worker.proc.wait(timeout=10)
        self.server.stop()
