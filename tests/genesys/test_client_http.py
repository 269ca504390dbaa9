"""The wire layer against the emulator over real HTTP: the OAuth token's life, paging, the
schedule search followed to its result, retries under the shared policy, typed errors."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from wfm_bridge.plugins.emulation.faults import Fault
from wfm_bridge.plugins.genesys.api import GenesysApi
from wfm_bridge.plugins.genesys.emulator.emulator import Emulator
from wfm_bridge.plugins.genesys.emulator.seed import DEMO_BU_ID, DEMO_METRIC_ID
from wfm_bridge.plugins.genesys.emulator.server import EmulatorServer
from wfm_bridge.plugins.genesys.schedules import instant
from wfm_bridge.plugins.genesys.wire import MetricItem, NewAppointment
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.demo import agent_id_for
from wfm_bridge.ports.errors import (
    AuthError,
    InvalidInputError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    UnavailableError,
)
from wfm_bridge.ports.registry import CallBudget

from .support import CLIENT_SECRET, Spy, genesys_client, running

ANA = agent_id_for("Ana Lee")
LEAD = agent_id_for("Grace Moore")
MONDAY = datetime(2024, 6, 10, 5, tzinfo=UTC)
T0 = datetime(2024, 6, 10, 9, tzinfo=UTC)


@pytest.fixture
def linked() -> Iterator[tuple[Emulator, EmulatorServer, InMemoryClock]]:
    """An emulator whose clock is the client's fake clock: sleeping moves both."""
    clock = InMemoryClock(T0)
    with running(clock=lambda: clock.now().timestamp()) as (emulator, server):
        yield emulator, server, clock


def _users(client: Any) -> list[Any]:
    return list(GenesysApi(client).users(page_size=500))


def test_the_token_is_fetched_once_and_reused(
    linked: tuple[Emulator, EmulatorServer, InMemoryClock],
) -> None:
    emulator, server, clock = linked
    with genesys_client(server, clock) as client:
        for _ in range(3):
            assert len(_users(client)) == 42
    assert emulator.state.ledger.tokens == 1


def test_the_token_is_refreshed_shortly_before_it_expires(
    linked: tuple[Emulator, EmulatorServer, InMemoryClock],
) -> None:
    emulator, server, clock = linked
    emulator.configure(token_lifetime=600)
    with genesys_client(server, clock) as client:
        _users(client)
        clock.advance(539)  # 61 s before expiry: still good
        _users(client)
        assert emulator.state.ledger.tokens == 1
        clock.advance(2)  # inside the 60 s margin: a new token before the old one dies
        _users(client)
    assert emulator.state.ledger.tokens == 2
    assert not any(" 401" in k for k in emulator.state.ledger.requests)


def test_a_401_refreshes_the_token_once_and_repeats_the_call(
    linked: tuple[Emulator, EmulatorServer, InMemoryClock],
) -> None:
    emulator, server, clock = linked
    with genesys_client(server, clock) as client:
        _users(client)
        emulator.expire_tokens()  # e.g. revoked: the cached token is refused
        assert len(_users(client)) == 42
    assert emulator.state.ledger.tokens == 2
    assert emulator.state.ledger.requests["GET /api/v2/users 401"] == 1
    assert clock.slept == []  # a refresh is not a backoff


def test_a_second_401_is_the_one_auth_error(
    linked: tuple[Emulator, EmulatorServer, InMemoryClock],
) -> None:
    emulator, server, clock = linked
    emulator.faults.add(Fault("status", status=401, path="/api/v2/users", times=2))
    with genesys_client(server, clock) as client, pytest.raises(AuthError) as caught:
        _users(client)
    assert "client credentials" in str(caught.value) and "set-key" in str(caught.value)
    assert emulator.state.ledger.tokens == 2


def test_bad_client_credentials_are_the_auth_error_without_the_secret(
    linked: tuple[Emulator, EmulatorServer, InMemoryClock],
) -> None:
    _, server, clock = linked
    wrong = "wrong-" + CLIENT_SECRET
    with genesys_client(server, clock, secret=wrong) as client, pytest.raises(AuthError) as e:
        _users(client)
    assert wrong not in str(e.value) and wrong not in repr(client)


