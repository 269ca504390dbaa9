"""The JSON schema of every `wfm ... --json` output, as strict pydantic models.

``SCHEMAS`` maps a command (its words, e.g. ``"meetings book"``) to the model its ``--json``
output validates against; ``ERROR`` is what any command prints on stdout when it fails with
``--json``. Unknown keys are refused, times must be UTC ``...Z``, agents and employees are
``Person``s. tests/e2e/test_json_schemas.py runs every command of the app with ``--json``
and validates its output here. ``python -m wfm_bridge.host.cli.schemas [COMMAND]`` prints the
JSON Schema documents.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

UtcTime = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$")]
Day = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d\d-\d\d$")]


class Out(BaseModel):
    """Base of every output model: strict types, no unknown keys."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Person(Out):
    """An agent or employee: the one shape (fields not known are null)."""

    host_id: str | None
    name: str | None
    email: str | None
    agent_id: str | None


class Listing(Out):
    """A list: ``items`` and their ``count``."""

    count: int


# --- plugins, mapping, activity types --------------------------------------------------------


class Adapter(Out):
    plugin: str
    port: str
    adapter: str
    about: str


class ProviderRow(Out):
    provider: str
    plugin: str
    credentials: list[str]
    secret_credentials: list[str]
    capabilities: list[str]


class Plugins(Out):
    plugins: list[str]
    adapters: list[Adapter]
    providers: list[ProviderRow]


class Mapping(Out):
    employee: Person
    status: str
    rule: str | None
    agent: Person | None
    reason: str | None


class MappingShow(Listing):
    items: list[Mapping]
    mapped: int
    unmapped: int
    cache_refreshed_at: UtcTime | None


class Check(Out):
    rule: str
    matched: bool
    detail: str


class MappingExplain(Mapping):
    checks: list[Check]
    cache_refreshed_at: UtcTime | None


class MappingRefresh(Out):
    tenant: str
    cache_refreshed_at: UtcTime


class ActivityType(Out):
    id: str
    name: str
    short_name: str | None
    color: str | None
    font_color: str | None
    productive: bool | None
    time_off: bool | None
    interruptible: bool | None


class ActivityTypes(Listing):
    items: list[ActivityType]
    cache_refreshed_at: UtcTime | None


# --- schedules, meetings, slots --------------------------------------------------------------


class Block(Out):
    start: UtcTime
    end: UtcTime
    activity: str
    activity_id: str
    activity_type_id: str
    color: str | None
    description: str
    created_here: bool
    availability: Literal["available", "busy", "break", "time_off"]


class Day_(Out):
    date: Day  # in the employee's timezone
    blocks: list[Block]
    off_duty: bool  # no available time on this date (always false without shifts)


class EmployeeSchedule(Out):
    employee: Person
    timezone: str  # the IANA zone of this employee's dates (theirs with --tz agent)
    days: list[Day_]


class Unmapped(Out):
    employee: Person
    reason: str


class Schedule(Out):
    start: Day
    days: int
    timezone: str  # the viewer's zone, or "agent": each employee's own
    employees: list[EmployeeSchedule]
    unmapped: list[Unmapped]
    basis: str  # "shifts", or the working hours standing in for them
    partial: bool


class Companion(Out):
    id: str
    agent_id: str


class Meeting(Out):
    id: str
    tenant: str
    agent: Person
    start: UtcTime
    end: UtcTime
    title: str
    description: str
    facilitator: str | None
    facilitator_id: str | None
    facilitator_person_id: str | None
    provider_activity_id: str | None
    companions: list[Companion]
    status: str
    idempotency_key: str | None
    created_at: UtcTime
    cancelled_at: UtcTime | None


class MeetingOut(Meeting):
    timezone: str
    notes: list[str]


class ListedMeeting(Meeting):
    # with --verify, what the provider holds of a BOOKED meeting: "present", "gone" (not
    # found over its time; the record is unchanged) or "partial"; null when not checked
    in_provider: Literal["present", "gone", "partial"] | None


class Meetings(Listing):
    items: list[ListedMeeting]
    timezone: str
    verified: bool  # whether BOOKED meetings were checked against the provider (--verify)


class Reconciled(Listing):
    items: list[Meeting]
    timezone: str
    swept: int


class Team(Out):
    id: str
    name: str


class Teams(Listing):
    items: list[Team]


class Slot(Out):
    start: UtcTime
    end: UtcTime
    rank: int
    reason: str


class Slots(Listing):
    items: list[Slot]
    agent: Person
    timezone: str  # the agent's zone: days and working hours are counted there
    minutes: int
    basis: str
    staffing: str
    days_without_slot: dict[str, str]


# --- scores and export -----------------------------------------------------------------------


class Score(Out):
    evaluation_id: str
    agent: Person
    score: float
    max_score: float
    scorecard: str
    evaluated_at: UtcTime
    updated_at: UtcTime


class ListedScore(Score):
    export: str


class Scores(Listing):
    items: list[ListedScore]
    tenant: str


class Seeded(Out):
    recorded: int
    employees: int


class Cursor(Out):
    updated_at: UtcTime
    evaluation_id: str


class HeldScore(Out):
    evaluation_id: str
    agent: Person
    reason: str
    updated_at: UtcTime


class Push(Out):
    evaluation_id: str
    agent_id: str
    score: float
    max_score: float
    scorecard: str
    evaluated_at: UtcTime
    updated_at: UtcTime


class Report(Out):
    tenant: str
    dry_run: bool
    sent: int
    batches: int
    sent_from_pending: int
    pending_unmapped: int
    unmapped: list[HeldScore]
    checkpoint: Cursor | None
    stopped_early: bool
    started_at: UtcTime
    finished_at: UtcTime | None
    preview: list[Push]


