"""Provider failures, single flight and the run records.

Retrying is the provider adapter's job (one layer: tests/assembled/test_retry.py); a provider
error reaching the export ends the run, which records it and leaves the checkpoint at the
last acknowledged page for the next run.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import SecretStr

from export.world import MAPPED, UNMAPPED, ExportWorld
from wfm_bridge.core.export_status import export_status
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
from wfm_bridge.ports.errors import (
    AuthError,
    BusyError,
    OutcomeUnknownError,
    ProviderResponseError,
    RateLimitedError,
    UnavailableError,
)


def test_auth_failure_stops_at_once_with_the_reauth_message_and_keeps_the_checkpoint() -> None:
    world = ExportWorld()
    world.record(MAPPED[0])
    world.export().run()
    before = world.export().run().checkpoint
    world.record(MAPPED[1])
    world.mapper.map_email(MAPPED[1])  # warm the mapping, then the key goes bad
    world.sink.accepted_keys = {"sk_live_new"}
    world.provider = InMemoryProvider(world.sink, SecretStr("sk_live_old"))

    with pytest.raises(AuthError, match="invalid or expired; generate a new one"):
        world.export().run()

    assert world.clock.slept == []  # never retried
    assert world.sink.calls["push_scores"] == 1  # only the first, successful run's push
    status = export_status(world.source, world.state, world.tenant)
    assert status.checkpoint == before
    assert status.backlog == 1
    assert status.last_error is not None
    assert status.last_error["category"] == "auth"
    assert "set-key" in status.last_error["message"]
    assert status.last_run is not None and status.last_run["outcome"] == "failed"


def test_a_rate_limit_ends_the_run_at_once_records_when_and_the_next_run_sends() -> None:
    # the provider raises only once its own retry budget is spent: the export adds no wait
    world = ExportWorld()
    world.record(MAPPED[0])
    later = world.clock.now() + timedelta(seconds=7)
    world.sink.outage(RateLimitedError("slow down", retry_at=later), pushes=1)

    with pytest.raises(RateLimitedError, match="slow down"):
        world.export().run()

    assert world.clock.slept == []
    assert world.sink.attempts == 1  # one call: no second retry layer in core
    status = export_status(world.source, world.state, world.tenant)
    assert status.checkpoint is None and status.backlog == 1
    assert status.last_error is not None
    assert status.last_error["category"] == "rate_limited"
    assert status.last_error["retry_at"] == later.isoformat()

    report = world.export().run()

    assert (report.sent, report.batches) == (1, 1)
    assert world.sink.scores == world.expected_in_sink()


def test_an_outage_ends_the_run_keeping_the_acknowledged_pages_and_the_next_run_resumes() -> None:
    world = ExportWorld()
    recorded = [world.record(MAPPED[0]) for _ in range(4)]
    world.sink.outage(UnavailableError("503"), after=1)  # first page ok, then down for good

    with pytest.raises(UnavailableError, match="503"):
        world.export(batch_size=2).run()

    assert world.clock.slept == []
    assert world.sink.attempts == 2  # one call per page: the acknowledged one, the failed one
    status = export_status(world.source, world.state, world.tenant)
    assert status.checkpoint is not None
    assert status.checkpoint.evaluation_id == recorded[1].evaluation_id
    assert status.backlog == 2
    assert status.last_error is not None and status.last_error["sent_before_error"] == 2
    assert status.last_error["retry_at"] is None

    world.sink.outage(UnavailableError("503"), pushes=0)  # the outage is over
    assert world.export(batch_size=2).run().sent == 2
    assert world.sink.scores == world.expected_in_sink()
    assert max(world.sink.pushes_per_version().values()) == 1  # nothing sent twice


def test_an_unknown_outcome_ends_the_run_and_the_next_run_resends_which_upserts() -> None:
    world = ExportWorld()
    recorded = [world.record(MAPPED[i]) for i in range(3)]
    world.sink.fail_next("push_scores", OutcomeUnknownError("timeout"), after_apply=True)

    with pytest.raises(OutcomeUnknownError):
        world.export().run()
    assert export_status(world.source, world.state, world.tenant).checkpoint is None
    report = world.export().run()

    assert (report.sent, report.batches) == (3, 1)
    assert world.sink.scores == world.expected_in_sink()
    versions = world.sink.pushes_per_version()
    assert [versions[(s.evaluation_id, s.updated_at)] for s in recorded] == [2, 2, 2]


def test_malformed_provider_answers_are_not_retried() -> None:
    world = ExportWorld()
    world.record(MAPPED[0])
    world.sink.fail_next("push_scores", ProviderResponseError("not JSON"))

    with pytest.raises(ProviderResponseError):
        world.export().run()

    assert world.clock.slept == []
    assert export_status(world.source, world.state, world.tenant).checkpoint is None


def test_a_second_run_for_the_tenant_is_refused_while_one_holds_the_lock() -> None:
    world = ExportWorld()
    world.record(MAPPED[0])

    with world.state.lock("export:acme"), pytest.raises(BusyError, match="another export"):
        world.export().run()

    assert world.sink.calls["push_scores"] == 0
    assert export_status(world.source, world.state, world.tenant).last_run is None


class _ReleasingClock(InMemoryClock):
    """A clock whose third sleep lets the other export finish (releases its lock)."""

    def __init__(self, release: object) -> None:
        super().__init__()
        self._release = release

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
        if len(self.slept) == 3:
            self._release.__exit__(None, None, None)  # type: ignore[attr-defined]


def test_wait_polls_until_the_running_export_finishes() -> None:
    world = ExportWorld()
    held = world.state.lock("export:acme")
    held.__enter__()
    world.clock = _ReleasingClock(held)
    world.record(MAPPED[0])

    report = world.export(lock_wait_seconds=60, lock_poll_seconds=5).run()

    assert report.sent == 1
    assert world.clock.slept == [5, 5, 5]


def test_status_reports_backlog_unmapped_and_last_success() -> None:
    world = ExportWorld()
    world.record(MAPPED[0])
    world.record(UNMAPPED[0])
    world.export().run()
    world.record(MAPPED[1])

    status = export_status(world.source, world.state, world.tenant)

    assert (status.backlog, status.pending_unmapped, status.running) == (1, 1, False)
    assert [u.agent_email for u in status.unmapped] == [UNMAPPED[0]]
    assert status.last_success is not None and status.last_success["sent"] == 1
    assert status.last_error is None
    assert status.as_dict()["checkpoint"]["evaluation_id"] == "ev-00002"