def test_paging_reads_every_page_once(
    linked: tuple[Emulator, EmulatorServer, InMemoryClock],
) -> None:
    emulator, server, clock = linked
    with genesys_client(server, clock) as client:
        users = list(GenesysApi(client).users(page_size=7))
    assert len(users) == 42 == len({u.id for u in users})
    assert emulator.state.ledger.requests["GET /api/v2/users 200"] == 6
    assert {u.state for u in users} == {"active", "inactive"}


def test_the_schedule_search_follows_a_download_link_without_the_token(
    linked: tuple[Emulator, EmulatorServer, InMemoryClock],
) -> None:
    emulator, server, clock = linked
    spy = Spy()
    with genesys_client(server, clock, transport=spy) as client:
        api = GenesysApi(client)
        inline = api.schedules(DEMO_BU_ID, MONDAY, MONDAY + timedelta(days=7), [ANA, LEAD])
        emulator.configure(inline_shifts=3)
        downloaded = api.schedules(DEMO_BU_ID, MONDAY, MONDAY + timedelta(days=7), [ANA, LEAD])
    assert [s["mode"] for s in emulator.state.ledger.searches] == ["inline", "download"]
    assert downloaded == inline
    assert [len(a["shifts"] or []) for a in inline["agentSchedules"] or []] == [5, 5]
    [fetch] = [r for r in spy.seen if r.url.path.startswith("/_downloads/")]
    assert "authorization" not in fetch.headers
    assert all("authorization" in r.headers for r in spy.seen if "/api/v2/" in r.url.path)


def test_a_processing_search_is_a_typed_error(
    linked: tuple[Emulator, EmulatorServer, InMemoryClock],
) -> None:
    emulator, server, clock = linked
    emulator.configure(always_async=True)
    with genesys_client(server, clock) as client, pytest.raises(UnavailableError) as caught:
        GenesysApi(client).schedules(DEMO_BU_ID, MONDAY, MONDAY + timedelta(days=1), [ANA])
    assert "asynchronously" in str(caught.value) and "operation" in str(caught.value)


def test_429_waits_out_retry_after_in_the_background(
    linked: tuple[Emulator, EmulatorServer, InMemoryClock],
) -> None:
    emulator, server, clock = linked
    emulator.configure(rate_limit=True, requests_per_minute=2)
    with genesys_client(server, clock, budget=CallBudget.BACKGROUND) as client:
        users = list(GenesysApi(client).users(page_size=10))  # 5 pages at 2 per minute
    assert len(users) == 42
    # the two Retry-After waits (the adaptive limiter adds its own millisecond pacing)
    assert [s for s in clock.slept if s >= 1] == [60.0, 60.0]
    assert emulator.state.ledger.requests["GET /api/v2/users 429"] == 2


def test_429_beyond_the_interactive_cap_is_rate_limited_with_a_time(
    linked: tuple[Emulator, EmulatorServer, InMemoryClock],
) -> None:
    emulator, server, clock = linked
    emulator.configure(rate_limit=True, requests_per_minute=1)
    with genesys_client(server, clock) as client, pytest.raises(RateLimitedError) as caught:
        list(GenesysApi(client).users(page_size=10))
    assert caught.value.retry_at == clock.now() + timedelta(seconds=60)


def test_5xx_and_drops_are_retried_for_reads(
    linked: tuple[Emulator, EmulatorServer, InMemoryClock],
) -> None:
    emulator, server, clock = linked
    emulator.faults.add(Fault("status", status=503, path="/api/v2/users", times=1))
    emulator.faults.add(Fault("drop", path="/api/v2/workforcemanagement/businessunits"))
    with genesys_client(server, clock) as client:
        api = GenesysApi(client)
        assert len(list(api.users())) == 42
        assert [b.id for b in api.business_units()] == [DEMO_BU_ID]
    assert len(clock.slept) == 2


def _booking(start: datetime) -> NewAppointment:
    return NewAppointment(
        name="One To One [Created via evaluagent]",
        description="ref-1",
        date_start=start,
        length_in_minutes=30,
        facilitator_id=LEAD,
        attendee_ids=[ANA],
    )


