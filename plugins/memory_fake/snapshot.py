"""The JSON file format of a persisted fake WFM tenant (people, types, activities, scores).

Activities are the bulk of the file, so they are stored as compact rows
``[id, agent_id, type_id, start_us, end_us, description]`` with times in integer microseconds
since the epoch (exact, UTC) and decoded only when someone needs them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from pydantic import TypeAdapter, ValidationError

from wfm_bridge.ports.errors import IntegrityError
from wfm_bridge.ports.models import Activity, ActivityType, ProviderPerson, ScorePush, Team

FORMAT = 1
RESET_HINT = "run `wfm demo reset` to restore the demo data"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_PEOPLE = TypeAdapter(list[ProviderPerson])
_TYPES = TypeAdapter(list[ActivityType])
_SCORES = TypeAdapter(list[ScorePush])
_TEAMS = TypeAdapter(list[Team])
_ACTIVITIES = TypeAdapter(list[Activity])

Row = list[Any]  # [id, agent_id, type_id, start_us, end_us, description]


@dataclass
class Snapshot:
    """Everything the fake server holds for one tenant; activities may still be raw rows."""

    anchor: date | None
    people: list[ProviderPerson]
    activity_types: list[ActivityType]
    activity_rows: list[Row]
    scores: list[ScorePush] = field(default_factory=list)
    score_batches: list[list[str]] = field(default_factory=list)
    deleted_ids: list[str] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)

    def activities(self) -> list[Activity]:
        """The activities, decoded and validated."""
        return decode_activities(self.activity_rows)


class ActivityLike(Protocol):
    """Anything with an activity's fields (an ``Activity`` or a generated demo row)."""

    @property
    def id(self) -> str: ...
    @property
    def agent_id(self) -> str: ...
    @property
    def type_id(self) -> str: ...
    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...
    @property
    def description(self) -> str: ...


def encode_activities(activities: Iterable[ActivityLike]) -> list[Row]:
    """Activities as compact rows (exact microsecond times)."""
    return [
        [
            a.id,
            a.agent_id,
            a.type_id,
            (a.start - _EPOCH) // _US,
            (a.end - _EPOCH) // _US,
            a.description,
        ]
        for a in activities
    ]


def decode_activities(rows: list[Row]) -> list[Activity]:
    """Rows back to validated activities (UTC times)."""
    try:
        return _ACTIVITIES.validate_python(
            [
                {
                    "id": r[0],
                    "agent_id": r[1],
                    "type_id": r[2],
                    "start": _EPOCH + r[3] * _US,
                    "end": _EPOCH + r[4] * _US,
                    "description": r[5],
                }
                for r in rows
            ]
        )
    except (ValidationError, IndexError, TypeError, KeyError, OverflowError) as exc:
        raise IntegrityError(f"the demo data file holds a broken activity; {RESET_HINT}") from exc


def dumps(snapshot: Snapshot) -> bytes:
    """The snapshot as compact JSON bytes."""
    doc = {
        "format": FORMAT,
        "anchor": snapshot.anchor.isoformat() if snapshot.anchor else None,
        "people": _PEOPLE.dump_python(snapshot.people, mode="json"),
        "activity_types": _TYPES.dump_python(snapshot.activity_types, mode="json"),
        "activities": snapshot.activity_rows,
        "scores": _SCORES.dump_python(snapshot.scores, mode="json"),
        "score_batches": snapshot.score_batches,
        "deleted_ids": snapshot.deleted_ids,
        "teams": _TEAMS.dump_python(snapshot.teams, mode="json"),
    }
    return json.dumps(doc, separators=(",", ":")).encode()


def loads(raw: bytes, source: str) -> Snapshot:
    """Parse a snapshot; ``IntegrityError`` naming ``source`` when it is damaged."""
    try:
        doc = json.loads(raw)
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError("unknown format")
        rows = doc["activities"]
        if not isinstance(rows, list) or not all(isinstance(r, list) and len(r) == 6 for r in rows):
            raise ValueError("activities must be rows of 6 fields")
        return Snapshot(
            anchor=date.fromisoformat(doc["anchor"]) if doc.get("anchor") else None,
            people=_PEOPLE.validate_python(doc["people"]),
            activity_types=_TYPES.validate_python(doc["activity_types"]),
            activity_rows=rows,
            scores=_SCORES.validate_python(doc["scores"]),
            score_batches=[list(map(str, b)) for b in doc["score_batches"]],
            deleted_ids=[str(i) for i in doc["deleted_ids"]],
            teams=_TEAMS.validate_python(doc.get("teams", [])),  # files from before teams
        )
    except (ValueError, KeyError, TypeError) as exc:  # ValidationError is a ValueError
        raise IntegrityError(
            f"the demo data file {source} is damaged or from another version; {RESET_HINT}"
        ) from exc
