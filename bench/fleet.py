"""Fleet benchmark and fleet chaos: `wfm export worker` processes sharing many tenants.

Every tenant has its own key on one emulator (its own bucket, its own push ledger); the
workers share the tenants through PostgreSQL and cache in Redis (the machine's servers, or
WFM_TEST_POSTGRES_DSN / WFM_TEST_REDIS_URL).

Benchmark (default): 1,000 tenants x 50 new scores each, emulator latency 50 ms, 5/s burst
20 per key; one cycle (`worker --once`) with 1 worker process, then one with 4. Prints per
cycle: wall time, tenants exported once / more than once, scores lost / doubled (from the
emulator's per-key push ledger: a score pushed twice counts as doubled), 429s, requests,
and the bound the limits set: every tenant's few requests fit its own burst, so the per-key
limits cost nothing, and the bound is each worker sending one request at a time
(requests x latency / workers). Then the 4-vs-1 ratio.

Chaos (--chaos): 200 tenants x 20 scores; 3 workers per cycle. During cycle 1 one worker is
SIGKILLed mid-export (once it has finished two tenants and holds the lease of a third; then
replaced); 6 s later PostgreSQL is restarted (`pg_ctlcluster --skip-systemctl-redirect
<version> <cluster> restart`, the cluster listening on the DSN's port), and 12 s after the
kill so is Redis (the server on the URL's port; it keeps nothing: caches and learned rates
are lost). On a shared machine, point the chaos run at servers of its own
(WFM_TEST_POSTGRES_DSN / WFM_TEST_REDIS_URL): it restarts exactly those. Cycle 2 runs
clean. Prints what each cycle did and, after cycle 2: lost (a score never pushed), doubled
(pushed twice in the clean cycle, or again after its tenant's cycle-1 run had finished:
what the checkpoint rules forbid), re-sends (a page pushed again after the kill or a
restart, before the checkpoint moved: upserted, harmless), tenants not exported by the end
of cycle 2.

Run: .venv/bin/python bench/fleet.py [--tenants 1000] [--scores 50] [--chaos]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import psycopg
import redis
from fleet.world import ID_FIELD, FleetWorld, Worker  # tests/fleet/world.py

from wfm_bridge.plugins.assembled.emulator.emulator import key_id
from wfm_bridge.plugins.assembled.emulator.ledger import Ledger

DSN = os.environ.get("WFM_TEST_POSTGRES_DSN") or "postgresql://postgres@127.0.0.1:5432/test"
REDIS = os.environ.get("WFM_TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"
SCHEMA, PREFIX = "wfm_bench_fleet", "wfmbench:fleet:"
SENT = re.compile(r"export (t\d+): sent (\d+) in")


def _drop() -> None:
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
    _drop_cache()


def _drop_cache() -> None:
    client = redis.Redis.from_url(REDIS)
    keys = list(client.scan_iter(match=PREFIX + "*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


WORKER_ARGS = ("--once", "--lease-seconds", "10", "--poll-seconds", "1")
FAILED = re.compile(r"export (t\d+) failed")


def _cycle(
    world: FleetWorld,
    workers: int,
    round_no: int,
    chaos: dict[str, float] | None = None,
    extra: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Run ``workers`` `--once` workers together (a SIGKILL and restarts on ``chaos``)."""
    started = time.monotonic()
    args = (*WORKER_ARGS, *extra)
    procs = [world.start_worker(f"c{round_no}w{i}", *args) for i in range(workers)]
    events = _chaos(world, procs, args, **chaos) if chaos else []
    codes = [p.wait(timeout=3600) for p in procs]
    wall = time.monotonic() - started
    runs = Counter(t for p in procs for t, n in SENT.findall(p.err))
    check = world.check()
    with world.emulator.state.lock:
        requests = sum(
            n for k, n in world.emulator.state.ledger.requests.items() if not k.endswith(" 429")
        )
    return {
        "workers": workers,
        "wall": wall,
        "codes": codes,
        "ran": set(runs),
        "exported_once": sum(1 for t in world.tenants if runs[t] == 1),
        "exported_more": sum(1 for t in world.tenants if runs[t] > 1),
        "check": check,
        "requests": requests,
        "events": events,
        "failed": sorted({t for p in procs for t in FAILED.findall(p.err)}),
        "victim_done": len(SENT.findall(procs[0].err)) if chaos else 0,
    }


