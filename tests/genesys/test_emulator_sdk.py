"""The official Genesys Cloud SDK as the judge of the emulator: every endpoint the plugin
uses is called through the SDK (``Configuration.host`` at the emulator) and must succeed and
deserialise into the SDK's own models, with the fields we rely on populated."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import PureCloudPlatformClientV2 as genesys
import pytest
from PureCloudPlatformClientV2.rest import ApiException

from wfm_bridge.plugins.genesys.emulator.emulator import Emulator
from wfm_bridge.plugins.genesys.emulator.seed import DEMO_BU_ID, DEMO_METRIC_ID
from wfm_bridge.plugins.genesys.emulator.server import EmulatorServer
from wfm_bridge.plugins.memory_fake.demo import agent_id_for, demo_people

from .support import CLIENT_ID, api, judge, running, sdk_client

ANA = agent_id_for("Ana Lee")
JAMES = agent_id_for("James Miller")
LEAD = agent_id_for("Grace Moore")
MONDAY = datetime(2024, 6, 10, 5, tzinfo=UTC)  # midnight in Chicago, the BU zone
STALE = "outdated_sdk_version"  # what the SDK stores for an enum value it does not know


@pytest.fixture(scope="module")
def emu() -> Iterator[tuple[Emulator, EmulatorServer, Any]]:
    with running() as (emulator, server):
        yield emulator, server, sdk_client(server)


@pytest.fixture
def wfm(emu: tuple[Emulator, EmulatorServer, Any]) -> Any:
    return genesys.WorkforceManagementApi(emu[2])


def test_the_sdk_logs_in_with_client_credentials(emu: tuple[Emulator, EmulatorServer, Any]) -> None:
    emulator, server, client = emu
    assert client.access_token and emulator.client_of(client.access_token) == CLIENT_ID
    bad = genesys.ApiClient(host=server.base_url)
    with pytest.raises(ApiException) as caught:
        bad.get_client_credentials_token(CLIENT_ID, "wrong")
    assert caught.value.status == 401


def test_an_unknown_token_is_a_401_error_body(emu: tuple[Emulator, EmulatorServer, Any]) -> None:
    _, server, _ = emu
    client = genesys.ApiClient(host=server.base_url)
    client.access_token = "not-a-token"
    with pytest.raises(ApiException) as caught:
        genesys.UsersApi(client).get_users()
    assert caught.value.status == 401
    error = judge(caught.value.body, "ErrorBody")
    assert (error.status, error.code) == (401, "bad.credentials") and error.message


def test_users_page_through_the_sdk_with_email_and_state(
    emu: tuple[Emulator, EmulatorServer, Any],
) -> None:
    users_api = genesys.UsersApi(emu[2])
    seen: list[Any] = []
    number = 1
    while True:
        page = users_api.get_users(page_size=10, page_number=number, state="any")
        assert isinstance(page, genesys.UserEntityListing)
        assert (page.page_size, page.page_number, page.total) == (10, number, 42)
        assert page.page_count == 5
        seen.extend(page.entities)
        if page.next_uri is None:
            break
        number += 1
    assert len(seen) == 42 and len({u.id for u in seen}) == 42
    for user in seen:
        assert isinstance(user, genesys.User)
        assert user.id and user.name and user.email and user.state in ("active", "inactive")
    by_email = {u.email.strip(): u for u in seen}
    assert by_email["yuki.tanaka@example.com"].state == "inactive"
    assert by_email["ana.lee@example.com"].id == ANA
    active = users_api.get_users(page_size=500)
    assert active.total == 41 and {u.state for u in active.entities} == {"active"}
    assert active.next_uri is None


def test_business_units_and_their_settings(wfm: Any) -> None:
    listing = wfm.get_workforcemanagement_businessunits()
    assert isinstance(listing, genesys.BusinessUnitListing)
    [unit] = listing.entities
    assert isinstance(unit, genesys.BusinessUnitListItem)
    assert (unit.id, unit.name) == (DEMO_BU_ID, "Demo Contact Centre")
    bu = wfm.get_workforcemanagement_businessunit(DEMO_BU_ID, expand=["settings"])
    assert isinstance(bu, genesys.BusinessUnitResponse)
    assert bu.settings.time_zone == "America/Chicago"
    assert bu.settings.start_day_of_week == "Monday"
    assert bu.settings.coaching.default_activity_code.id == "type-meeting"
    with pytest.raises(ApiException) as caught:
        wfm.get_workforcemanagement_businessunit("no-such-bu")
    assert caught.value.status == 404


def test_activity_codes_carry_category_work_time_and_interruptible(wfm: Any) -> None:
    listing = wfm.get_workforcemanagement_businessunit_activitycodes(DEMO_BU_ID)
    assert isinstance(listing, genesys.BusinessUnitActivityCodeListing)
    codes = {c.id: c for c in listing.entities}
    assert set(codes) == {
        "type-shift", "type-break", "type-lunch", "type-meeting", "type-training", "type-timeoff"
    }  # fmt: skip
    for code in codes.values():
        assert isinstance(code, genesys.BusinessUnitActivityCode)
        assert code.name and code.active is True and code.category not in (None, STALE)
        assert code.counts_as_work_time is not None and code.interruptible is not None
        assert code.counts_as_paid_time is not None
        assert code.style.background_color.startswith("#")
        assert code.style.text_color_theme in ("Dark", "Light")
    assert codes["type-shift"].category == "OnQueueWork" and codes["type-shift"].interruptible
    assert codes["type-timeoff"].category == "TimeOff"
    assert codes["type-lunch"].counts_as_work_time is False


def test_management_units_and_their_agents(wfm: Any) -> None:
    listing = wfm.get_workforcemanagement_businessunit_managementunits(DEMO_BU_ID)
    assert isinstance(listing, genesys.ManagementUnitListing)
    units = {m.name: m for m in listing.entities}
    assert set(units) == {"Billing", "Tech Support", "Retention", "Onboarding", "Weekend Crew"}
    billing = units["Billing"]
    assert billing.time_zone == "America/Chicago" and billing.business_unit.id == DEMO_BU_ID
    assert units["Onboarding"].time_zone == "Asia/Manila"
    agents = wfm.get_workforcemanagement_managementunit_users(billing.id)
    assert isinstance(agents, genesys.WfmUserEntityListing)
    assert ANA in {a.id for a in agents.entities} and len(agents.entities) == 8


def _search(wfm: Any, users: list[str], days: int = 7, **flags: bool) -> Any:
    body = genesys.BuSearchAgentSchedulesRequest()
    body.start_date, body.end_date = MONDAY, MONDAY + timedelta(days=days)
    body.user_ids = users
    return wfm.post_workforcemanagement_businessunit_agentschedules_search(
        DEMO_BU_ID, body, **flags
    )


def _check_schedules(result: Any, users: list[str]) -> list[Any]:
    assert isinstance(result, genesys.BuAgentSchedulesSearchResponse)
    assert result.business_unit_time_zone == "America/Chicago"
    assert [p.week_date.isoformat() for p in result.published_schedules] == ["2024-06-10"]
    assert [s.user.id for s in result.agent_schedules] == users
    activities = []
    for schedule in result.agent_schedules:
        assert schedule.shifts, "every demo agent works this week"
        for shift in schedule.shifts:
            assert isinstance(shift, genesys.BuAgentScheduleShift)
            assert shift.id and shift.start_date.tzinfo is not None and shift.length_minutes
            assert shift.schedule.id and shift.schedule.week_date is not None
            for activity in shift.activities:
                assert isinstance(activity, genesys.BuAgentScheduleActivity)
                assert activity.start_date.tzinfo is not None and activity.length_minutes > 0
                assert activity.activity_code_id
                activities.append(activity)
    return activities


def test_the_schedule_search_answers_inline(wfm: Any) -> None:
    answer = _search(wfm, [ANA, JAMES])
    assert isinstance(answer, genesys.BuAsyncAgentSchedulesSearchResponse)
    assert answer.status == "Complete" and answer.download_url is None
    activities = _check_schedules(answer.result, [ANA, JAMES])
    assert {a.activity_code_id for a in activities} >= {"type-shift", "type-break", "type-lunch"}


def test_the_schedule_search_answers_with_a_download(wfm: Any) -> None:
    answer = _search(wfm, [ANA, JAMES], force_download_service=True)
    assert answer.status == "Complete" and answer.result is None and answer.download_url
    downloaded = httpx.get(answer.download_url)  # a download link needs no token
    assert downloaded.status_code == 200
    _check_schedules(judge(downloaded.text, "BuAgentSchedulesSearchResponse"), [ANA, JAMES])


def test_a_big_answer_comes_as_a_download(
    emu: tuple[Emulator, EmulatorServer, Any], wfm: Any
) -> None:
    emulator = emu[0]
    emulator.configure(inline_shifts=5)
    try:
        answer = _search(wfm, [ANA, JAMES])
    finally:
        emulator.configure(inline_shifts=500)
    assert answer.status == "Complete" and answer.download_url and answer.result is None


def test_the_schedule_search_answers_processing_and_publishes_the_result(
    emu: tuple[Emulator, EmulatorServer, Any], wfm: Any
) -> None:
    _, server, _ = emu
    answer = _search(wfm, [ANA], force_async=True)
    assert answer.status == "Processing" and answer.operation_id and answer.result is None
    events = httpx.get(server.base_url + "/_emulator/notifications").json()["events"]
    [event] = [e for e in events if e["eventBody"]["operationId"] == answer.operation_id]
    assert event["topicName"] == (
        f"v2.workforcemanagement.businessunits.{DEMO_BU_ID}.agentschedules.search"
    )
    note = judge(
        event["eventBody"], "WfmBuScheduleSearchResultTopicBuScheduleSearchResultNotification"
    )
    assert note.operation_id == answer.operation_id and note.business_unit_id == DEMO_BU_ID
    downloaded = httpx.get(note.download_url)
    _check_schedules(judge(downloaded.text, "BuAgentSchedulesSearchResponse"), [ANA])


def test_a_search_beyond_its_bounds_is_a_400(wfm: Any) -> None:
    with pytest.raises(ApiException) as caught:
        _search(wfm, [ANA], days=43)
    assert caught.value.status == 400
    assert "42 days" in judge(caught.value.body, "ErrorBody").message


def _appointment(start: datetime, attendees: list[str], facilitator: str = LEAD) -> Any:
    body = genesys.CreateCoachingAppointmentRequest()
    body.name = "One To One [Created via evaluagent]"
    body.description = "wfm-bridge booking ref-1"
    body.date_start = start
    body.length_in_minutes = 30
    body.facilitator_id = facilitator
    body.attendee_ids = attendees
    body.add_to_schedule = True
    return body


def _coaching_activities(wfm: Any, user: str, appointment_id: str) -> list[Any]:
    result = _search(wfm, [user]).result
    return [
        a
        for s in result.agent_schedules
        for shift in s.shifts
        for a in shift.activities
        if a.external_activity_id == appointment_id
    ]


def test_coaching_appointments_through_the_sdk_land_in_the_schedule(
    emu: tuple[Emulator, EmulatorServer, Any], wfm: Any
) -> None:
    emulator, _, client = emu
    coaching = genesys.CoachingApi(client)
    start = MONDAY + timedelta(hours=6)  # 11:00 in Chicago: inside Ana's shift
    before = _search(wfm, [ANA]).result
    created = coaching.post_coaching_appointments(_appointment(start, [ANA]))
    assert isinstance(created, genesys.CoachingAppointmentResponse)
    assert created.id and created.name == "One To One [Created via evaluagent]"
    assert created.description == "wfm-bridge booking ref-1"
    assert created.date_start == start and created.length_in_minutes == 30
    assert created.status == "Scheduled" and created.facilitator.id == LEAD
    assert [a.id for a in created.attendees] == [ANA]
    assert created.wfm_schedule.id and created.wfm_schedule.business_unit.id == DEMO_BU_ID
    fetched = coaching.get_coaching_appointment(created.id)
    assert isinstance(fetched, genesys.CoachingAppointmentResponse)
    assert (fetched.id, fetched.facilitator.id) == (created.id, LEAD)
    interval = f"{MONDAY:%Y-%m-%dT%H:%M:%SZ}/{MONDAY + timedelta(days=1):%Y-%m-%dT%H:%M:%SZ}"
    found = coaching.get_coaching_appointments([ANA], interval=interval, page_size=100)
    assert isinstance(found, genesys.CoachingAppointmentResponseList)
    assert created.id in [a.id for a in found.entities] and found.total >= 1
    [activity] = _coaching_activities(wfm, ANA, created.id)
    assert activity.external_activity_type == "Coaching"
    assert activity.activity_code_id == "type-meeting" and activity.length_minutes == 30
    assert activity.start_date == start
    # the facilitator is an agent too: the appointment is in their schedule as well
    assert len(_coaching_activities(wfm, LEAD, created.id)) == 1

    gone = coaching.delete_coaching_appointment(created.id)
    assert isinstance(gone, genesys.CoachingAppointmentReference) and gone.id == created.id
    with pytest.raises(ApiException) as caught:
        coaching.get_coaching_appointment(created.id)
    assert caught.value.status == 404
    assert _coaching_activities(wfm, ANA, created.id) == []
    assert _search(wfm, [ANA]).result.to_dict() == before.to_dict()  # nothing else moved
    ledger = emulator.state.ledger
    assert [u for u, _ in ledger.schedule_removed[-2:]] == [ANA, LEAD]


def test_a_bad_appointment_is_a_400(emu: tuple[Emulator, EmulatorServer, Any]) -> None:
    coaching = genesys.CoachingApi(emu[2])
    yuki = next(p.agent_id or p.person_id for p in demo_people() if not p.active)
    for attendees in ([], [yuki], ["no-such-user"]):
        with pytest.raises(ApiException) as caught:
            coaching.post_coaching_appointments(_appointment(MONDAY, attendees))
        assert caught.value.status == 400


def test_external_metrics_definitions_and_daily_values(
    emu: tuple[Emulator, EmulatorServer, Any],
) -> None:
    _emulator, server, client = emu
    gamification = genesys.GamificationApi(client)
    listing = gamification.get_employeeperformance_externalmetrics_definitions()
    assert isinstance(listing, genesys.ExternalMetricDefinitionListing)
    [metric] = listing.entities
    assert isinstance(metric, genesys.ExternalMetricDefinition)
    assert (metric.id, metric.name, metric.unit) == (DEMO_METRIC_ID, "QA score", "Percent")
    assert metric.enabled is True and metric.precision == 2

    def item(value: float, user: str = ANA) -> Any:
        data = genesys.ExternalMetricDataItem()
        data.user_id, data.metric_id = user, DEMO_METRIC_ID
        data.date_occurred = MONDAY.date()
        data.value, data.type = value, "Total"
        return data

    body = genesys.ExternalMetricDataWriteRequest()
    body.items = [item(87.5), item(92.0, JAMES)]
    for _ in range(2):  # an upsert: the second write changes nothing
        written = gamification.post_employeeperformance_externalmetrics_data(body=body)
        assert isinstance(written, genesys.ExternalMetricDataWriteResponse)
        assert not written.unprocessed_entities
        assert [(p.user_id, p.total_value) for p in written.processed_entities] == [
            (ANA, 87.5), (JAMES, 92.0)
        ]  # fmt: skip
    stored = httpx.get(server.base_url + "/_emulator/state").json()["metric_data"]
    assert sorted((d["userId"], d["value"], d["count"]) for d in stored) == sorted(
        [(ANA, 87.5, 1), (JAMES, 92.0, 1)]
    )
    body.items = [item(1.0)] * 101
    with pytest.raises(ApiException) as caught:
        gamification.post_employeeperformance_externalmetrics_data(body=body)
    assert caught.value.status == 400
    body.items = [item(50.0, "no-such-user")]
    written = gamification.post_employeeperformance_externalmetrics_data(body=body)
    [refused] = written.unprocessed_entities
    assert refused.code == "user.not.found" and refused.message


def test_the_rate_limit_answer_is_an_sdk_error_body(wall_emulator: Any) -> None:
    _emulator, server = wall_emulator
    with api(server) as client:
        answers = [client.get("/api/v2/users").status_code for _ in range(4)]
        limited = client.get("/api/v2/users")
    assert answers == [200, 200, 200, 429]
    assert limited.headers["Retry-After"] == "60"
    error = judge(limited.text, "ErrorBody")
    assert (error.status, error.code) == (429, "too.many.requests")
    assert "Retry the request in [60] seconds" in error.message


@pytest.fixture
def wall_emulator() -> Iterator[tuple[Emulator, EmulatorServer]]:
    from .support import Wall

    with running(demo=False, clock=Wall(), rate_limit=True, requests_per_minute=3) as pair:
        yield pair
