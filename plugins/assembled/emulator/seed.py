"""Seeding the emulator: product DTOs to Assembled wire shapes, and the shared demo org.

``seed_demo`` loads the very organisation the in-memory fake serves (plugins/memory_fake/
demo.py), so the CLI demo behaves the same against ``memory_fake``
and against the emulator.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date
from typing import Any

from wfm_bridge.plugins.assembled.emulator.ledger import WireDict
from wfm_bridge.plugins.assembled.emulator.state import (
    PRODUCTIVE_CHANNELS,
    EmulatorState,
    occurrence_key,
)
from wfm_bridge.plugins.assembled.wire import to_unix
from wfm_bridge.ports.models import Activity, ActivityType, ProviderPerson, Team

CREATED_AT = 1_700_000_000


def person_wire(p: ProviderPerson) -> dict[str, Any]:
    """A ProviderPerson as Assembled's Person (inactive -> ``deleted: true``)."""
    return {
        "id": p.person_id,
        "agent_id": p.agent_id,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "email": p.email,
        "imported_id": None,
        "timezone": p.timezone,
        "teams": list(p.team_ids),
        "site": None,
        "platforms": {},
        "deleted": not p.active,
        "staffable": True,
        "created_at": CREATED_AT,
    }


def team_wire(t: Team) -> dict[str, Any]:
    """A Team as the emulator serves it from ``GET /v0/teams`` (an assumed shape)."""
    return {"id": t.id, "name": t.name}


def activity_type_wire(t: ActivityType) -> dict[str, Any]:
    """An ActivityType as Assembled's ActivityType: productive types carry channels (the
    official client's doc: non-empty when productive); ``productive`` and ``timeoff`` are
    mutually exclusive."""
    productive = bool(t.productive)
    return {
        "id": t.id,
        "name": t.name,
        "short_name": t.short_name,
        "productive": productive,
        "timeoff": not productive and t.name.lower() == "time off",
        "channels": list(PRODUCTIVE_CHANNELS) if productive else [],
        "background_color": t.color,
        "font_color": t.font_color,
        "import_id": None,
    }


def activity_wire(a: Activity) -> dict[str, Any]:
    """An Activity as Assembled's Activity (unix seconds, ``id_with_timestamps``)."""
    wire: dict[str, Any] = {
        "id": a.id,
        "agent_id": a.agent_id,
        "type_id": a.type_id,
        "start_time": to_unix(a.start),
        "end_time": to_unix(a.end, up=True),
        "description": a.description,
        "created_at": CREATED_AT,
        "updated_at": CREATED_AT,
    }
    wire["id_with_timestamps"] = occurrence_key(wire)
    return wire


def seed(
    state: EmulatorState,
    people: Iterable[ProviderPerson] = (),
    activity_types: Iterable[ActivityType] = (),
    activities: Iterable[Activity] = (),
    teams: Iterable[Team] = (),
) -> None:
    """Load DTOs into the emulator, ids as given."""
    state.load(
        [person_wire(p) for p in people],
        [activity_type_wire(t) for t in activity_types],
        [activity_wire(a) for a in activities],
        [team_wire(t) for t in teams],
    )


def seed_demo(state: EmulatorState, today: date, anchor: date | None = None) -> date:
    """Load the demo organisation (same people, types and schedules as memory_fake).

    ``anchor`` (a Monday) defaults to ``demo_anchor(today)``, as memory_fake's; returns it.
    """
    from wfm_bridge.plugins.memory_fake.demo import demo_anchor

    anchor = anchor or demo_anchor(today)
    state.load(*_demo_records(anchor))
    return anchor


@functools.lru_cache(maxsize=4)
def _demo_records(
    anchor: date,
) -> tuple[list[WireDict], list[WireDict], list[WireDict], list[WireDict]]:
    """The demo org in wire shapes, built once per anchor (``load`` copies the records)."""
    from wfm_bridge.plugins.memory_fake.demo import (
        ACTIVITY_TYPES,
        demo_activities,
        demo_people,
        demo_teams,
    )

    return (
        [person_wire(p) for p in demo_people()],
        [activity_type_wire(t) for t in ACTIVITY_TYPES],
        [activity_wire(a) for a in demo_activities(anchor)],
        [team_wire(t) for t in demo_teams()],
    )
