"""Declared capabilities: the host refuses what a provider does not support, before building it.

The ``readonly`` provider (a test plugin on the same hook real plugins use) declares only
``schedules``: it serves the demo organisation's schedules, and booking, cancelling, free
slots and the score export are refused with "<provider> does not support <what>" (exit 2)
without its factory ever being called; teams with "<provider> has no teams".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e.cli_run import DEMO_ANCHOR, Cli, isolate
from e2e.readonly_provider import ReadOnlyPlugin
from local.auth_world import install

from wfm_bridge import Bridge, Settings
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.one_to_one_calendar import OneToOneCalendar
from wfm_bridge.ports.provider import Capability
from wfm_bridge.ports.registry import ProviderContext
from wfm_bridge.ports.schedule_source import ScheduleSource
from wfm_bridge.ports.score_sink import ScoreSink

AGENT = "ana.lee@example.com"
NO_CLOCK = InMemoryClock()


@pytest.fixture
def plugin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ReadOnlyPlugin:
    isolate(monkeypatch, tmp_path)
    found = ReadOnlyPlugin()
    install(monkeypatch, found)
    return found


@pytest.fixture
def wfm(plugin: ReadOnlyPlugin, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(capsys)


def test_the_adapter_is_a_schedule_source_only() -> None:
    adapter = ReadOnlyPlugin()._build(ProviderContext(Path("/nowhere"), "t", None, NO_CLOCK))
    assert isinstance(adapter, ScheduleSource)
    assert not isinstance(adapter, OneToOneCalendar) and not isinstance(adapter, ScoreSink)


def test_its_schedules_are_served(wfm: Cli, plugin: ReadOnlyPlugin) -> None:
    result = wfm("--provider", "readonly", "schedule", AGENT, "--start", DEMO_ANCHOR, "--json")

    assert result.code == 0, result.err
    (ana,) = result.json()["employees"]
    assert any(day["blocks"] for day in ana["days"])
    assert plugin.builds == 1


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (("meetings", "book", AGENT, "--start", "2030-06-04T10:00", "--minutes", "30"),
         "one-to-one meetings"),
        (("meetings", "cancel", "mtg-0001"), "one-to-one meetings"),
        (("meetings", "list"), "one-to-one meetings"),
        (("meetings", "reconcile"), "one-to-one meetings"),
        (("slots", AGENT, "--from", "2030-06-04"), "one-to-one meetings"),
        (("export", "run"), "QA score export"),
        (("export", "run", "--dry-run"), "QA score export"),
    ],
    ids=lambda v: v if isinstance(v, str) else " ".join(v[:2]),
)
def test_an_unsupported_command_is_refused_before_the_provider_is_built(
    wfm: Cli, plugin: ReadOnlyPlugin, args: tuple[str, ...], what: str
) -> None:
    result = wfm("--provider", "readonly", *args)

    assert result.code == 2, (result.out, result.err)
    assert f"readonly does not support {what}" in result.err
    assert "Traceback" not in result.err
    assert plugin.builds == 0


@pytest.mark.parametrize(
    "args", [("teams",), ("schedule", "--team", "Billing", "--days", "7")], ids=" ".join
)
def test_a_provider_without_teams_says_so(
    wfm: Cli, plugin: ReadOnlyPlugin, args: tuple[str, ...]
) -> None:
    result = wfm("--provider", "readonly", *args)

    assert result.code == 2, (result.out, result.err)
    assert "readonly has no teams" in result.err and "Traceback" not in result.err


def test_auth_status_says_the_provider_books_no_one_to_ones(wfm: Cli) -> None:
    result = wfm("--provider", "readonly", "auth", "status", "--json")

    assert result.code == 0, result.err
    (row,) = result.json()["items"]
    assert row["one_to_ones_ready"] is None
    assert row["one_to_ones"] == "not supported by this provider"


def test_the_embedded_bridge_refuses_the_same_way(tmp_path: Path) -> None:
    plugin = ReadOnlyPlugin()
    settings = Settings.model_validate(
        {"data_dir": tmp_path, "provider": "readonly", "vault": "memory", "state": "memory",
         "cache": "memory"}
    )
    with Bridge(settings, plugins=[plugin]) as bridge:
        tenant = bridge.tenant("acme")
        assert tenant.supports(Capability.SCHEDULES)
        assert not tenant.supports(Capability.ONE_TO_ONES)
        with pytest.raises(InvalidInputError, match="readonly does not support one-to-one"):
            _ = tenant.meetings
        with pytest.raises(InvalidInputError, match="readonly does not support QA score"):
            tenant.export()
        assert plugin.builds == 0
