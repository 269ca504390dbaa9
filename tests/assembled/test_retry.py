"""The retry table, case by case, through the real client over httpx.MockTransport.

Time is an InMemoryClock: every backoff and Retry-After wait shows up in ``clock.slept``.
"""

from __future__ import annotations

import base64
import json
import random
from datetime import timedelta
from email.utils import format_datetime

import httpx
import pytest
from export.world import MAPPED, ExportWorld

from wfm_bridge.core.export import ExportPolicy, ExportScores
from wfm_bridge.core.export_status import export_status
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.vendor_http.retry import (
    BUDGETS,
    POLICY,
    Action,
    Backoff,
    Failure,
    classify_status,
    retry_after_seconds,
)
from wfm_bridge.ports.errors import (
    AuthError,
    InvalidInputError,
    NotAvailableError,
    NotFoundError,
    OutcomeUnknownError,
    ProviderResponseError,
    RateLimitedError,
    UnavailableError,
)
from wfm_bridge.ports.models import ScorePush
from wfm_bridge.ports.registry import CallBudget

from .support import (
    KEY,
    T0,
    Recorder,
    answer,
    booked,
    meeting_types,
    mock_provider,
    one_to_one,
    raises,
)

TYPES_OK = answer(200, {"activity_types": {}})
CREATED = answer(
    200,
    {
        "id": "new-1",
        "agent_id": "agent-1",
        "type_id": "type-m",
        "start_time": 1718010000,
        "end_time": 1718013600,
        "description": "1:1",
    },
)
NEW = one_to_one(agent_id="agent-1", start=T0, title="1:1")
TYPES_LOOKUP = "GET /v0/activity_types"  # booking looks the Meeting type up first


def primed(rec: Recorder) -> Recorder:
    """``rec`` answering the Meeting type lookup first, then its own script."""
    rec.script.insert(0, meeting_types("type-m"))
    return rec
SCORE = ScorePush(
    evaluation_id="ev-1",
    agent_id="agent-1",
    score=8,
    max_score=10,
    evaluated_at=T0,
    updated_at=T0,
)


def test_the_table_has_one_row_per_failure_and_idempotency() -> None:
    assert set(POLICY) == {(f, i) for f in Failure for i in (True, False)}


@pytest.mark.parametrize(
    ("status", "failure"),
    [
        (200, None),
        (202, None),
        (204, None),
        (301, Failure.REDIRECT),
        (307, Failure.REDIRECT),
        (400, Failure.BAD_REQUEST),
        (401, Failure.AUTH),
        (403, Failure.AUTH),
        (404, Failure.NOT_FOUND),
        (409, Failure.OTHER_4XX),
        (422, Failure.OTHER_4XX),
        (429, Failure.RATE_LIMITED),
        (500, Failure.SERVER_ERROR),
        (502, Failure.SERVER_ERROR),
        (503, Failure.SERVER_ERROR),
        (504, Failure.SERVER_ERROR),
    ],
)
def test_statuses_are_classified(status: int, failure: Failure | None) -> None:
    assert classify_status(status) == failure


# --- reads (idempotent) ----------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_read_retries_5xx_with_growing_jittered_backoff(status: int) -> None:
    clock = InMemoryClock(T0)
    rec = Recorder([answer(status), answer(status), TYPES_OK])

    assert mock_provider(rec, clock=clock).list_activity_types() == []

    assert len(rec.seen) == 3
    budget = BUDGETS[CallBudget.INTERACTIVE]
    first, second = clock.slept
    assert budget.backoff_base / 2 <= first <= budget.backoff_base
    assert budget.backoff_base <= second <= 2 * budget.backoff_base


def test_a_read_gives_up_after_the_interactive_attempts_with_an_unavailable_error() -> None:
    rec = Recorder(fallback=answer(503))

    with pytest.raises(UnavailableError, match="503") as err:
        mock_provider(rec).list_activity_types()

    assert not isinstance(err.value, RateLimitedError)
    assert len(rec.seen) == BUDGETS[CallBudget.INTERACTIVE].max_attempts == 3


def test_background_calls_try_longer_than_interactive_ones() -> None:
    rec = Recorder(fallback=answer(503))

    with pytest.raises(UnavailableError):
        mock_provider(rec, budget=CallBudget.BACKGROUND).list_activity_types()

    assert len(rec.seen) == BUDGETS[CallBudget.BACKGROUND].max_attempts == 8


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError,
        httpx.ConnectTimeout,
        httpx.PoolTimeout,
        httpx.ReadTimeout,
        httpx.RemoteProtocolError,
        httpx.ReadError,
    ],
)
def test_a_read_retries_network_failures(failure: type[httpx.TransportError]) -> None:
    rec = Recorder([raises(failure), TYPES_OK])

    assert mock_provider(rec).list_activity_types() == []

    assert len(rec.seen) == 2


