"""What the wire layer sends deserialises into the SDK's own request models (the SDK drops
what it does not know, so a lossless round trip proves every field name and type), and
what it reads refuses malformed answers with a typed error."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from wfm_bridge.plugins.genesys.api import batches
from wfm_bridge.plugins.genesys.wire import (
    MetricItem,
    MetricWrite,
    NewAppointment,
    Page,
    ScheduleSearch,
    SearchAnswer,
    User,
    parse,
)
from wfm_bridge.ports.errors import ProviderResponseError

from .support import judge, serialised

ids = st.uuids().map(str)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))
texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


def _instants(value: object) -> object:
    """The same JSON with every ISO date-time as a datetime (the SDK re-writes them as
    ``+00:00``, we send ``.000Z``: the same instant)."""
    if isinstance(value, dict):
        return {k: _instants(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_instants(v) for v in value]
    if isinstance(value, str) and len(value) > 10 and value[10:11] == "T":
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def _round_trip(body: dict[str, object], model: str) -> object:
    sdk_model = judge(body, model)
    assert type(sdk_model).__name__ == model
    assert _instants(serialised(sdk_model)) == _instants(body)
    return sdk_model


@given(ids, texts, instants, st.integers(1, 1440), ids, st.lists(ids, min_size=1, max_size=5))
def test_a_new_appointment_is_the_sdks_create_request(
    name: str, description: str, start: datetime, length: int, lead: str, attendees: list[str]
) -> None:
    body = NewAppointment(
        name=name,
        description=description,
        date_start=start,
        length_in_minutes=length,
        facilitator_id=lead,
        attendee_ids=attendees,
    ).body()
    sdk = _round_trip(body, "CreateCoachingAppointmentRequest")
    assert sdk.date_start == start and sdk.add_to_schedule is True  # type: ignore[attr-defined]


@given(instants, st.integers(1, 42 * 24), st.none() | st.lists(ids, max_size=5))
def test_a_schedule_search_is_the_sdks_search_request(
    start: datetime, hours: int, users: list[str] | None
) -> None:
    end = start + timedelta(hours=hours)
    body = ScheduleSearch(start_date=start, end_date=end, user_ids=users).body()
    sdk = _round_trip(body, "BuSearchAgentSchedulesRequest")
    assert (sdk.start_date, sdk.end_date) == (start, end)  # type: ignore[attr-defined]


@given(
    st.lists(
        st.tuples(ids, ids, st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.floats(0, 100)),
        min_size=1,
        max_size=250,
    )
)
def test_metric_batches_are_the_sdks_write_requests_of_at_most_100(
    rows: list[tuple[str, str, date, float]],
) -> None:
    items = [MetricItem(user_id=u, metric_id=m, date_occurred=d, value=v) for u, m, d, v in rows]
    sent = batches(items)
    assert [i for b in sent for i in b.items] == items
    assert all(1 <= len(b.items) <= 100 for b in sent)
    for batch in sent:
        sdk = _round_trip(batch.body(), "ExternalMetricDataWriteRequest")
        assert all(i.type == "Total" for i in sdk.items)  # type: ignore[attr-defined]


def test_sent_models_refuse_what_genesys_would() -> None:
    item = MetricItem(user_id="u", metric_id="m", date_occurred=date(2024, 6, 10), value=1.0)
    with pytest.raises(ValidationError):
        MetricWrite(items=[item] * 101)
    with pytest.raises(ValidationError):
        MetricItem(user_id="u", metric_id="m", date_occurred=date(2024, 6, 10), value=float("nan"))
    with pytest.raises(ValidationError):
        NewAppointment(name="x", date_start=datetime(2024, 6, 10), attendee_ids=["a"],  # naive
                       length_in_minutes=30)  # fmt: skip
    with pytest.raises(ValidationError):
        NewAppointment(name="x", date_start=datetime(2024, 6, 10, tzinfo=UTC), attendee_ids=[],
                       length_in_minutes=30)  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"entities": [{"id": "u1"}]}',  # no state
        b'{"entities": [{"id": "", "state": "active"}]}',
        b'{"entities": [{"id": "u1", "state": "retired"}]}',
    ],
)
def test_a_malformed_user_page_is_a_provider_error_naming_the_endpoint(body: bytes) -> None:
    with pytest.raises(ProviderResponseError) as caught:
        parse(Page[User], body, "GET /api/v2/users")
    assert "GET /api/v2/users" in str(caught.value)


def test_a_schedule_answer_without_zones_is_refused() -> None:
    shift = {"id": "s", "startDate": "2024-06-10T13:00:00", "lengthMinutes": 60}
    body = {"status": "Complete", "result": {"agentSchedules": [{"user": {"id": "u"},
            "shifts": [shift]}]}}  # fmt: skip
    import json

    with pytest.raises(ProviderResponseError):
        parse(SearchAnswer, json.dumps(body).encode(), "POST search")
