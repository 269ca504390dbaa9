"""Benchmark: the schedule view, 500 employees x 60 days, over HTTP against the emulator.

DESIGN 3: cold cache, realistic latency (50 ms) and the real rate limit (5/s, bursts of 20):
requests made = the plan's minimum, wall time within 1.3x of the lower bound the rate limit
sets; warm cache (mapping + activity types cached): zero people/activity-type requests.
Nothing process-global is tuned for it (CONVENTIONS 11): the collector's passes during each
view are counted and printed, its thresholds are only read.

The emulator runs in its own process (`wfm emulator serve`), as Assembled would, seeded with
an organisation of N agents who each work Monday-Friday: an 8.5 h Shift with two Breaks and a
Lunch on top (about 2.9 activities per agent per calendar day, close to what Assembled
returns in practice). The client drives the real use case: ScheduleService over
EmployeeMapper + ActivityTypeCatalog over AssembledProvider, with the system clock.

Lower bound: N requests under a server bucket of ``burst`` and ``rate`` cannot all be
admitted before ``max(0, N - burst) / rate`` seconds, and the last answer takes one latency.

``--server-rate R --server-burst B`` give the emulator a limit the client was not told (it
still starts from ``--rate``/``--burst``): the client learns it from 429s. DESIGN 3: it still
finishes, requests <= plan + the 429s needed to learn, wall within 1.3x of *that server's*
bound.
Run: .venv/bin/python bench/schedule.py [--agents 500] [--days 60]
     [--server-rate 2 --server-burst 10] [--provider assembled|genesys|both]
``--provider genesys`` runs the same view against the Genesys emulator
(bench/schedule_genesys.py); ``both`` prints Genesys's figures beside Assembled's.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from pydantic import SecretStr

from wfm_bridge.core.activity_types import ActivityTypeCatalog
from wfm_bridge.core.mapping import EmployeeMapper
from wfm_bridge.core.schedules import ScheduleService
from wfm_bridge.plugins.assembled.config import AssembledConfig
from wfm_bridge.plugins.assembled.planner import plan
from wfm_bridge.plugins.assembled.provider import AssembledProvider
from wfm_bridge.plugins.assembled.wire import to_unix
from wfm_bridge.plugins.local.clock import SystemClock
from wfm_bridge.plugins.memory_fake.cache import InMemoryCache
from wfm_bridge.plugins.memory_fake.directory import InMemoryEmployeeDirectory
from wfm_bridge.ports.models import Employee

KEY = "sk_live_" + "b" * 32
START = date(2025, 3, 3)  # a Monday
TYPES = [
    {"id": "t-shift", "name": "Shift", "background_color": "#2e7d32"},
    {"id": "t-break", "name": "Break", "background_color": "#f9a825"},
    {"id": "t-lunch", "name": "Lunch", "background_color": "#ef6c00"},
    {"id": "t-meeting", "name": "Meeting", "background_color": "#4a90d9"},
]


def organisation(agents: int, days: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Wire-shaped people and activities (deterministic)."""
    people, activities = [], []
    for n in range(agents):
        agent = str(uuid.UUID(int=n + 1))
        people.append(
            {
                "id": f"person-{n}",
                "agent_id": agent,
                "first_name": f"Agent{n}",
                "last_name": "Bench",
                "email": f"agent{n}@example.com",
                "deleted": False,
                "staffable": True,
            }
        )
        for d in range(days):
            day = START + timedelta(days=d)
            if day.weekday() >= 5:
                continue
            t0 = int(datetime(day.year, day.month, day.day, 8 + n % 6, tzinfo=UTC).timestamp())
            for type_id, start, minutes in (
                ("t-shift", 0, 510),
                ("t-break", 120, 15),
                ("t-lunch", 240, 60),
                ("t-break", 390, 15),
            ):
                s, e = t0 + start * 60, t0 + (start + minutes) * 60
                activities.append(
                    {
                        "id": str(uuid.uuid4()),
                        "agent_id": agent,
                        "type_id": type_id,
                        "start_time": s,
                        "end_time": e,
                        "description": "",
                    }
                )
    return people, activities


