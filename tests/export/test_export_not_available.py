"""A score endpoint the provider reports as not available stands until the configuration
changes: one clear status, no hourly retry, nothing lost (issue 15)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import pytest

from wfm_bridge.core.export_status import export_status
from wfm_bridge.core.export_worker import HourlyExportWorker
from wfm_bridge.ports.errors import NotAvailableError
from wfm_bridge.ports.models import ScorePush

from .world import MAPPED, ExportWorld

MESSAGE = "QA score ingestion is not available at /v0/qa_scores/bulk for this account"


class PlanLacksScores:
    """The world's provider, whose score endpoint answers "not available" while ``missing``
    (for the configuration named ``config``); counts the pushes that reach it."""

    def __init__(self, world: ExportWorld) -> None:
        self._inner = world.provider
        self.name = self._inner.name
        self.config = "path=/v0/qa_scores/bulk"
        self.missing = True
        self.pushes = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def sink_config(self) -> str:
        return self.config

    def push(self, batch: Sequence[ScorePush]) -> None:
        self.pushes += 1
        if self.missing:
            raise NotAvailableError(MESSAGE, condition=self.config)
        self._inner.push(batch)


def world_with(provider_factory: type[PlanLacksScores]) -> tuple[ExportWorld, PlanLacksScores]:
    world = ExportWorld()
    provider = provider_factory(world)
    world.provider = provider  # type: ignore[assignment]
    return world, provider


def test_a_not_available_endpoint_stops_the_export_until_the_configuration_changes() -> None:
    world, provider = world_with(PlanLacksScores)
    for email in MAPPED:
        world.record(email)

    with pytest.raises(NotAvailableError, match="not available"):
        world.export().run()
    for _ in range(3):  # the next hours: the same status, no provider call
        with pytest.raises(NotAvailableError, match="until the configuration changes"):
            world.export().run()

    assert provider.pushes == 1
    status = export_status(world.source, world.state, world.tenant)
    assert status.not_available is not None and MESSAGE in status.not_available["message"]
    assert status.checkpoint is None and status.backlog == len(MAPPED)  # nothing lost

    provider.config, provider.missing = "path=/v0/scores", False  # the path was fixed
    report = world.export().run()

    assert report.sent == len(MAPPED) and provider.pushes == 2
    after = export_status(world.source, world.state, world.tenant)
    assert after.not_available is None and after.backlog == 0


def test_the_hourly_worker_logs_the_standing_condition_and_makes_no_call(
    caplog: pytest.LogCaptureFixture,
) -> None:
    world, provider = world_with(PlanLacksScores)
    world.record(MAPPED[0])
    worker = HourlyExportWorker(
        lambda tenant, stop: world.export().run(should_stop=stop),
        lambda: [world.tenant],
        world.clock,
        threading.Event(),
    )

    with caplog.at_level(logging.WARNING, logger="wfm.export"):
        assert worker.run(max_cycles=4) == 4

    assert provider.pushes == 1
    assert all("stopped" in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)


def test_a_dry_run_is_still_possible_while_it_stands() -> None:
    world, _ = world_with(PlanLacksScores)
    world.record(MAPPED[0])
    with pytest.raises(NotAvailableError):
        world.export().run()

    assert world.export().run(dry_run=True).sent == 1