def test_network_failures_that_persist_become_an_unavailable_error() -> None:
    rec = Recorder(fallback=raises(httpx.ConnectError))

    with pytest.raises(UnavailableError, match="ConnectError"):
        mock_provider(rec).check_credentials()


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failures_are_never_retried_and_give_the_one_message(status: int) -> None:
    clock = InMemoryClock(T0)
    rec = Recorder(fallback=answer(status, {"message": "bad key"}))
    provider = mock_provider(rec, clock=clock)

    with pytest.raises(AuthError) as err:
        provider.check_credentials()
    with pytest.raises(AuthError):
        provider.book(NEW)  # refused at its first request (the Meeting type lookup)

    assert str(err.value) == str(AuthError.invalid_key("assembled"))
    assert len(rec.seen) == 2 and clock.slept == []


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, InvalidInputError),
        (404, NotFoundError),
        (405, ProviderResponseError),
        (409, ProviderResponseError),
        (422, ProviderResponseError),
    ],
)
def test_other_client_errors_are_never_retried(status: int, error: type[Exception]) -> None:
    rec = Recorder(fallback=answer(status, {"message": "nope"}))

    with pytest.raises(error, match="activity_types"):
        mock_provider(rec).list_activity_types()

    assert len(rec.seen) == 1


def test_redirects_are_not_followed() -> None:
    rec = Recorder(fallback=answer(302, Location="http://evil.example/v0/people"))

    with pytest.raises(ProviderResponseError, match="redirect"):
        mock_provider(rec).check_credentials()

    assert len(rec.seen) == 1


# --- Retry-After ---------------------------------------------------------------------


def test_retry_after_seconds_is_honoured_exactly() -> None:
    clock = InMemoryClock(T0)
    rec = Recorder([answer(429, **{"Retry-After": "2"}), TYPES_OK])

    mock_provider(rec, clock=clock).list_activity_types()

    assert clock.slept == [2.0]


def test_retry_after_as_an_http_date_is_honoured() -> None:
    clock = InMemoryClock(T0)
    when = format_datetime(T0 + timedelta(seconds=3), usegmt=True)
    rec = Recorder([answer(429, **{"Retry-After": when}), TYPES_OK])

    mock_provider(rec, clock=clock).list_activity_types()

    assert clock.slept == [3.0]


def test_retry_after_beyond_the_cap_fails_at_once_with_the_retry_time() -> None:
    clock = InMemoryClock(T0)
    rec = Recorder(fallback=answer(429, **{"Retry-After": "3600"}))

    with pytest.raises(RateLimitedError) as err:
        mock_provider(rec, clock=clock).list_activity_types()

    assert err.value.retry_at == T0 + timedelta(seconds=3600)
    assert len(rec.seen) == 1 and clock.slept == []


def test_the_cap_is_longer_for_background_calls() -> None:
    clock = InMemoryClock(T0)
    rec = Recorder([answer(429, **{"Retry-After": "30"}), TYPES_OK])

    mock_provider(rec, clock=clock, budget=CallBudget.BACKGROUND).list_activity_types()

    assert clock.slept == [30.0]


def test_429_without_retry_after_backs_off_and_persistent_429_is_rate_limited() -> None:
    clock = InMemoryClock(T0)
    rec = Recorder(fallback=answer(429))

    with pytest.raises(RateLimitedError) as err:
        mock_provider(rec, clock=clock).list_activity_types()

    assert len(rec.seen) == 3 and len(clock.slept) == 2
    assert err.value.retry_at is not None and err.value.retry_at > clock.now()


