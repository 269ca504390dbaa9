"""What the provider sends (paths, bodies, paging) and what it refuses, over MockTransport."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import httpx
import pytest
from pydantic import SecretStr

from wfm_bridge.plugins.assembled.client import check_base_url
from wfm_bridge.plugins.assembled.config import AssembledConfig
from wfm_bridge.plugins.assembled.plugin import _provider
from wfm_bridge.plugins.assembled.provider import AssembledProvider
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.errors import (
    AuthError,
    InvalidInputError,
    MissingKeyError,
    NotFoundError,
    ProviderResponseError,
)
from wfm_bridge.ports.models import ScorePush
from wfm_bridge.ports.registry import ProviderContext

from .support import (
    KEY,
    T0,
    Recorder,
    answer,
    booked,
    meeting_types,
    mock_provider,
    one_to_one,
)


def people_pages(total: int, page_cap: int | None = None, stall_at: int | None = None):  # type: ignore[no-untyped-def]
    """A /v0/people handler over ``total`` people (server may cap the page size)."""

    def handler(request: httpx.Request) -> httpx.Response:
        limit = int(request.url.params["limit"])
        offset = int(request.url.params["offset"])
        if page_cap:
            limit = min(limit, page_cap)
        if stall_at is not None and offset >= stall_at:
            offset = 0  # a broken server that keeps sending the first page
        ids = [f"p{i}" for i in range(offset, min(total, offset + limit))]
        people = {i: {"id": i, "agent_id": f"a-{i}", "first_name": i} for i in ids}
        return answer(200, {"people": people, "total": total, "limit": limit, "offset": offset})(
            request
        )

    return handler


@pytest.mark.parametrize(
    ("total", "cap", "requests"), [(0, None, 1), (10, None, 1), (1200, None, 3), (1200, 100, 12)]
)
def test_people_are_paged_until_total_even_when_the_server_caps_pages(
    total: int, cap: int | None, requests: int
) -> None:
    rec = Recorder(fallback=people_pages(total, cap))

    got = mock_provider(rec).list_people()

    assert sorted(p.person_id for p in got) == sorted(f"p{i}" for i in range(total))
    assert len(rec.seen) == requests
    assert rec.seen[0].url.params["limit"] == "500"


def test_a_server_that_stops_making_progress_is_an_error_not_a_loop() -> None:
    rec = Recorder(fallback=people_pages(1200, stall_at=500))

    with pytest.raises(ProviderResponseError, match="stopped returning new people"):
        mock_provider(rec).list_people()

    assert len(rec.seen) == 2


def test_check_credentials_is_one_cheap_call() -> None:
    rec = Recorder(fallback=people_pages(1000))

    mock_provider(rec).check_credentials()

    assert rec.paths() == ["GET /v0/people"] and rec.seen[0].url.params["limit"] == "1"


def test_booking_creates_a_meeting_activity_allowing_conflicts_in_unix_seconds() -> None:
    created = {
        "id": "new",
        "agent_id": "a",
        "type_id": "t",
        "start_time": 1718013600,
        "end_time": 1718017200,
        "description": "1:1 - coaching (ref mtg-1)",
    }
    rec = Recorder([meeting_types("t"), answer(200, created), answer(200, created)])
    wanted = one_to_one(start=T0 + timedelta(hours=1), description="coaching")
    provider = mock_provider(rec)

    got = provider.book(wanted)
    provider.book(wanted)  # the Meeting type is looked up once per provider

    assert rec.paths() == ["GET /v0/activity_types", "POST /v0/activities", "POST /v0/activities"]
    body = json.loads(rec.seen[1].content)
    assert body == {
        "agent_id": "a",
        "type_id": "t",
        "start_time": 1718013600,
        "end_time": 1718017200,
        "description": "1:1 - coaching (ref mtg-1)",
        "allow_conflicts": True,
    }
    assert (got.id, got.reference, got.start, got.end) == ("new", "mtg-1", wanted.start, wanted.end)


def test_without_a_meeting_type_booking_is_refused_naming_it_and_nothing_is_sent() -> None:
    shift_only = answer(200, {"activity_types": {"s": {"id": "s", "name": "Shift"}}})
    rec = Recorder([shift_only, shift_only, shift_only])
    provider = mock_provider(rec)

    with pytest.raises(NotFoundError, match="activity type named exactly 'Meeting'"):
        provider.book(one_to_one())
    assert provider.readiness() == ["missing: create an activity type named exactly `Meeting`"]
    with pytest.raises(NotFoundError):  # looked up again: it may have been created since
        provider.book(one_to_one())

    assert rec.paths() == ["GET /v0/activity_types"] * 3


def test_cancel_uses_the_bulk_delete_action_by_id_never_the_window_delete() -> None:
    rec = Recorder([answer(200, {"activities": {}})])

    mock_provider(rec).cancel(booked("act-7"))

    assert rec.paths() == ["POST /v0/activities/bulk"]
    assert json.loads(rec.seen[0].content) == {
        "activities": [{"action": "delete", "activity": {"id": "act-7"}}]
    }


def test_cancel_needs_an_id() -> None:
    with pytest.raises(InvalidInputError):
        mock_provider(Recorder()).cancel(booked("  "))


SCORE = ScorePush(
    evaluation_id="ev-1",
    agent_id="agent-1",
    score=7.5,
    max_score=10,
    scorecard="Calls",
    evaluated_at=T0,
    updated_at=T0 + timedelta(hours=1),
)


def test_scores_go_to_the_documented_default_path_and_fields() -> None:
    rec = Recorder([answer(202, {})])

    mock_provider(rec).push([SCORE])

    assert rec.paths() == ["POST /v0/qa_scores/bulk"]
    assert json.loads(rec.seen[0].content) == {
        "qa_scores": [
            {
                "conversation_external_id": "ev-1",
                "agent_id": "agent-1",
                "score": 7.5,
                "max_score": 10.0,
                "scored_at": int(T0.timestamp()),
                "rubric": "Calls",
                "source": "evaluagent",
            }
        ]
    }


def test_score_path_and_fields_are_configuration() -> None:
    rec = Recorder([answer(200, {})])
    provider = mock_provider(
        rec,
        scores_path="/v1/scorecards/import",
        scores_envelope="scores",
        scores_fields="external_id=evaluation_id, agent=agent_id, value=score, "
        "updated=updated_at, tool='qa'",
    )

    provider.push([SCORE])
    provider.push([])  # nothing to send: no request

    assert rec.paths() == ["POST /v1/scorecards/import"]
    assert json.loads(rec.seen[0].content) == {
        "scores": [
            {
                "external_id": "ev-1",
                "agent": "agent-1",
                "value": 7.5,
                "updated": int((T0 + timedelta(hours=1)).timestamp()),
                "tool": "qa",
            }
        ]
    }


@pytest.mark.parametrize(
    "fields",
    [
        "agent_id=agent_id",
        "x=nonsense,conversation_external_id=evaluation_id",
        "x",
        "a=evaluation_id,a=score",
    ],
)
def test_a_score_mapping_without_the_upsert_id_or_with_typos_is_refused(fields: str) -> None:
    with pytest.raises(InvalidInputError, match="scores_fields"):
        mock_provider(Recorder(), scores_fields=fields)


# --- configuration and transport safety ------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://api.assembledhq.com",
        "http://127.0.0.1:8765",
        "http://localhost:1",
        "http://[::1]:9000",
        "http://127.5.6.7",
    ],
)
def test_https_or_loopback_http_is_accepted(url: str) -> None:
    assert check_base_url(url).host


@pytest.mark.parametrize(
    "url",
    [
        "http://api.assembledhq.com",
        "http://10.0.0.5:8765",
        "http://127.0.0.1.evil.example",
        "ftp://api.assembledhq.com",
        "https://user:pw@api.assembledhq.com",
        "not a url",
        "https://",
    ],
)
def test_plain_http_to_anything_but_loopback_is_refused(url: str) -> None:
    with pytest.raises(InvalidInputError):
        check_base_url(url)


@pytest.mark.parametrize(
    "options",
    [
        {"rate": "0"},
        {"rate": "fast"},
        {"burst": "0"},
        {"slice_days": "-1"},
        {"page_size": "x"},
        {"timeout": "nan"},
        {"scores_path": "v0/x"},
        {"base_urll": "https://x"},
    ],
)
def test_bad_options_are_refused_by_name(options: dict[str, str]) -> None:
    with pytest.raises(InvalidInputError, match=next(iter(options)).rstrip("l")):
        AssembledConfig.from_options(options)


def test_the_registered_factory_builds_from_the_context_and_needs_a_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    clock = InMemoryClock(T0)
    ctx = ProviderContext(
        tmp_path,
        "acme",
        SecretStr(KEY),
        clock,
        options={"base_url": "http://127.0.0.1:1", "slice_days": "3"},
    )
    provider = _provider(ctx)
    assert isinstance(provider, AssembledProvider) and provider.config.slice_days == 3
    with pytest.raises(MissingKeyError):
        _provider(ProviderContext(tmp_path, "acme", None, clock))
    with pytest.raises(InvalidInputError):
        _provider(
            ProviderContext(
                tmp_path, "acme", SecretStr(KEY), clock, options={"base_url": "http://example.com"}
            )
        )


def test_the_key_never_shows_in_reprs_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    echo = {"message": f"bad key {KEY}"}  # a server that echoes the key back
    rec = Recorder([answer(503), answer(422, echo), answer(401, echo)])
    provider = mock_provider(rec)
    texts = [repr(provider), repr(provider.client), repr(provider.config)]

    with caplog.at_level(logging.DEBUG):
        for _ in range(2):
            try:
                provider.list_activity_types()
            except Exception as exc:
                texts.extend([str(exc), repr(exc)])
    texts.extend(r.getMessage() for r in caplog.records)

    assert len(caplog.records) >= 5 and not any(KEY in t for t in texts)
    assert "***" in texts[3]  # the echoed key was masked in the 422 error
    assert texts[5] == str(AuthError.invalid_key("assembled"))