def _chaos(world: FleetWorld, procs: list[Worker], args: tuple[str, ...], kill_at: float,
           pg_at: float, redis_at: float) -> list[str]:
    """Kill a worker (at ``kill_at`` s, once it has finished two tenants and holds a lease
    on a third: the kill lands mid-export), then restart PostgreSQL and Redis ``pg_at`` and
    ``redis_at`` seconds after the kill."""
    events, t0 = [], time.monotonic()
    time.sleep(kill_at)
    victim = procs[0]
    tenant = _exporting(victim.name)
    victim.kill()
    events.append(f"{time.monotonic() - t0:5.1f} s: SIGKILL worker {victim.name} while it "
                  f"exported {tenant}")
    procs.append(world.start_worker(victim.name + "-replacement", *args))
    killed = time.monotonic()
    for at, what in sorted([(pg_at, "postgres"), (redis_at, "redis")]):
        time.sleep(max(0.0, killed + at - time.monotonic()))
        if what == "postgres":
            took = _restart_postgres()
            events.append(f"{time.monotonic() - t0:5.1f} s: PostgreSQL restarted ({took:.1f} s)")
        else:
            took = _restart_redis()
            events.append(f"{time.monotonic() - t0:5.1f} s: Redis restarted ({took:.1f} s)")
    return events


def _exporting(worker: str, timeout: float = 120.0) -> str | None:
    """Wait until ``worker`` has finished two tenants of the round and holds a live lease;
    the tenant it is exporting (None if that never happened within ``timeout``)."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{SCHEMA}"')
        while time.monotonic() < deadline:
            try:
                done = conn.execute(
                    "SELECT count(*) FROM wfm_fleet_runs WHERE worker = %s", (worker,)
                ).fetchone()
                leased = conn.execute(
                    "SELECT tenant FROM wfm_fleet_tenants "
                    "WHERE worker = %s AND lease_until > now()",
                    (worker,),
                ).fetchone()
            except psycopg.errors.UndefinedTable:  # the workers have not created them yet
                done = leased = None
            if done and done[0] >= 2 and leased:
                return str(leased[0])
            time.sleep(0.02)
    return None


def _restart_postgres() -> float:
    """Restart the cluster listening on the DSN's port."""
    started = time.monotonic()
    port = str(urlsplit(DSN).port or 5432)
    clusters = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    version, name = next(c.split()[:2] for c in clusters if c.split()[2] == port)
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"], check=True
    )
    return time.monotonic() - started


def _restart_redis() -> float:
    """SHUTDOWN the server of the URL, then start it again on its port (loopback, nothing
    saved)."""
    started = time.monotonic()
    port = str(urlsplit(REDIS).port or 6379)
    args = ("--bind", "127.0.0.1", "--port", port, "--save", "", "--daemonize", "yes")
    subprocess.run(["redis-cli", "-u", REDIS, "shutdown", "nosave"], capture_output=True)
    for _ in range(50):
        subprocess.run(["redis-server", *args], capture_output=True)
        if subprocess.run(["redis-cli", "-u", REDIS, "ping"], capture_output=True).returncode == 0:
            return time.monotonic() - started
        time.sleep(0.2)
    raise RuntimeError("Redis did not come back after the restart")


def _pushed(world: FleetWorld) -> Counter[str]:
    """How many times each evaluation was pushed (accepted), over every tenant's key."""
    with world.emulator.state.lock:
        ledger = world.emulator.state.ledger
        batches = [b for k in world.keys.values() for b in ledger.pushed_by_key.get(key_id(k), [])]
    return Counter(str(row[ID_FIELD]) for batch in batches for row in batch)


def _fresh(world: FleetWorld, scores: int, round_no: int) -> None:
    """New scores for every tenant, and a fresh ledger to judge the next cycle by."""
    world.recorded = {t: set() for t in world.tenants}
    world.record_scores(scores, round_no)
    with world.emulator.state.lock:
        world.emulator.state.ledger = Ledger()


