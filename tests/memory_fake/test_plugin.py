"""The memory_fake plugin as the host sees it: discovered, built by name, persisted."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from wfm_bridge.host.plugins import discover_plugins
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.directory import EmployeeDirectory
from wfm_bridge.ports.models import OneToOne
from wfm_bridge.ports.one_to_one_calendar import OneToOneCalendar
from wfm_bridge.ports.registry import AdapterContext, AdapterRegistry, PortKind, ProviderContext
from wfm_bridge.ports.schedule_source import ScheduleSource, collect
from wfm_bridge.ports.score_sink import ScoreSink

TODAY = datetime(2024, 6, 19, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def registry() -> AdapterRegistry:
    """Adapters of every installed plugin."""
    return discover_plugins().registry


def _provider(registry: AdapterRegistry, data_dir: Path, tenant: str = "default") -> Any:
    spec = registry.get(PortKind.PROVIDER, "memory_fake")
    assert spec.requires_key is False
    ctx = ProviderContext(
        data_dir=data_dir, tenant=tenant, api_key=None, clock=InMemoryClock(TODAY)
    )
    provider = spec.factory(ctx)
    for port in (ScheduleSource, OneToOneCalendar, ScoreSink):
        assert isinstance(provider, port)
    assert spec.capabilities == ("schedules", "one_to_ones", "scores")
    return provider


def test_the_provider_is_the_demo_org_and_keeps_writes_between_builds(
    registry: AdapterRegistry, tmp_path: Path
) -> None:
    first = _provider(registry, tmp_path)
    people = first.list_people()
    agent = next(p.agent_id for p in people if p.agent_id and p.active)
    created = first.book(
        OneToOne(
            reference="mtg-plugin",
            agent_id=agent,
            start=TODAY,
            end=TODAY + timedelta(minutes=30),
            title="One To One",
        )
    )

    second = _provider(registry, tmp_path)  # as the next CLI process would

    assert len(people) == 42
    listed = collect(second.activities([agent], TODAY - timedelta(1), TODAY + timedelta(1)))
    assert created.id in {a.id for a in listed}
    assert len(listed) > 1  # the agent's own shift is there too: today is inside the demo
    assert (tmp_path / "memory_fake" / "default.json").exists()
    other_tenant = _provider(registry, tmp_path, "acme")
    assert created.id not in {
        a.id for a in collect(other_tenant.activities([agent], TODAY, TODAY + timedelta(1)))
    }


def test_the_demo_anchor_can_be_pinned_by_the_environment(
    registry: AdapterRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WFM_DEMO_ANCHOR", "2024-01-01")
    provider = _provider(registry, tmp_path)

    got = collect(
        provider.activities(
            [p.agent_id for p in provider.list_people() if p.agent_id],
            datetime(2024, 1, 1, tzinfo=UTC),
            datetime(2024, 3, 11, 12, tzinfo=UTC),
        )
    )

    assert min(a.start for a in got).date() >= date(2024, 1, 1)
    assert max(a.start for a in got).date() < date(2024, 3, 11)
    assert len(got) > 10_000


def test_the_demo_directory_is_registered(registry: AdapterRegistry, tmp_path: Path) -> None:
    directory = registry.get(PortKind.DIRECTORY, "demo").factory(
        AdapterContext(data_dir=tmp_path, tenant="default")
    )

    assert isinstance(directory, EmployeeDirectory)
    assert len(directory.list_employees()) == 41


def test_the_entry_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, wfm_bridge.plugins.memory_fake.plugin\n"
        "heavy = ('wfm_bridge.plugins.memory_fake.demo', 'wfm_bridge.plugins.memory_fake.store')\n"
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.strip() == ""
