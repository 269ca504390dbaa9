"""Wire shapes: conversion to DTOs, and malformed answers as clear provider errors."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wfm_bridge.plugins.assembled.wire import PeoplePage, parse, to_person
from wfm_bridge.ports.errors import NotSupportedError, ProviderResponseError
from wfm_bridge.ports.schedule_source import collect

from .support import T0, Recorder, answer, booked, meeting_types, mock_provider, one_to_one

PERSON = {
    "id": "person-1",
    "agent_id": "agent-1",
    "first_name": "Ana",
    "last_name": "Lee",
    "email": "ana@example.com",
    "imported_id": None,
    "timezone": "America/Chicago",
    "teams": ["t"],
    "site": "s",
    "platforms": {"zendesk": "123"},
    "deleted": False,
    "staffable": True,
    "created_at": 1700000000,
    "something_new": {"assembled": "adds fields"},
}


def person(**changes: object) -> dict[str, object]:
    return {**PERSON, **changes}


@pytest.mark.parametrize(
    ("changes", "active", "agent"),
    [
        ({}, True, "agent-1"),
        ({"deleted": True}, False, "agent-1"),
        ({"staffable": False}, False, "agent-1"),
        ({"staffable": None}, True, "agent-1"),
        ({"agent_id": None}, True, None),  # not an agent: kept, but no schedule
        ({"agent_id": ""}, True, None),
    ],
)
def test_people_map_by_agent_id_and_inactive_means_deleted_or_not_staffable(
    changes: dict[str, object], active: bool, agent: str | None
) -> None:
    page = parse(
        PeoplePage,
        json.dumps({"people": {"person-1": person(**changes)}, "total": 1}).encode(),
        "GET /v0/people",
    )
    got = to_person(page.people["person-1"])  # type: ignore[index]

    assert (got.person_id, got.agent_id, got.active) == ("person-1", agent, active)
    assert (got.first_name, got.last_name, got.email) == ("Ana", "Lee", "ana@example.com")


MALFORMED = [
    b"",
    b"not json",
    b"[]",
    b'{"people": []}',  # an array where Assembled sends an id-keyed map
    b'{"people": {"p": {"agent_id": "a"}}, "total": 1}',  # no id
    b'{"people": {}, "total": "many"}',
    b'{"people": {"p": {"id": 7}}, "total": 1}',
    b'{"people": {}}',  # no total
]


@pytest.mark.parametrize("body", MALFORMED)
def test_malformed_people_answers_are_provider_errors_naming_the_endpoint(body: bytes) -> None:
    rec = Recorder(fallback=lambda r: httpx.Response(200, content=body))

    with pytest.raises(ProviderResponseError, match="GET /v0/people"):
        mock_provider(rec).list_people()


@pytest.mark.parametrize(
    "body",
    [
        {
            "activities": {
                "k": {
                    "id": "a",
                    "agent_id": "x",
                    "type_id": "t",
                    "start_time": "noon",
                    "end_time": 2,
                }
            }
        },
        {"activities": {"k": {"id": "a", "agent_id": "x", "start_time": 1, "end_time": 2}}},
        {
            "activities": {
                "k": {"id": "", "agent_id": "x", "type_id": "t", "start_time": 1, "end_time": 2}
            }
        },
        {
            "activities": {
                "k": {
                    "id": "a",
                    "agent_id": "x",
                    "type_id": "t",
                    "start_time": 1718010000,
                    "end_time": 1718000000,
                }
            }
        },
        {"activities": [1, 2]},
    ],
)
def test_malformed_activities_are_provider_errors_naming_the_endpoint(body: object) -> None:
    rec = Recorder(fallback=answer(200, body))

    with pytest.raises(ProviderResponseError, match="GET /v0/activities"):
        collect(mock_provider(rec).activities(["x"], T0, T0 + timedelta(days=1)))


def test_a_malformed_create_answer_is_a_provider_error() -> None:
    rec = Recorder([meeting_types("t")], fallback=answer(200, {"ok": True}))

    with pytest.raises(ProviderResponseError, match="POST /v0/activities"):
        mock_provider(rec).book(one_to_one())


@given(st.binary(max_size=200))
def test_any_garbage_body_is_a_provider_error_never_a_crash(body: bytes) -> None:
    rec = Recorder(fallback=lambda r: httpx.Response(200, content=body))
    try:
        mock_provider(rec).list_activity_types()
    except ProviderResponseError as exc:
        assert "GET /v0/activity_types" in str(exc)


def test_null_maps_mean_empty_and_zero_length_activities_are_dropped() -> None:
    start = int(T0.timestamp())
    rec = Recorder(
        [
            answer(200, {"activity_types": None}),
            answer(
                200,
                {
                    "activities": {
                        "z": {
                            "id": "z",
                            "agent_id": "x",
                            "type_id": "t",
                            "start_time": start + 60,
                            "end_time": start + 60,
                        }
                    }
                },
            ),
        ]
    )
    provider = mock_provider(rec)

    assert provider.list_activity_types() == []
    assert collect(provider.activities(["x"], T0, T0 + timedelta(hours=1))) == []


def test_recurring_occurrences_get_unique_ids_that_cannot_delete_the_series() -> None:
    start = int(T0.timestamp())
    occurrences = {
        f"rec-{s}-{s + 1800}": {
            "id": "rec",
            "agent_id": "x",
            "type_id": "t",
            "start_time": s,
            "end_time": s + 1800,
        }
        for s in (start, start + 86400)
    }
    rec = Recorder(fallback=answer(200, {"activities": occurrences}))
    provider = mock_provider(rec)

    got = collect(provider.activities(["x"], T0, T0 + timedelta(days=2)))

    assert sorted(a.id for a in got) == sorted(occurrences)
    with pytest.raises(NotSupportedError, match="whole series"):
        provider.cancel(booked(got[0].id, agent_id="x"))
    assert len(rec.seen) == 1  # nothing was sent for the refused delete