class RunRecord(Out):
    model_config = ConfigDict(extra="allow", strict=True)  # the ledger's record, as stored

    outcome: str
    started_at: UtcTime | None = None
    finished_at: UtcTime | None = None


class Status(Out):
    tenant: str
    checkpoint: Cursor | None
    running: bool
    backlog: int
    pending_unmapped: int
    unmapped: list[HeldScore]
    last_run: RunRecord | None
    last_success: RunRecord | None
    last_error: dict[str, Any] | None
    not_available: dict[str, Any] | None  # standing: stopped until the config changes
    next_run: UtcTime


class TenantStanding(Out):
    tenant: str
    last_run: RunRecord | None  # the export's own record of its last run
    worker: str | None  # the fleet worker that finished the tenant's last round
    running_on: str | None  # the worker holding a live lease now
    next_due: UtcTime  # in the past: overdue


class FleetStatus(Listing):
    """`export status --all --json`: where every tenant with a key stands in the fleet."""

    items: list[TenantStanding]


class TenantError(Out):
    category: str
    message: str


class TenantOutcome(Out):
    tenant: str
    report: Report | None
    error: TenantError | None


class WorkerCycle(Listing):
    """One line of `export worker --json` (JSON Lines: one object per cycle)."""

    items: list[TenantOutcome]
    cycle: int
    next_run: UtcTime


# --- auth, demo, emulator, errors ------------------------------------------------------------


class KeyStored(Out):
    tenant: str
    provider: str
    fingerprint: str
    fingerprints: dict[str, str]
    validated_at: UtcTime | None
    master_key_id: str | None


class KeyStatus(Out):
    tenant: str
    provider: str
    fields: list[str]
    fingerprint: str | None
    fingerprints: dict[str, str]
    validated_at: UtcTime | None
    master_key_id: str | None
    one_to_ones_ready: bool | None
    one_to_ones: str
    score_export_stopped: str | None


class KeyStatuses(Listing):
    items: list[KeyStatus]


class KeyRemoved(Out):
    tenant: str
    provider: str
    removed: bool


class Rotation(Out):
    new_master_key_id: str | None
    generated: str | None
    reencrypted: int
    already_current: int
    dropped_master_keys: list[str]
    removable_master_keys: list[str]


class TourStep(Out):
    command: str
    exit_code: int
    output: dict[str, Any] | None


class Tour(Listing):
    items: list[TourStep]
    provider: str
    tenant: str


class DemoReset(Out):
    tenant: str
    agents: int
    activities: int
    first_day: Day | None
    last_day: Day | None


class Emulator(Out):
    base_url: str
    api_key: str | None
    seed: str
    schedules_from: Day | None


class Serving(Out):
    url: str
    provider: str
    api: str
    openapi: str
    pages: str


class TokenCreated(Out):
    token: str
    id: str
    tenant: str
    created_at: UtcTime


class TokenInfo(Out):
    id: str
    tenant: str
    created_at: UtcTime
    label: str


class Tokens(Listing):
    items: list[TokenInfo]


class TokenRevoked(Out):
    id: str
    tenant: str
    revoked: bool


class GenesysEmulator(Out):
    base_url: str
    client_id: str | None
    seed: str
    schedules_from: Day | None


class ErrorBody(Out):
    category: str
    message: str
    exit_code: int


class Error(Out):
    """What a command run with ``--json`` prints on stdout when it fails."""

    error: ErrorBody


ERROR = Error
SCHEMAS: dict[str, type[Out]] = {
    "plugins": Plugins,
    "mapping show": MappingShow,
    "mapping explain": MappingExplain,
    "mapping refresh": MappingRefresh,
    "schedule": Schedule,
    "activity-types": ActivityTypes,
    "teams": Teams,
    "meetings book": MeetingOut,
    "meetings cancel": MeetingOut,
    "meetings list": Meetings,
    "meetings reconcile": Reconciled,
    "slots": Slots,
    "scores add": Score,
    "scores seed": Seeded,
    "scores list": Scores,
    "export run": Report,
    "export status": Status,
    "export worker": WorkerCycle,
    "auth set-key": KeyStored,
    "auth status": KeyStatuses,
    "auth remove": KeyRemoved,
    "auth rotate-master-key": Rotation,
    "demo": Tour,
    "demo reset": DemoReset,
    "emulator serve assembled": Emulator,
    "emulator serve genesys": GenesysEmulator,
    "serve": Serving,
    "serve token create": TokenCreated,
    "serve token list": Tokens,
    "serve token revoke": TokenRevoked,
}
# Options that change a command's shape: the command's words and the option.
VARIANTS: dict[str, type[Out]] = {
    "export status --all": FleetStatus,
}
# Commands that exist only to refuse (exit 2): their --json output is ``ERROR``.
REFUSALS = ("meetings modify", "meetings bulk-create", "meetings bulk-delete",
            "meetings sync-shifts")


def schema_of(command: str) -> type[Out]:
    """The output model of ``command`` (its words, or a variant's words and option);
    ``ERROR`` for the refusing commands."""
    if command in REFUSALS:
        return ERROR
    return VARIANTS[command] if command in VARIANTS else SCHEMAS[command]


def validate(command: str, data: object) -> Out:
    """``data`` (parsed ``--json`` output of ``command``) checked against its schema."""
    return schema_of(command).model_validate(data)


def main(argv: list[str]) -> int:
    """Print the JSON Schema of the commands named (default: all, and the error object)."""
    names = [" ".join(argv)] if argv else [*SCHEMAS, *VARIANTS, "error"]
    docs = {n: (ERROR if n == "error" else schema_of(n)).model_json_schema() for n in names}
    print(json.dumps(docs, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
