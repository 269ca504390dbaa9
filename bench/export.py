"""Export benchmark: drain a 100,000-score backlog through the in-memory sink.

Prints requests made vs the minimum ceil(n / batch size), wall time, the export's own time
per request next to the Assembled rate-limit bound (5 requests/s, burst 20: the export is
CPU-cheap next to it), and the export's peak memory growth (tracemalloc; target < 100 MB).

Two passes over the same backlog, each with fresh state:
1. timing and correctness: the fake WFM backend as sink; afterwards it must hold all n scores.
2. memory: a sink that keeps O(1) memory (it checks that pushes arrive in strictly
   increasing (updated_at, evaluation id) order, which proves each score came exactly once,
   and counts them), so the figure is the exporter's growth, not the fake server's storage.

Run: .venv/bin/python bench/export.py [--n 100000] [--batch-size 500] [--agents 200]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import tracemalloc
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wfm_bridge.core.export import ExportPolicy, ExportScores
from wfm_bridge.core.mapping import EmployeeMapper
from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend
from wfm_bridge.plugins.memory_fake.cache import InMemoryCache
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.directory import InMemoryEmployeeDirectory
from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
from wfm_bridge.plugins.memory_fake.scores import InMemoryScoreSource
from wfm_bridge.plugins.memory_fake.state import InMemoryStateStore
from wfm_bridge.ports.models import Employee, ProviderPerson, QaScore, ScorePush

T0 = datetime(2025, 1, 6, tzinfo=UTC)
RATE, BURST = 5.0, 20  # Assembled's documented default limit per key


class OrderCheckingSink(InMemoryProvider):
    """A provider whose server keeps O(1) memory: counts pushes, proves exactly-once order."""

    def __init__(self, people: list[ProviderPerson]) -> None:
        super().__init__(FakeWfmBackend(people=people))
        self.requests = 0
        self.received = 0
        self._last: tuple[datetime, str] | None = None

    def push(self, batch: Sequence[ScorePush]) -> None:
        """Count and check order; keep nothing."""
        self.requests += 1
        for s in batch:
            key = (s.updated_at, s.evaluation_id)
            if self._last is not None and key <= self._last:
                raise AssertionError(f"score {s.evaluation_id} out of order or repeated")
            self._last = key
            self.received += 1


def build(n: int, agents: int) -> tuple[InMemoryScoreSource, list[ProviderPerson], list[Employee]]:
    """A backlog of ``n`` scores spread over ``agents`` mapped agents."""
    emails = [f"agent{i}@example.com" for i in range(agents)]
    people = [
        ProviderPerson(person_id=f"p{i}", agent_id=f"a{i}", email=e) for i, e in enumerate(emails)
    ]
    employees = [Employee(host_id=f"h{i}", email=e) for i, e in enumerate(emails)]
    source = InMemoryScoreSource(
        QaScore(
            evaluation_id=f"ev-{i:07d}",
            agent_email=emails[i % agents],
            score=float(i % 101),
            max_score=100.0,
            scorecard="bench",
            evaluated_at=T0,
            updated_at=T0 + timedelta(milliseconds=i),
        )
        for i in range(n)
    )
    return source, people, employees


def export(
    source: InMemoryScoreSource,
    provider: InMemoryProvider,
    employees: list[Employee],
    batch_size: int,
) -> ExportScores:
    """The export use case over fresh state, clock and cache."""
    clock = InMemoryClock(T0 + timedelta(days=1))
    mapper = EmployeeMapper(
        provider, InMemoryEmployeeDirectory(employees), InMemoryCache(clock), clock, "bench"
    )
    return ExportScores(
        source,
        provider,
        mapper,
        InMemoryStateStore(),
        clock,
        "bench",
        ExportPolicy(batch_size=batch_size),
    )


def main() -> int:
    """Run both passes and print the figures; exit 1 if a check fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--agents", type=int, default=200)
    args = parser.parse_args()
    n, size = args.n, args.batch_size
    minimum = math.ceil(n / size)

    started = time.perf_counter()
    source, people, employees = build(n, args.agents)
    print(
        f"backlog: {n:,} scores, {args.agents} agents, built in "
        f"{time.perf_counter() - started:.1f} s"
    )

    backend = FakeWfmBackend(people=people)
    provider = InMemoryProvider(backend)
    started = time.perf_counter()
    report = export(source, provider, employees, size).run()
    wall = time.perf_counter() - started
    requests = backend.calls["push_scores"]
    bound = max(0.0, (requests - BURST) / RATE)
    print(
        f"requests: {requests} made, minimum ceil(n / batch size) = {minimum} "
        f"(ratio {requests / minimum:.2f})"
    )
    print(
        f"wall time: {wall:.2f} s for {report.sent:,} scores "
        f"({wall / max(1, requests) * 1000:.1f} ms of export work per request)"
    )
    print(
        f"rate-limit bound at {RATE:g} req/s, burst {BURST}: {bound:.1f} s; "
        f"export work adds {wall / bound * 100 if bound else 0:.1f}% of it"
    )
    ok = requests == minimum and len(backend.scores) == n and report.sent == n

    sink = OrderCheckingSink(people)
    use_case = export(source, sink, employees, size)
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    again = use_case.run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    growth_mb = (peak - base) / 1e6
    print(f"peak memory growth of the export: {growth_mb:.1f} MB (target < 100 MB)")
    ok = ok and sink.received == n and sink.requests == minimum and again.sent == n
    ok = ok and growth_mb < 100
    print(
        "checks: "
        + ("all passed (nothing lost, nothing twice, minimum requests)" if ok else "FAILED")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