def test_an_unanswered_create_is_outcome_unknown_and_reads_back(
    linked: tuple[Emulator, EmulatorServer, InMemoryClock],
) -> None:
    emulator, server, clock = linked
    start = MONDAY + timedelta(hours=6)
    emulator.faults.add(Fault("drop", method="POST", path="/api/v2/coaching", after_apply=True))
    with genesys_client(server, clock) as client:
        api = GenesysApi(client)
        with pytest.raises(OutcomeUnknownError):
            api.create_appointment(_booking(start))
        [found] = api.appointments([ANA], start, start + timedelta(minutes=30))
        assert found.facilitator is not None and found.facilitator.id == LEAD
        api.delete_appointment(found.id)
        with pytest.raises(NotFoundError):
            api.appointment(found.id)
        assert api.appointments([ANA], start, start + timedelta(minutes=30)) == []
    assert len(emulator.state.ledger.appointments_created) == 1


def test_appointments_round_trip_and_land_in_the_schedule(
    linked: tuple[Emulator, EmulatorServer, InMemoryClock],
) -> None:
    emulator, server, clock = linked
    start = MONDAY + timedelta(hours=6)
    with genesys_client(server, clock) as client:
        api = GenesysApi(client)
        created = api.create_appointment(_booking(start))
        assert api.appointment(created.id) == created
        result = api.schedules(DEMO_BU_ID, start, start + timedelta(hours=1), [ANA])
        [mine] = [
            a
            for s in result["agentSchedules"] or []
            for shift in s["shifts"] or []
            for a in shift["activities"] or []
            if a.get("externalActivityId") == created.id
        ]
        assert instant(mine["startDate"]) == start and mine["lengthMinutes"] == 30
        with pytest.raises(InvalidInputError):
            api.create_appointment(_booking(start).model_copy(update={"attendee_ids": [LEAD]}))
    assert len(emulator.state.ledger.schedule_added) == 2  # attendee and facilitator


def test_metrics_are_written_in_batches_of_100_as_an_upsert(
    linked: tuple[Emulator, EmulatorServer, InMemoryClock],
) -> None:
    emulator, server, clock = linked
    day = MONDAY.date()
    items = [
        MetricItem(
            user_id=ANA, metric_id=DEMO_METRIC_ID, date_occurred=day - timedelta(days=n), value=n
        )
        for n in range(250)
    ]
    with genesys_client(server, clock) as client:
        api = GenesysApi(client)
        assert [d.id for d in api.metric_definitions()] == [DEMO_METRIC_ID]
        for _ in range(2):
            answers = api.write_metrics(items)
            assert [len(a.processed_entities) for a in answers] == [100, 100, 50]
            assert all(not a.unprocessed_entities for a in answers)
    assert [len(b) for b in emulator.state.ledger.metric_writes] == [100, 100, 50] * 2
    assert len(emulator.state.metrics.data) == 250
    assert {v["count"] for v in emulator.state.metrics.data.values()} == {1}


def test_no_secret_or_token_in_logs_reprs_or_errors(
    linked: tuple[Emulator, EmulatorServer, InMemoryClock], caplog: pytest.LogCaptureFixture
) -> None:
    emulator, server, clock = linked
    caplog.set_level(logging.DEBUG)
    issued: list[str] = []
    original = emulator.issue_token

    def spy(client_id: str, secret: str) -> str | None:
        token = original(client_id, secret)
        issued.append(token or "")
        return token

    emulator.issue_token = spy  # type: ignore[method-assign]
    emulator.faults.add(Fault("status", status=503, path="/api/v2/users", times=1))
    errors: list[str] = []
    with genesys_client(server, clock) as client:
        _users(client)
        emulator.expire_tokens()
        _users(client)
        emulator.faults.add(Fault("status", status=401, path="/api/v2/users", times=2))
        try:
            _users(client)
        except AuthError as exc:
            errors.append(str(exc))
        texts = [caplog.text, repr(client), repr(client.tokens), *errors]
    assert len(issued) >= 3 and errors
    for secret in (CLIENT_SECRET, *issued):
        assert all(secret not in text for text in texts)