def start_emulator(latency: float, rate: float, burst: int) -> tuple[subprocess.Popen[str], str]:
    """`wfm emulator serve` on a free port, in its own process; returns it and its URL."""
    cmd = [
        sys.executable,
        "-c",
        "from wfm_bridge.host.cli.app import main; main()",
        "emulator",
        "serve",
        "--port",
        "0",
        "--seed",
        "empty",
        "--key",
        KEY,
        "--latency",
        str(latency),
        "--rate",
        str(rate),
        "--burst",
        str(burst),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if "emulator on http://" in line:
            return proc, line.split(" on ", 1)[1].split()[0]
    raise SystemExit("the emulator did not start")


def ledger(base_url: str) -> Counter[str]:
    """The emulator's request counts ("GET /v0/people 200" -> n)."""
    return Counter(httpx.get(base_url + "/_emulator/ledger", timeout=30).json()["requests"])


def bound(requests: int, rate: float, burst: int, latency: float) -> float:
    """The least wall time ``requests`` can take under the server's bucket."""
    return max(0, requests - burst) / rate + latency


class TimedProvider:
    """Delegates to the provider and adds up the wall time spent inside each method (for a
    stream, inside each step of it: waiting for the next answer counts, the caller's work
    between steps does not)."""

    def __init__(self, inner: AssembledProvider) -> None:
        self.inner = inner
        self.name = inner.name
        self.spent: defaultdict[str, float] = defaultdict(float)

    def __getattr__(self, method: str) -> Any:
        target = getattr(self.inner, method)

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                result = target(*args, **kwargs)
            finally:
                self.spent[method] += time.perf_counter() - t0
            return self._steps(method, result) if isinstance(result, Iterator) else result

        return timed

    def _steps(self, method: str, stream: Iterator[Any]) -> Iterator[Any]:
        while True:
            t0 = time.perf_counter()
            try:
                item = next(stream)
            except StopIteration:
                return
            finally:
                self.spent[method] += time.perf_counter() - t0
            yield item


@dataclass(frozen=True)
class Run:
    """One view's figures: wall time, this process's CPU time (all its threads; not the
    emulator's), the cyclic collector's passes meanwhile (young, middle, full) and the
    seconds they took."""

    wall: float
    cpu: float
    passes: tuple[int, ...]
    collecting: float


def collections() -> list[int]:
    """How many passes the collector has made per generation (read-only)."""
    return [generation["collections"] for generation in gc.get_stats()]


class CollectorTime:
    """Seconds spent in the collector's passes while installed (an observer: the collector's
    settings are only read)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._began = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._began


def run(service: ScheduleService, emails: list[str], days: int) -> Run:
    """One schedule view of everyone, measured."""
    collector = CollectorTime()
    before, cpu = collections(), time.process_time()
    gc.callbacks.append(collector)
    t0 = time.perf_counter()
    try:
        view = service.view(emails, START, days, "UTC")
    finally:
        wall = time.perf_counter() - t0
        gc.callbacks.remove(collector)
    cpu = time.process_time() - cpu
    passes = tuple(n - b for n, b in zip(collections(), before, strict=True))
    assert len(view.employees) == len(emails) and not view.unmapped
    return Run(wall, cpu, passes, collector.seconds)


def report(
    name: str, measured: Run, made: Counter[str], minimum: int, args: Any, spent: dict[str, float]
) -> None:
    """Print one run's figures."""
    wall = measured.wall
    total = sum(made.values())
    limited = sum(n for k, n in made.items() if k.endswith(" 429"))
    lower = bound(minimum, args.server_rate, args.server_burst, args.latency)
    by_endpoint = Counter(" ".join(k.split()[:2]) for k in made.elements())
    inside = sum(spent.values())
    print(
        f"{name}: requests made {total} = {total - limited} answered + {limited} x 429 "
        f"(plan minimum {minimum}); wall {wall:.2f}s vs the server's lower bound "
        f"{lower:.2f}s -> ratio {wall / lower:.2f}"
    )
    print(f"  by endpoint: {dict(by_endpoint)}")
    print(
        f"  inside the provider {inside:.2f}s (ratio {inside / lower:.2f}), "
        f"in the use case around it {wall - inside:.2f}s"
    )
    young, middle, full = measured.passes
    print(
        f"  client CPU {measured.cpu:.2f}s (all threads); collector passes: {young} young, "
        f"{middle} middle, {full} full, {measured.collecting:.2f}s (thresholds now "
        f"{gc.get_threshold()})"
    )


def calibrate() -> float:
    """Milliseconds for a 1e6-step Python loop (about 30-50 ms on an idle modern core)."""
    t0 = time.perf_counter()
    total = 0
    for i in range(1_000_000):
        total += i
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    """Run the cold and warm benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--burst", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=None, help="plugin default if unset")
    parser.add_argument(
        "--server-rate", type=float, default=None, help="the emulator's limit (default --rate)"
    )
    parser.add_argument(
        "--server-burst", type=int, default=None, help="the emulator's burst (default --burst)"
    )
    parser.add_argument("--provider", choices=("assembled", "genesys", "both"), default="assembled")
    args = parser.parse_args()
    if args.provider in ("genesys", "both"):
        from wfm_bridge.bench.schedule_genesys import bench

        print(f"machine: a 1e6-step Python loop takes {calibrate():.0f} ms")
        bench(args, START)
        if args.provider == "genesys":
            return
    args.server_rate = args.server_rate or args.rate
    args.server_burst = args.server_burst or args.burst

    people, activities = organisation(args.agents, args.days)
    proc, base_url = start_emulator(args.latency, args.server_rate, args.server_burst)
    try:
        body = json.dumps({"people": people, "activity_types": TYPES, "activities": activities})
        httpx.post(base_url + "/_emulator/seed", content=body, timeout=120).raise_for_status()
        print(
            f"emulator {base_url}: {len(people)} agents, {len(activities)} activities, "
            f"{args.days} days, latency {args.latency * 1000:.0f} ms, server limit "
            f"{args.server_rate:g}/s burst {args.server_burst}; the client starts from "
            f"{args.rate:g}/s burst {args.burst}"
        )

        clock = SystemClock()
        options = {"base_url": base_url, "rate": str(args.rate), "burst": str(args.burst)}
        if args.concurrency:
            options["concurrency"] = str(args.concurrency)
        config = AssembledConfig.from_options(options)
        provider = TimedProvider(AssembledProvider(config, SecretStr(KEY), clock))
        employees = [
            Employee(host_id=f"h{n}", name=f"Agent{n} Bench", email=p["email"])
            for n, p in enumerate(people)
        ]
        cache = InMemoryCache(clock)
        mapper = EmployeeMapper(provider, InMemoryEmployeeDirectory(employees), cache, clock, "b")
        service = ScheduleService(
            provider, mapper, ActivityTypeCatalog(provider, cache, clock, "b")
        )
        emails = [e.email for e in employees if e.email]

        start = datetime.combine(START, datetime.min.time(), UTC)
        planned = plan(
            [p["agent_id"] for p in people],
            to_unix(start),
            to_unix(start + timedelta(days=args.days)),
            slice_days=config.slice_days,
            base_url=base_url,
            max_url_bytes=config.max_url_bytes,
        )
        people_pages = max(1, -(-len(people) // config.page_size))
        print(
            f"plan: {len(planned)} activity requests "
            f"({len({(r.start_time, r.end_time) for r in planned})} slices x "
            f"{len({r.agents for r in planned})} agent groups) + {people_pages} people page(s) "
            f"+ 1 activity types"
        )

        print(f"machine: a 1e6-step Python loop takes {calibrate():.0f} ms")
        before = ledger(base_url)
        cold = run(service, emails, args.days)
        made = ledger(base_url) - before
        report("cold", cold, made, len(planned) + people_pages + 1, args, provider.spent)

        learned = provider.inner.client.limiter.current()
        print(f"  the client's limiter learned {learned.rate:.2f}/s burst {learned.burst}")
        # let both buckets refill: warm starts fresh (at the learned limit)
        time.sleep(max(args.burst / args.rate, args.server_burst / args.server_rate) + 0.2)
        before = ledger(base_url)
        provider.spent.clear()
        warm = run(service, emails, args.days)
        made = ledger(base_url) - before
        report("warm", warm, made, len(planned), args, provider.spent)
        meta = sum(n for k, n in made.items() if "/people" in k or "/activity_types" in k)
        print(f"  warm people/activity-type requests: {meta} (target 0)")
        provider.inner.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