def test_the_total_time_budget_stops_retries_before_the_attempts_run_out() -> None:
    clock = InMemoryClock(T0)
    rec = Recorder(fallback=answer(429, **{"Retry-After": "4"}))

    with pytest.raises(RateLimitedError):
        mock_provider(rec, clock=clock, max_attempts="10").list_activity_types()

    # waits of 4 s fit twice in the 10 s interactive budget; the third would pass it
    assert clock.slept == [4.0, 4.0] and len(rec.seen) == 3


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("5", 5.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        (format_datetime(T0 + timedelta(seconds=90), usegmt=True), 90.0),
        (format_datetime(T0 - timedelta(seconds=90), usegmt=True), 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_parsing(value: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, T0) == seconds


def test_backoff_grows_exponentially_is_jittered_and_capped() -> None:
    budget = BUDGETS[CallBudget.BACKGROUND]
    backoff = Backoff(budget, random.Random(1))
    for attempt in range(1, 12):
        ceiling = min(budget.backoff_cap, budget.backoff_base * 2 ** (attempt - 1))
        delays = {backoff.delay(attempt) for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jittered


# --- writes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        raises(httpx.ReadTimeout),
        raises(httpx.RemoteProtocolError),
        raises(httpx.WriteTimeout),
        answer(500),
        answer(502),
        answer(503),
        answer(504),
    ],
)
def test_a_create_that_got_no_clear_answer_is_outcome_unknown_and_not_resent(failure) -> None:  # type: ignore[no-untyped-def]
    rec = primed(Recorder([failure], fallback=CREATED))

    with pytest.raises(OutcomeUnknownError, match="read back"):
        mock_provider(rec).book(NEW)

    assert rec.paths() == [TYPES_LOOKUP, "POST /v0/activities"]


def test_a_delete_that_timed_out_is_outcome_unknown_and_not_resent() -> None:
    rec = Recorder([raises(httpx.ReadTimeout)], fallback=answer(200, {"activities": {}}))

    with pytest.raises(OutcomeUnknownError):
        mock_provider(rec).cancel(booked("act-1"))

    assert rec.paths() == ["POST /v0/activities/bulk"]


@pytest.mark.parametrize("failure", [raises(httpx.ConnectError), raises(httpx.ConnectTimeout)])
def test_a_create_that_never_left_is_retried(failure) -> None:  # type: ignore[no-untyped-def]
    rec = primed(Recorder([failure, CREATED]))

    created = mock_provider(rec).book(NEW)

    assert created.id == "new-1" and rec.paths() == [TYPES_LOOKUP] + ["POST /v0/activities"] * 2


def test_a_rate_limited_create_is_retried_it_was_not_applied() -> None:
    rec = primed(Recorder([answer(429, **{"Retry-After": "1"}), CREATED]))

    assert mock_provider(rec).book(NEW).id == "new-1"
    assert rec.paths() == [TYPES_LOOKUP] + ["POST /v0/activities"] * 2


def test_a_score_push_is_an_upsert_so_a_timeout_is_retried() -> None:
    rec = Recorder([raises(httpx.ReadTimeout), answer(503), answer(202, {})])

    mock_provider(rec).push([SCORE])

    assert rec.paths() == ["POST /v0/qa_scores/bulk"] * 3
    assert len({r.content for r in rec.seen}) == 1  # the same batch each time


@pytest.mark.parametrize("status", [400, 404])
def test_deleting_an_unknown_id_is_not_found(status: int) -> None:
    rec = Recorder([answer(status, {"message": "invalid activity id"})])

    with pytest.raises(NotFoundError, match="act-404"):
        mock_provider(rec).cancel(booked("act-404"))

    assert len(rec.seen) == 1


def test_creating_for_an_unknown_agent_or_type_is_not_found() -> None:
    rec = primed(Recorder([answer(400, {"message": "invalid agent_id"})]))

    with pytest.raises(NotFoundError, match="agent-1"):
        mock_provider(rec).book(NEW)


# --- every attempt ---------------------------------------------------------------------


def test_every_attempt_is_rate_limited_and_carries_fresh_auth_and_api_version() -> None:
    rec = Recorder([answer(503), raises(httpx.ConnectError), TYPES_OK])
    provider = mock_provider(rec)

    provider.list_activity_types()

    expected = "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
    assert [r.headers["Authorization"] for r in rec.seen] == [expected] * 3
    assert [r.headers["API-Version"] for r in rec.seen] == ["2019-06-20"] * 3
    assert provider.client.limiter.acquired == 3  # type: ignore[attr-defined]


def test_the_table_says_what_each_row_does() -> None:
    assert POLICY[(Failure.NO_ANSWER, False)] is Action.OUTCOME_UNKNOWN
    assert POLICY[(Failure.NO_ANSWER, True)] is Action.RETRY
    assert POLICY[(Failure.NOT_SENT, False)] is Action.RETRY
    assert POLICY[(Failure.RATE_LIMITED, False)] is Action.RETRY_AFTER
    assert POLICY[(Failure.SERVER_ERROR, False)] is Action.OUTCOME_UNKNOWN
    assert all(POLICY[(Failure.AUTH, i)] is Action.FAIL for i in (True, False))


# --- one retry layer: the export over this client ---------------------------------------


@pytest.mark.parametrize("budget", list(CallBudget))
def test_an_export_makes_exactly_the_adapters_attempts_then_the_next_run_resumes(
    budget: CallBudget,
) -> None:
    # the export adds no retry loop of its own: attempts never multiply
    world = ExportWorld(clock=InMemoryClock(T0))
    recorded = [world.record(MAPPED[0]) for _ in range(3)]
    rec = Recorder(fallback=answer(503))
    provider = mock_provider(rec, clock=world.clock, budget=budget)
    export = ExportScores(
        world.source, provider, world.mapper, world.state, world.clock, world.tenant,
        ExportPolicy(batch_size=2),
    )

    with pytest.raises(UnavailableError, match="503"):
        export.run()

    assert len(rec.seen) == BUDGETS[budget].max_attempts
    status = export_status(world.source, world.state, world.tenant)
    assert status.checkpoint is None and status.backlog == 3
    assert status.last_error is not None and status.last_error["category"] == "unavailable"

    rec.fallback = answer(202, {})
    report = export.run()

    assert (report.sent, report.batches) == (3, 2)
    assert len(rec.seen) == BUDGETS[budget].max_attempts + 2
    sent = [json.loads(r.content)["qa_scores"] for r in rec.seen[-2:]]
    ids = [row["conversation_external_id"] for batch in sent for row in batch]
    assert ids == [s.evaluation_id for s in recorded]


# --- a delete is only done when proven ---------------------------------------------------

WINDOW_WITH = answer(
    200,
    {
        "activities": {
            "new-1-1718010000-1718013600": {
                "id": "new-1", "agent_id": "agent-1", "type_id": "type-m",
                "start_time": 1718010000, "end_time": 1718013600,
            }
        }
    },
)


def test_a_400_on_delete_is_read_back_and_refused_while_the_activity_is_still_there() -> None:
    rec = primed(Recorder([CREATED, answer(400, {"message": "plan does not allow it"}),
                           WINDOW_WITH]))
    provider = mock_provider(rec)
    created = provider.book(NEW)

    with pytest.raises(ProviderResponseError, match="refused to delete activity new-1") as err:
        provider.cancel(created)

    assert "plan does not allow it" in str(err.value) and "nothing changed" in str(err.value)
    read = rec.seen[-1]
    assert (read.method, read.url.params.get_list("agents")) == ("GET", ["agent-1"])


def test_a_400_on_delete_whose_read_back_no_longer_has_it_is_not_found() -> None:
    rec = primed(Recorder([CREATED, answer(400), answer(200, {"activities": {}})]))
    provider = mock_provider(rec)
    created = provider.book(NEW)

    with pytest.raises(NotFoundError):  # gone: the caller may record the cancel
        provider.cancel(created)


# --- the score endpoint: acknowledged, or not available as configured --------------------


@pytest.mark.parametrize("status", [403, 404, 405])
def test_403_404_405_from_the_score_path_is_not_available_and_never_retried(
    status: int,
) -> None:
    rec = Recorder(fallback=answer(status, {"message": "no"}))
    provider = mock_provider(rec, budget=CallBudget.BACKGROUND)

    with pytest.raises(NotAvailableError, match="not available at /v0/qa_scores/bulk") as err:
        provider.push([SCORE])

    assert len(rec.seen) == 1 and "WFM_OPTION_scores_path" in str(err.value)
    assert err.value.condition == provider.sink_config()


def test_401_from_the_score_path_is_still_the_invalid_key_message() -> None:
    with pytest.raises(AuthError, match="invalid or expired"):
        mock_provider(Recorder([answer(401)])).push([SCORE])


@pytest.mark.parametrize("status", [200, 202])
def test_200_and_202_both_acknowledge_a_score_batch(status: int) -> None:
    rec = Recorder([answer(status, {})])

    mock_provider(rec).push([SCORE])

    assert len(rec.seen) == 1


@pytest.mark.parametrize(
    ("time_format", "expected"),
    [("unix", 1718010000), ("unix_ms", 1718010000000), ("iso8601", "2024-06-10T09:00:00Z")],
)
def test_the_payloads_time_format_is_configuration(time_format: str, expected: object) -> None:
    rec = Recorder([answer(202, {})])

    mock_provider(rec, scores_time_format=time_format).push([SCORE])

    (row,) = json.loads(rec.seen[0].content)["qa_scores"]
    assert row["scored_at"] == expected


def test_an_unknown_time_format_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="scores_time_format"):
        mock_provider(Recorder(), scores_time_format="rfc2822")


def test_test_mode_keys_are_accepted() -> None:
    test_key = "sk_test_" + "t" * 32  # the docs' test mode
    rec = Recorder([TYPES_OK])

    mock_provider(rec, key=test_key).list_activity_types()

    expected = "Basic " + base64.b64encode(f"{test_key}:".encode()).decode()
    assert rec.seen[0].headers["Authorization"] == expected
