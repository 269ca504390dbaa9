"""The JSON API answers with the CLI's `--json` shapes, runs every use case, and turns every
error category into its status with the error envelope."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from http_world import AGENT, face, memory_settings

from wfm_bridge import Settings
from wfm_bridge.host.cli.app import run
from wfm_bridge.host.cli.schemas import validate
from wfm_bridge.host.http.errors import STATUS_BY_CATEGORY, status_for
from wfm_bridge.ports import errors, hookimpl
from wfm_bridge.ports.models import Employee
from wfm_bridge.ports.registry import AdapterRegistry, PortKind

DEMO_ANCHOR = "2024-06-03"
T = "/api/v1/tenants/default"


def _cli_json(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> Any:
    capsys.readouterr()
    code = run(["--home", str(home), *args])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


# Each operation of the API and the CLI command whose --json shape (and schema) it answers.
OPERATIONS = {
    ("get", "/mapping"): "mapping show",
    ("get", "/mapping/explain"): "mapping explain",
    ("post", "/mapping/refresh"): "mapping refresh",
    ("get", "/schedules"): "schedule",
    ("get", "/teams"): "teams",
    ("get", "/activity-types"): "activity-types",
    ("post", "/activity-types/refresh"): "activity-types",
    ("get", "/slots"): "slots",
    ("get", "/meetings"): "meetings list",
    ("post", "/meetings"): "meetings book",
    ("post", "/meetings/reconcile"): "meetings reconcile",
    ("get", "/meetings/{meeting_id}"): "meetings book",
    ("delete", "/meetings/{meeting_id}"): "meetings cancel",
    ("get", "/export/status"): "export status",
    ("post", "/export/dry-run"): "export run",
    ("get", "/auth/status"): "auth status",
}


PARITY = [
    (["mapping", "show"], "/mapping"),
    (["mapping", "explain", AGENT], f"/mapping/explain?email={AGENT}"),
    (["schedule", AGENT, "--start", "2024-06-10", "--days", "14"],
     f"/schedules?email={AGENT}&start=2024-06-10&days=14"),
    (["schedule", AGENT, "sam.taylor@example.com", "nobody@example.com", "--start",
      "2024-06-03", "--days", "60", "--tz", "Europe/Berlin"],
     f"/schedules?email={AGENT}&email=sam.taylor@example.com&email=nobody@example.com"
     "&start=2024-06-03&days=60&tz=Europe/Berlin"),
    (["activity-types"], "/activity-types"),
    (["meetings", "list"], "/meetings"),
    (["export", "status"], "/export/status"),
    (["auth", "status"], "/auth/status"),
]


def test_every_read_answers_what_the_cli_prints_with_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WFM_DEMO_ANCHOR", DEMO_ANCHOR)
    with face(Settings(data_dir=tmp_path)) as f:
        headers = f.auth("default")
        start = (datetime.now(UTC) + timedelta(days=2)).replace(hour=10, minute=0, second=0,
                                                                 microsecond=0)
        booked = f.client.post(
            f"{T}/meetings", headers=headers,
            json={"email": AGENT, "start": start.isoformat(), "minutes": 30,
                  "description": "parity", "force": True},  # off schedule: about shapes
        )
        assert booked.status_code == 201, booked.text
        for args, path in PARITY:
            cli_args = list(args)
            if "--tz" in cli_args:  # a global option: it goes before the command
                at = cli_args.index("--tz")
                cli_args = [*cli_args[at:at + 2], *cli_args[:at], *cli_args[at + 2:]]
            expected = _cli_json(capsys, tmp_path, *cli_args, "--json")
            answer = f.client.get(f"{T}{path}", headers=headers)
            assert answer.status_code == 200, (path, answer.text)
            assert answer.json() == expected, path
            validate(OPERATIONS[("get", path.split("?")[0])], answer.json())  # strict schema
        day = (start + timedelta(days=1)).date().isoformat()
        slots = _cli_json(capsys, tmp_path, "slots", AGENT, "--from", day, "--days", "3",
                          "--json")
        answer = f.client.get(f"{T}/slots?email={AGENT}&from={day}&days=3", headers=headers)
        # the demo's weeks lie in 2024 (WFM_DEMO_ANCHOR): off duty now, and each day says so
        assert answer.json() == slots and len(slots["days_without_slot"]) == 3
        validate("slots", answer.json())


def test_the_openapi_document_declares_the_clis_schema_of_each_answer(tmp_path: Path) -> None:
    from wfm_bridge.host.cli.schemas import SCHEMAS

    with face(memory_settings(tmp_path)) as f:
        document = f.client.get("/openapi.json").json()
    components = document["components"]["schemas"]
    prefix = "/api/v1/tenants/{tenant}"
    declared = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if path.startswith(prefix) and method != "patch":  # patch only refuses
                ok = operation["responses"].get("200") or operation["responses"]["201"]
                ref = ok["content"]["application/json"]["schema"]["$ref"]
                declared[(method, path.removeprefix(prefix))] = ref.rsplit("/", 1)[1]
    assert set(declared) == set(OPERATIONS)
    for operation, name in declared.items():
        model = SCHEMAS[OPERATIONS[operation]]
        assert name == model.__name__, operation
        own = json.loads(json.dumps(model.model_json_schema(mode="serialization"))
                         .replace("#/$defs/", "#/components/schemas/"))
        own.pop("$defs", None)
        assert components[name] == own, operation


def test_book_list_get_cancel_and_the_schedule_marks_it(tmp_path: Path) -> None:
    with face(memory_settings(tmp_path)) as f:
        headers = f.auth("acme")
        t = "/api/v1/tenants/acme"
        start = (datetime.now(UTC) + timedelta(days=3)).replace(hour=9, minute=0, second=0,
                                                                microsecond=0)
        body = {"email": AGENT, "start": start.strftime("%Y-%m-%dT%H:%M"), "minutes": 45,
                "description": "Coaching", "key": "k-1", "force": True}
        first = f.client.post(f"{t}/meetings?tz=UTC", headers=headers, json=body)
        assert first.status_code == 201
        meeting = first.json()
        assert meeting["status"] == "booked" and meeting["start"] == start.isoformat().replace(
            "+00:00", "Z")
        again = f.client.post(f"{t}/meetings?tz=UTC", headers=headers, json=body)
        assert again.status_code == 201 and again.json()["id"] == meeting["id"]
        other = f.client.post(f"{t}/meetings", headers=headers, json={**body, "minutes": 30})
        assert other.status_code == 409 and other.json()["error"]["category"] == "conflict"

        listed = f.client.get(f"{t}/meetings?status=booked", headers=headers).json()
        assert [m["id"] for m in listed["items"]] == [meeting["id"]] and listed["count"] == 1
        assert f.client.get(f"{t}/meetings/{meeting['id']}", headers=headers).json() == meeting
        view = f.client.get(
            f"{t}/schedules?email={AGENT}&start={start.date().isoformat()}&days=7",
            headers=headers,
        ).json()
        mine = [b for d in view["employees"][0]["days"] for b in d["blocks"] if b["created_here"]]
        assert [b["activity_id"] for b in mine] == [meeting["provider_activity_id"]]

        modify = f.client.patch(f"{t}/meetings/{meeting['id']}", headers=headers)
        assert modify.status_code == 400
        assert modify.json()["error"]["category"] == "not_supported"
        cancelled = f.client.delete(f"{t}/meetings/{meeting['id']}", headers=headers)
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        twice = f.client.delete(f"{t}/meetings/{meeting['id']}", headers=headers)
        assert twice.json()["status"] == "cancelled"
        unknown = f.client.delete(f"{t}/meetings/mtg-nope", headers=headers)
        assert unknown.status_code == 404 and "only meetings" in unknown.json()["error"]["message"]
        reconciled = f.client.post(f"{t}/meetings/reconcile?tz=UTC", headers=headers).json()
        assert reconciled == {"items": [], "count": 0, "timezone": "UTC", "swept": 0}


def test_mapping_refresh_activity_types_refresh_and_export_dry_run(tmp_path: Path) -> None:
    with face(memory_settings(tmp_path)) as f:
        headers = f.auth("acme")
        t = "/api/v1/tenants/acme"
        refreshed = f.client.post(f"{t}/mapping/refresh", headers=headers)
        assert refreshed.status_code == 200 and refreshed.json()["tenant"] == "acme"
        types = f.client.post(f"{t}/activity-types/refresh", headers=headers).json()
        assert "Meeting" in {t["name"] for t in types["items"]}
        dry = f.client.post(f"{t}/export/dry-run?batch_size=50", headers=headers)
        assert dry.status_code == 200 and dry.json()["dry_run"] is True
        status = f.client.get(f"{t}/export/status", headers=headers).json()
        assert status["last_run"] is None  # a dry run records nothing


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        (f"{T}/schedules?email={AGENT}&days=61", "days"),
        (f"{T}/schedules?days=7", "email"),
        (f"{T}/schedules?email={AGENT}&days=7&tz=Mars/Olympus", "unknown time zone"),
        (f"{T}/schedules?email={AGENT}&start=2024-13-01", "start"),
        (f"{T}/slots?email={AGENT}&days=15", "days"),
        (f"{T}/mapping/explain?email=%20", "give an employee email"),
        (f"{T}/meetings?status=gone", "status"),
    ],
)
def test_bad_input_is_a_400_envelope(tmp_path: Path, path: str, needle: str) -> None:
    with face(memory_settings(tmp_path)) as f:
        answer = f.client.get(path, headers=f.auth("default"))
        assert answer.status_code == 400
        error = answer.json()["error"]
        assert error["category"] == "validation" and needle in error["message"]


def test_a_bad_booking_body_is_a_400_envelope(tmp_path: Path) -> None:
    with face(memory_settings(tmp_path)) as f:
        headers = f.auth("default")
        for body in ("not json", "[]", json.dumps({"email": AGENT, "start": "soon",
                                                    "minutes": 30})):
            answer = f.client.post(f"{T}/meetings", headers={**headers,
                                   "Content-Type": "application/json"}, content=body)
            assert answer.status_code == 400, body
            assert answer.json()["error"]["category"] == "validation"
        past = f.client.post(f"{T}/meetings", headers=headers, json={
            "email": AGENT, "start": "2020-01-01T10:00", "minutes": 30})
        assert past.status_code == 400 and "in the past" in past.json()["error"]["message"]
        unmapped = f.client.post(f"{T}/meetings", headers=headers, json={
            "email": "nobody@example.com", "start": "2999-01-01T10:00", "minutes": 30})
        assert unmapped.status_code == 404 and "not mapped" in unmapped.json()["error"]["message"]


def test_an_unknown_route_is_a_404_envelope(tmp_path: Path) -> None:
    with face(memory_settings(tmp_path)) as f:
        answer = f.client.get("/api/v1/nothing-here")
        assert answer.status_code == 404 and answer.json()["error"]["category"] == "not_found"


# --- every error category, raised by an adapter, through the app ---------------------------

CATEGORIES: list[tuple[errors.WfmError, int]] = [
    (errors.InvalidInputError("bad"), 400),
    (errors.AuthError.invalid_key("memory_fake"), 401),
    (errors.NotFoundError("gone"), 404),
    (errors.ConflictError("clash"), 409),
    (errors.BusyError("busy"), 409),
    (errors.RateLimitedError("slow down", datetime(2030, 1, 1, tzinfo=UTC)), 429),
    (errors.UnavailableError("down"), 503),
    (errors.OutcomeUnknownError("unknown"), 503),
    (errors.ProviderResponseError("garbled"), 502),
    (errors.IntegrityError("tampered"), 503),
    (errors.NotSupportedError("never"), 400),
    (errors.WfmError("root"), 500),
]


class _FailingDirectory:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def list_employees(self) -> list[Employee]:
        raise self.error

    def find_by_email(self, email: str) -> Employee | None:
        raise self.error


class _Failing:
    def __init__(self, error: Exception) -> None:
        self.error = error

    @hookimpl
    def wfm_register_adapters(self, registry: AdapterRegistry) -> None:
        registry.add(
            PortKind.DIRECTORY, "failing", lambda ctx: _FailingDirectory(self.error),
            plugin="tests",
        )


@pytest.mark.parametrize(
    ("error", "status"), CATEGORIES, ids=[type(e).__name__ for e, _ in CATEGORIES]
)
def test_each_error_category_has_its_status_and_the_envelope(
    tmp_path: Path, error: errors.WfmError, status: int
) -> None:
    settings = memory_settings(tmp_path, directory="failing")
    with face(settings, plugins=(_Failing(error),)) as f:
        answer = f.client.get(f"{T}/mapping", headers=f.auth("default"))
    assert answer.status_code == status == status_for(error)
    assert answer.json() == {"error": {"category": error.category, "message": error.message}}
    if isinstance(error, errors.RateLimitedError):
        assert answer.headers["Retry-After"] == "Tue, 01 Jan 2030 00:00:00 GMT"


def test_an_unexpected_exception_is_a_500_envelope_without_internals(tmp_path: Path) -> None:
    settings = memory_settings(tmp_path, directory="failing")
    failing = (_Failing(KeyError("secret-internal-detail")),)
    with face(settings, plugins=failing, raise_server_exceptions=False) as f:
        answer = f.client.get(f"{T}/mapping", headers=f.auth("default"))
    assert answer.status_code == 500
    assert answer.json()["error"]["category"] == "internal"
    assert "secret-internal-detail" not in answer.text


def test_every_category_of_the_hierarchy_has_a_status() -> None:
    categories = {cls.category for cls in _subclasses(errors.WfmError)} - {"error"}
    assert categories <= set(STATUS_BY_CATEGORY)


def _subclasses(cls: type[errors.WfmError]) -> set[type[errors.WfmError]]:
    found: set[type[errors.WfmError]] = set(cls.__subclasses__())
    return found.union(*(_subclasses(c) for c in found)) if found else found