def _print_cycle(label: str, c: dict[str, Any], bound: float | None = None) -> None:
    check = c["check"]
    print(f"{label}: {c['workers']} worker(s), wall {c['wall']:.1f} s, exit codes {c['codes']}")
    print(f"  tenants exported once: {c['exported_once']}, more than once: {c['exported_more']}")
    print(f"  {check.line()}; pushed rows {check.pushed_rows}, requests {c['requests']}")
    if bound is not None:
        print(f"  bound (requests x latency / workers): {bound:.1f} s; wall / bound "
              f"{c['wall'] / bound:.2f}")
    for event in c["events"]:
        print(f"  {event}")
    if c["events"]:
        print(f"  the killed worker had finished {c['victim_done']} tenant(s); runs that failed "
              f"(server restarts): {len(c['failed'])} {c['failed'][:8]}")


def bench(tenants: int, scores: int, latency: float) -> int:
    """1 worker, then 4, over the same tenants."""
    print(f"fleet bench: {tenants} tenants x {scores} new scores per cycle, emulator latency "
          f"{latency * 1000:.0f} ms, 5/s burst 20 per key")
    with tempfile.TemporaryDirectory() as tmp:
        world = FleetWorld(Path(tmp), tenants, postgres_dsn=DSN, schema=SCHEMA, redis_url=REDIS,
                           redis_prefix=PREFIX, latency=latency)
        try:
            cycles = []
            for round_no, workers in enumerate((1, 4)):
                _fresh(world, scores, round_no)
                _drop_cache()  # both cycles start cold: people fetched once per tenant
                c = _cycle(world, workers, round_no)
                bound = c["requests"] * latency / workers
                _print_cycle(f"cycle {round_no + 1}", c, bound)
                cycles.append(c)
        finally:
            world.close()
    one, four = cycles
    print(f"4 workers vs 1: wall {four['wall']:.1f} s / {one['wall']:.1f} s = "
          f"{four['wall'] / one['wall']:.2f} (ideal 0.25; this machine has 2 cores)")
    breaches = sum(len(c["check"].lost) + len(c["check"].doubled) + c["check"].throttled
                   + c["exported_more"] + (tenants - c["exported_once"]) for c in cycles)
    print(f"breaches (lost, doubled, 429, tenant not exactly once): {breaches}")
    return 1 if breaches else 0


def chaos(tenants: int, scores: int, latency: float) -> int:
    """Cycle 1 under a SIGKILL and server restarts, cycle 2 clean; then the check."""
    print(f"fleet chaos: {tenants} tenants x {scores} scores, 3 workers, latency "
          f"{latency * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        world = FleetWorld(Path(tmp), tenants, postgres_dsn=DSN, schema=SCHEMA, redis_url=REDIS,
                           redis_prefix=PREFIX, latency=latency)
        try:
            _fresh(world, scores, 0)  # both cycles are judged on one ledger
            small = ("--batch-size", "5")  # 4 pages a tenant: a kill lands between pages
            plan = {"kill_at": 3.0, "pg_at": 6.0, "redis_at": 12.0}
            first = _cycle(world, 3, 1, plan, small)
            _print_cycle("cycle 1 (chaos)", first)
            in_chaos = _pushed(world)
            second = _cycle(world, 3, 2, None, small)
            _print_cycle("cycle 2 (clean), cumulative", second)
            total = world.check()
            after = _pushed(world) - in_chaos  # what cycle 2 pushed
        finally:
            world.close()
    # a page pushed but not acknowledged when its worker died (or its server restarted) is
    # pushed again and upserted: a re-send. Doubled is what the checkpoint rules forbid: a
    # score pushed twice in the clean cycle, or pushed again after its tenant's run of
    # cycle 1 finished (its checkpoint had moved past it).
    resends = sorted(e for e, n in in_chaos.items() if n > 1)
    doubled = sorted(
        e for e, n in after.items() if n > 1 or e.split("-")[0] in first["ran"]
    )
    print(f"after both cycles: {len(total.lost)} lost, {len(doubled)} doubled, "
          f"{len(resends)} re-sent after the kill or a restart (upserted), "
          f"{len(total.tenants_untouched)} tenants never exported")
    return 1 if total.lost or doubled or total.tenants_untouched else 0


def main() -> int:
    """Parse arguments, run the benchmark or the chaos run, clean up the servers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=None)
    parser.add_argument("--scores", type=int, default=None)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--chaos", action="store_true")
    args = parser.parse_args()
    _drop()
    try:
        if args.chaos:
            return chaos(args.tenants or 200, args.scores or 20, args.latency)
        return bench(args.tenants or 1000, args.scores or 50, args.latency)
    finally:
        _drop()


if __name__ == "__main__":
    sys.exit(main())
