"""Request shapes of the JSON API, and the answers that have no CLI command (whoami, health).

Every other answer is the CLI's: shaped by ``host/shapes.py`` and declared with the model of
``host/cli/schemas.py`` for the same command, so a script can move from ``wfm ... --json`` to
the HTTP face without reshaping anything.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from wfm_bridge.ports.errors import InvalidInputError


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


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
    force: bool = Field(
        False,
        description="Book off schedule (outside the agent's available time); still never "
        "deletes or trims anything.",
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

