"""Benchmark: employee mapping grows linearly (DESIGN 3: 10k vs 1k employees, ratio <= 12).

Builds N provider people and N host employees (a mix matched by agent id, email, name, and
unmatched), then times a cold ``map_all`` (index build + every employee mapped) at 1,000 and
10,000 on each side, best of three runs. Prints both times and their ratio.
Run: .venv/bin/python bench/mapping.py
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from wfm_bridge.core.mapping import EmployeeMapper
from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend
from wfm_bridge.plugins.memory_fake.cache import InMemoryCache
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.directory import InMemoryEmployeeDirectory
from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
from wfm_bridge.ports.models import Employee, ProviderPerson


def organisation(n: int) -> tuple[list[ProviderPerson], list[Employee]]:
    """N people and N employees; a quarter each by agent id, email, name, and no match."""
    people = [
        ProviderPerson(
            person_id=f"p{i}",
            agent_id=f"a{i}",
            first_name=f"First{i}",
            last_name=f"Last{i}",
            email=f"agent{i}@example.com",
            active=i % 50 != 0,
        )
        for i in range(n)
    ]
    employees = []
    for i in range(n):
        kind = i % 4
        employees.append(
            Employee(
                host_id=f"h{i}",
                name=f"first{i}  last{i}" if kind == 2 else f"Host {i}",
                email=f" AGENT{i}@example.com" if kind == 1 else f"h{i}@host.example",
                agent_id=f"a{i}" if kind == 0 else None,
            )
        )
    return people, employees


def time_map_all(n: int) -> tuple[float, int]:
    """Best-of-three seconds for a cold map_all over n x n, and the mapped count."""
    people, employees = organisation(n)
    best, mapped = float("inf"), 0
    for _ in range(3):
        clock = InMemoryClock(datetime(2026, 1, 5, tzinfo=UTC))
        mapper = EmployeeMapper(
            InMemoryProvider(FakeWfmBackend(people=people)),
            InMemoryEmployeeDirectory(employees),
            InMemoryCache(clock),
            clock,
            "bench",
        )
        started = time.perf_counter()
        result = mapper.map_all()
        best = min(best, time.perf_counter() - started)
        mapped = sum(1 for r in result if r.status == "mapped")
    return best, mapped


def main() -> None:
    """Print the figures."""
    small, small_mapped = time_map_all(1_000)
    large, large_mapped = time_map_all(10_000)
    print(f"mapping 1,000 x 1,000:   {small * 1000:8.1f} ms  ({small_mapped} mapped)")
    print(f"mapping 10,000 x 10,000: {large * 1000:8.1f} ms  ({large_mapped} mapped)")
    ratio = large / small
    print(f"ratio 10k/1k: {ratio:.2f} (target <= 12: {'PASS' if ratio <= 12 else 'FAIL'})")


if __name__ == "__main__":
    main()
