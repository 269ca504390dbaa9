"""A schedule view changes nothing process-global about the garbage collector (CONVENTIONS 11).

Whatever a host app set (default thresholds, its own tuning, the collector off), it is the
same while a view is being built and after, over the in-memory fake and over HTTP against the
emulator; and no library module calls the collector's process-wide switches at all.
"""

from __future__ import annotations

import ast
import gc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from wfm_bridge.core.activity_types import ActivityTypeCatalog
from wfm_bridge.core.mapping import EmployeeMapper
from wfm_bridge.core.schedules import ScheduleService
from wfm_bridge.plugins.assembled.emulator.seed import seed_demo
from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend
from wfm_bridge.plugins.memory_fake.cache import InMemoryCache
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.demo import (
    ACTIVITY_TYPES,
    demo_activities,
    demo_anchor,
    demo_employees,
    demo_people,
)
from wfm_bridge.plugins.memory_fake.directory import InMemoryEmployeeDirectory
from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider

from .support import http_provider, running_emulator

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 6, 4, 7, 0, tzinfo=UTC)
ANCHOR = demo_anchor(NOW.date())

GcState = tuple[tuple[int, ...], bool]


def gc_state() -> GcState:
    """The collector's process-wide settings."""
    return gc.get_threshold(), gc.isenabled()


@pytest.fixture(params=["python-default", "host-tuned", "host-disabled"])
def host_gc(request: pytest.FixtureRequest) -> Iterator[GcState]:
    """The collector as a host app may have set it; put back as it was after the test."""
    saved = gc_state()
    try:
        if request.param == "host-tuned":
            gc.set_threshold(5000, 20, 50)
        elif request.param == "host-disabled":
            gc.disable()
        yield gc_state()
    finally:
        gc.set_threshold(*saved[0])
        if saved[1]:
            gc.enable()


class Watched:
    """A provider noting the collector's state on every call and every streamed batch, that
    is while the use case is building the view."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.seen: list[GcState] = []

    def __getattr__(self, method: str) -> Callable[..., Any]:
        target = getattr(self.inner, method)  # AttributeError keeps isinstance() honest

        def watched(*args: Any, **kwargs: Any) -> Any:
            self.seen.append(gc_state())
            result = target(*args, **kwargs)
            return self._steps(result) if isinstance(result, Iterator) else result

        return watched

    def _steps(self, stream: Iterator[Any]) -> Iterator[Any]:
        for item in stream:
            self.seen.append(gc_state())
            yield item
            self.seen.append(gc_state())  # after the use case folded it in


def view_with(provider: Any, seen: list[GcState]) -> int:
    """Build a 60-day view of the whole demo organisation; the number of blocks in it."""
    clock = InMemoryClock(NOW)
    cache = InMemoryCache(clock)
    employees = demo_employees()
    mapper = EmployeeMapper(provider, InMemoryEmployeeDirectory(employees), cache, clock, "t")
    catalog = ActivityTypeCatalog(provider, cache, clock, "t")

    def created_here() -> set[str]:  # asked for while the first activities are folded in
        seen.append(gc_state())
        return set()

    service = ScheduleService(provider, mapper, catalog, created_here)
    emails = [e.email for e in employees if e.email]
    view = service.view(emails, ANCHOR - timedelta(days=7), 60, "Europe/London")
    return sum(len(d.blocks) for s in view.employees for d in s.days)


def test_a_view_over_the_fake_leaves_the_collector_as_the_host_set_it(host_gc: GcState) -> None:
    backend = FakeWfmBackend(demo_people(), ACTIVITY_TYPES, demo_activities(ANCHOR))
    provider = Watched(InMemoryProvider(backend))

    blocks = view_with(provider, provider.seen)

    assert blocks > 1000
    assert len(provider.seen) >= 3 and set(provider.seen) == {host_gc}
    assert gc_state() == host_gc


def test_a_view_over_http_leaves_the_collector_as_the_host_set_it(host_gc: GcState) -> None:
    with running_emulator() as (emulator, server):
        seed_demo(emulator.state, NOW.date())
        provider = Watched(http_provider(server, clock=InMemoryClock(NOW)))
        try:
            blocks = view_with(provider, provider.seen)
        finally:
            provider.inner.close()

    assert blocks > 1000
    assert len(provider.seen) > 10 and set(provider.seen) == {host_gc}
    assert gc_state() == host_gc


# Process-wide switches of the collector. Even collect(): a library forcing full collections
# stalls every thread of the host app. A face that owns its process (the CLI) could tune
# them; none does, and this list keeps it so.
SWITCHES = {"set_threshold", "disable", "enable", "freeze", "unfreeze", "set_debug", "collect"}


def switches_used(source: str) -> list[str]:
    """Every use of a collector switch in ``source`` (``gc.x`` under any alias, or imported)."""
    tree = ast.parse(source)
    aliases = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == "gc"
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "gc":
            found += [
                f"line {node.lineno}: from gc import {a.name}"
                for a in node.names
                if a.name in SWITCHES | {"callbacks", "*"}
            ]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr in SWITCHES | {"callbacks"}
        ):
            found.append(f"line {node.lineno}: gc.{node.attr}")
    return sorted(found, key=lambda f: int(f.split()[1].rstrip(":")))


def test_no_library_module_touches_the_collectors_switches() -> None:
    folders = ("ports", "core", "plugins", "host")
    modules = [ROOT / "__init__.py"]
    modules += [path for folder in folders for path in (ROOT / folder).rglob("*.py")]
    assert len(modules) > 50
    used = {
        str(path.relative_to(ROOT)): found
        for path in modules
        if (found := switches_used(path.read_text(encoding="utf-8")))
    }
    assert used == {}


def test_the_scan_finds_each_spelling() -> None:
    source = "import gc as g\nfrom gc import freeze\ng.set_threshold(1)\ng.callbacks.append(f)\n"
    assert switches_used(source) == [
        "line 2: from gc import freeze",
        "line 3: gc.set_threshold",
        "line 4: gc.callbacks",
    ]
    harmless = "import gc\nfrom gc import get_stats\nx = gc.get_threshold(), gc.isenabled()\n"
    assert switches_used(harmless) == []
