"""Request and answer shapes of the JSON API that are not port DTOs (those are used as-is).

Each mirrors what the CLI's ``--json`` prints for the same use case, so a script can move
from ``wfm ... --json`` to the HTTP face without reshaping anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from wfm_bridge.ports.errors import InvalidInputError


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Slot(_Shape):
    """One free start time and the end a meeting of the asked length would have."""

    start: AwareDatetime
    end: AwareDatetime


class SlotsAnswer(_Shape):
    """Free start times for a 1:1 (``wfm slots --json``)."""

    agent: str
    timezone: str
    minutes: int
    slots: list[Slot]


class RefreshAnswer(_Shape):
    """When a cache was refreshed."""

    tenant: str
    refreshed_at: AwareDatetime


class AuthStatusRow(_Shape):
    """The tenant's key, never the key itself (``wfm auth status --json``, one row)."""

    tenant: str
    provider: str
    fields: list[str]
    fingerprint: str | None
    fingerprints: dict[str, str]
    validated_at: str | None
    master_key_id: str | None
    one_to_ones_ready: bool | None
    one_to_ones: str
    score_export_stopped: str | None


class WhoAmI(_Shape):
    """Which tenant the caller's token belongs to."""

    tenant: str
    token_id: str
    provider: str


class Health(_Shape):
    """The server is up."""

    status: str


class BookRequest(_Shape):
    """A 1:1 to book (``wfm meetings book``)."""

    email: str = Field(description="The agent's email.", max_length=320)
    start: str = Field(
        description="ISO 8601 start; without an offset it is read in the `tz` zone.",
        examples=["2025-06-03T14:00"],
        max_length=64,
    )
    minutes: int = Field(description="Length in minutes.", ge=1, le=24 * 60)
    description: str = Field("", description="Shown after the title.", max_length=2000)
    facilitator: str | None = Field(None, description="Who books it (email).", max_length=320)
    key: str | None = Field(
        None,
        description="Idempotency key: repeating a booking with it never doubles it.",
        max_length=256,
    )


def parse_start(text: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 start; without an offset it is read in ``zone``."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInputError(
            f"start {text!r} is not an ISO 8601 time; give e.g. 2025-06-03T14:00"
        ) from exc
    return when.replace(tzinfo=zone) if when.tzinfo is None else when


JsonObject = dict[str, Any]
