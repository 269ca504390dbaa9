"""EmulatorState: the stateful heart of the Assembled emulator, in wire shapes.

It keeps people, activity types, activities (keyed by ``id_with_timestamps``) and QA scores,
and applies Assembled's real semantics, dangerous ones included: creating without
``allow_conflicts`` deletes the agent's overlapping activities; the window delete removes,
trims and splits. Every change lands in the ledger, which tests read to prove what the adapter
did.
Operations raise ``Rejected`` (an HTTP status and message) for what Assembled answers with an
error. Thread-safe: the HTTP app and tests may touch it concurrently.
"""

from __future__ import annotations

import bisect
import json
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeGuard

from wfm_bridge.plugins.assembled.emulator.ledger import Ledger, WireDict
from wfm_bridge.plugins.emulation.responses import Rejected

PRODUCTIVE_CHANNELS = ("phone", "email", "chat")  # our assumption: which channels a type has


def occurrence_key(activity: Mapping[str, Any]) -> str:
    """``id_with_timestamps``: ``<id>-<start>-<end>``."""
    return f"{activity['id']}-{activity['start_time']}-{activity['end_time']}"


class EmulatorState:
    """One emulated Assembled account."""

    def __init__(self, *, wall_clock: Callable[[], float] = time.time) -> None:
        self.lock = threading.RLock()
        self._wall = wall_clock
        self.people: dict[str, WireDict] = {}
        self.teams: dict[str, WireDict] = {}
        self.activity_types: dict[str, WireDict] = {}
        self.activities: dict[str, WireDict] = {}  # occurrence key -> activity
        # Per agent: (start_time, key) sorted, and the longest activity, so a window query
        # bisects instead of scanning; serialized activities are cached for big answers.
        self._by_agent: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
        self._longest: defaultdict[str, int] = defaultdict(int)
        self._json: dict[str, bytes] = {}
        self.scores: dict[str, WireDict] = {}  # external id -> latest row
        self.score_id_field = "conversation_external_id"
        self.ledger = Ledger()

    # --- loading ---------------------------------------------------------------------

    def load(
        self,
        people: Iterable[WireDict] = (),
        activity_types: Iterable[WireDict] = (),
        activities: Iterable[WireDict] = (),
        teams: Iterable[WireDict] = (),
    ) -> None:
        """Add wire-shaped records as given (ids kept); the ledger is not touched."""
        with self.lock:
            for p in people:
                self.people[p["id"]] = dict(p)
            for team in teams:
                self.teams[team["id"]] = dict(team)
            for t in activity_types:
                kind = dict(t)
                if kind.get("productive") and not kind.get("channels"):
                    kind["channels"] = list(PRODUCTIVE_CHANNELS)  # productive => channels
                self.activity_types[t["id"]] = kind
            for a in activities:
                self._put(dict(a))

    def clear(self) -> None:
        """Forget everything, ledger included."""
        with self.lock:
            self.people.clear()
            self.teams.clear()
            self.activity_types.clear()
            self.activities.clear()
            self._by_agent.clear()
            self._longest.clear()
            self._json.clear()
            self.scores.clear()
            self.ledger = Ledger()

    # --- reads -----------------------------------------------------------------------

    def people_page(self, limit: int, offset: int) -> WireDict:
        """``GET /v0/people``: a page in stable (insertion) order, with ``total``."""
        with self.lock:
            ordered = list(self.people.values())
            page = ordered[offset : offset + limit]
            return {
                "people": {p["id"]: p for p in page},
                "total": len(ordered),
                "limit": limit,
                "offset": offset,
            }

    def teams_page(self) -> WireDict:
        """``GET /v0/teams``: every team, keyed by id."""
        with self.lock:
            return {"teams": dict(self.teams)}

    def activity_types_page(self) -> WireDict:
        """``GET /v0/activity_types``."""
        with self.lock:
            return {"activity_types": dict(self.activity_types)}

    def activities_in(
        self, start: int, end: int, agents: list[str] | None, types: list[str] | None
    ) -> WireDict:
        """``GET /v0/activities``: activities overlapping ``[start, end)``, unclipped."""
        with self.lock:
            return {
                "activities": {
                    k: self.activities[k] for k in self._query(start, end, agents, types)
                }
            }

    def agents_of(self, activities: Iterable[Mapping[str, Any]]) -> WireDict:
        """``include_agents``: the people (by ``agent_id``) the activities belong to."""
        with self.lock:
            wanted = {a["agent_id"] for a in activities}
            return {p["agent_id"]: p for p in self.people.values() if p.get("agent_id") in wanted}

    def activities_json(
        self, start: int, end: int, agents: list[str] | None, types: list[str] | None
    ) -> bytes:
        """The same answer, serialized from each activity's JSON (made when it was stored: a
        big schedule is answered without serializing 100k objects on every query)."""
        with self.lock:
            keys, entries = self._query(start, end, agents, types), self._json
            parts = [entries.get(k) or self._entry(k) for k in keys]
            return b'{"activities":{' + b",".join(parts) + b"}}"

    def _entry(self, k: str) -> bytes:
        """``"<key>":{...}``, compact, as it appears in an activities answer."""
        entry = self._json[k] = (
            json.dumps(k) + ":" + json.dumps(self.activities[k], separators=(",", ":"))
        ).encode()
        return entry

    def _query(
        self, start: int, end: int, agents: list[str] | None, types: list[str] | None
    ) -> list[str]:
        if end <= start:
            raise Rejected(400, "end_time must be after start_time")
        wanted_types = set(types) if types else None
        found = []
        for agent in dict.fromkeys(agents) if agents else list(self._by_agent):
            for a in self._overlapping(agent, start, end):
                if wanted_types is None or a["type_id"] in wanted_types:
                    found.append(a["id_with_timestamps"])
        return found

    # --- writes ----------------------------------------------------------------------

    def create(self, body: Mapping[str, Any], *, allow_conflicts_default: bool = False) -> WireDict:
        """``POST /v0/activities``. Without ``allow_conflicts`` overlapping ones are DELETED."""
        with self.lock:
            fields = self._check_new(body)
            if not body.get("allow_conflicts", allow_conflicts_default):
                for other in self._overlapping(
                    fields["agent_id"], fields["start_time"], fields["end_time"]
                ):
                    self._remove(occurrence_key(other), "conflict")
            return self._insert(fields)

    def bulk(self, body: Mapping[str, Any]) -> WireDict:
        """``POST /v0/activities/bulk``: all items or none (one transaction)."""
        items = body.get("activities")
        if not isinstance(items, list) or not items:
            raise Rejected(400, "activities must be a non-empty list")
        with self.lock:
            plan: list[tuple[str, Any]] = []
            for item in items:
                action = item.get("action") if isinstance(item, dict) else None
                activity = item.get("activity") if isinstance(item, dict) else None
                if action not in ("create", "update", "delete") or not isinstance(activity, dict):
                    raise Rejected(400, "each item needs an action and an activity object")
                if action == "create":
                    plan.append(("create", self._check_new(activity)))
                    continue
                activity_id = activity.get("id")
                if not self._keys_of(activity_id):
                    raise Rejected(400, f"invalid activity id {activity_id!r}")
                if action == "delete":
                    plan.append(("delete", activity_id))
                else:
                    plan.append(("update", activity))
            changed: dict[str, WireDict] = {}
            for action, payload in plan:
                if action == "create":
                    created = self._insert(payload)
                    changed[occurrence_key(created)] = created
                elif action == "delete":
                    for k in self._keys_of(payload):
                        self._remove(k, "bulk delete by id")
                else:
                    for updated in self._update(payload):
                        changed[occurrence_key(updated)] = updated
            return {"activities": changed}

    def delete_window(self, body: Mapping[str, Any]) -> None:
        """``DELETE /v0/activities``: only time inside the window goes. Activities inside it
        are deleted, partial overlaps TRIMMED, and one that encloses the window is SPLIT into
        its parts before and after it. Unknown agent ids: 400, nothing deleted."""
        agents = body.get("agent_ids")
        start, end = body.get("start_time"), body.get("end_time")
        if not isinstance(agents, list) or not _is_int(start) or not _is_int(end):
            raise Rejected(400, "agent_ids, start_time and end_time are required")
        if end <= start:
            raise Rejected(400, "end_time must be after start_time")
        with self.lock:
            known = {p.get("agent_id") for p in self.people.values()}
            unknown = [a for a in agents if not isinstance(a, str) or a not in known]
            if unknown:
                raise Rejected(400, f"invalid agent_ids: {unknown[:5]!r}")
            for agent in agents:
                for a in self._overlapping(agent, start, end):
                    self._cut(a, start, end)

    def _cut(self, a: WireDict, start: int, end: int) -> None:
        """Remove ``[start, end)`` from one activity: delete, trim or split it."""
        k = occurrence_key(a)
        before = a["start_time"] < start
        after = a["end_time"] > end
        if not before and not after:
            self._remove(k, "window delete")
            return
        left = {**a, "end_time": start} if before else None
        right = {**a, "start_time": end} if after else None
        if left is not None and right is not None:  # the window lies inside: split in two
            self._replace(k, left)
            right["id"] = str(uuid.uuid4())  # our assumption: the part after is a new activity
            self._put(right)
            self.ledger.trimmed.append((dict(a), dict(right)))
            return
        self._replace(k, left or right or a)

    def push_scores(self, rows: list[Any]) -> int:
        """Upsert score rows by their external id; returns how many were accepted."""
        with self.lock:
            for row in rows:
                if not isinstance(row, dict) or not row.get(self.score_id_field):
                    raise Rejected(400, f"every score needs {self.score_id_field}")
            for row in rows:
                self.scores[str(row[self.score_id_field])] = dict(row)
            self.ledger.pushed.append([dict(r) for r in rows])
            return len(rows)

    # --- internals -------------------------------------------------------------------

    def _check_new(self, body: Mapping[str, Any]) -> WireDict:
        agent, type_id = body.get("agent_id"), body.get("type_id")
        start, end = body.get("start_time"), body.get("end_time")
        if not _is_int(start) or not _is_int(end) or end <= start:
            raise Rejected(400, "start_time and end_time must be unix seconds, start < end")
        if not any(p.get("agent_id") == agent for p in self.people.values()) or not agent:
            raise Rejected(400, f"invalid agent_id {agent!r}")
        if type_id not in self.activity_types:
            raise Rejected(400, f"invalid type_id {type_id!r}")
        description = body.get("description") or ""
        if not isinstance(description, str):
            raise Rejected(400, "description must be a string")
        return {
            "agent_id": agent,
            "type_id": type_id,
            "start_time": start,
            "end_time": end,
            "description": description,
        }

    def _insert(self, fields: Mapping[str, Any]) -> WireDict:
        now = int(self._wall())
        activity = {"id": str(uuid.uuid4()), **fields, "created_at": now, "updated_at": now}
        self._put(activity)
        self.ledger.created.append(dict(activity))
        return dict(activity)

    def _update(self, patch: Mapping[str, Any]) -> list[WireDict]:
        out = []
        for k in self._keys_of(patch["id"]):
            updated = dict(self.activities[k])
            for name in ("type_id", "start_time", "end_time", "description"):
                if name in patch:
                    updated[name] = patch[name]
            updated["updated_at"] = int(self._wall())
            out.append(self._replace(k, updated, record=False))
        return out

    def _put(self, activity: WireDict) -> None:
        activity["id_with_timestamps"] = occurrence_key(activity)
        k = activity["id_with_timestamps"]
        if k in self.activities:
            self._unindex(k)
        self.activities[k] = activity
        self._entry(k)
        agent = activity["agent_id"]
        bisect.insort(self._by_agent[agent], (activity["start_time"], k))
        length = activity["end_time"] - activity["start_time"]
        self._longest[agent] = max(self._longest[agent], length)

    def _unindex(self, k: str) -> WireDict:
        activity = self.activities.pop(k)
        self._json.pop(k, None)
        entries = self._by_agent[activity["agent_id"]]
        i = bisect.bisect_left(entries, (activity["start_time"], k))
        if i < len(entries) and entries[i] == (activity["start_time"], k):
            del entries[i]
        return activity

    def _remove(self, k: str, why: str) -> None:
        activity = self._unindex(k)
        self.ledger.deleted.append((dict(activity), why))

    def _replace(self, k: str, new: WireDict, *, record: bool = True) -> WireDict:
        before = self._unindex(k)
        self._put(new)
        if record:
            self.ledger.trimmed.append((dict(before), dict(new)))
        return dict(new)

    def _keys_of(self, activity_id: object) -> list[str]:
        if not isinstance(activity_id, str) or not activity_id:
            return []
        return [k for k, a in self.activities.items() if a["id"] == activity_id]

    def _overlapping(self, agent: str, start: int, end: int) -> list[WireDict]:
        entries = self._by_agent.get(agent)
        if not entries:
            return []
        lo = bisect.bisect_left(entries, (start - self._longest[agent], ""))
        hi = bisect.bisect_left(entries, (end, ""))
        return [a for _, k in entries[lo:hi] if (a := self.activities[k])["end_time"] > start]


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
