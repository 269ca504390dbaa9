"""The vendors a chaos run can be pointed at: each one's emulator, how `wfm` logs in to it,
and the vendor's own reading of what the emulator holds, for the vendor-neutral checks.

Every check compares the emulator's state with an oracle written apart from the product:

- people: host email -> agent id under the vendor's mapping rules (``expected_agents``);
- scores: Assembled stores one row per evaluation (a missing one is lost, one held twice is
  duplicated, one holding an older version is stale); Genesys stores one value per user,
  metric and day, the mean of the day's latest evaluations with their count (a missing day
  is lost, a count above the day's evaluations is doubled, below is lost, a wrong mean is
  stale);
- meetings: every booking of ours as ``{id, agent_id, start_time, end_time}`` by meeting id
  (Assembled: activities whose description ends with ``(ref mtg-...)``; Genesys: coaching
  appointments whose description carries the reference), and every other schedule activity
  as it was (nothing foreign deleted or changed).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from starlette.types import ASGIApp

from wfm_bridge.ports.models import QaScore

WireDict = dict[str, Any]
MARKER = re.compile(r"\(ref (mtg-[0-9a-f]+)\)$")


class Vendor:
    """What a chaos world needs to know about one vendor's emulator."""

    name: str
    login: str  # what `wfm auth set-key` reads from stdin
    emulator: Any

    def app(self) -> ASGIApp:
        """The emulator's ASGI app."""
        raise NotImplementedError

    def people(self) -> dict[str, WireDict]:
        """Everyone, as ``{agent_id, email, first_name, last_name, deleted, staffable}``."""
        raise NotImplementedError

    def reactivate(self, email: str) -> None:
        """Make the inactive person with this email active again."""
        raise NotImplementedError

    def score_problems(self, mappable: dict[str, tuple[QaScore, str]]) -> ScoreProblems:
        """How the stored scores differ from these evaluations (latest version, agent id)."""
        raise NotImplementedError

    def pushed(self) -> list[str]:
        """Every row or item pushed, as canonical text (repeats are re-sends)."""
        raise NotImplementedError

    def evaluation_pushes(self) -> Counter[str] | None:
        """How often each evaluation was pushed, where a push names its evaluations."""
        return None

    def bookings(self) -> dict[str, list[WireDict]]:
        """Our bookings by meeting id, as ``{id, agent_id, start_time, end_time}``."""
        raise NotImplementedError

    def foreign(self) -> dict[str, WireDict]:
        """Every schedule activity that is not a booking of ours, by a stable id."""
        raise NotImplementedError

    def deletions(self) -> list[tuple[WireDict, bool]]:
        """Everything deleted so far, each with whether it was ours."""
        raise NotImplementedError

    def foreign_ids(self) -> list[str]:
        """Ids the provider gives activities that are not ours (cancelling one is refused)."""
        raise NotImplementedError

    def trimmed(self) -> list[WireDict]:
        """Activities the emulator shortened or split (as they were before)."""
        return []


class ScoreProblems:
    """Evaluation ids (Assembled) or ``user/metric/day`` keys (Genesys) found wrong."""

    def __init__(self) -> None:
        self.lost: list[str] = []
        self.stale: list[str] = []
        self.duplicated: list[str] = []
        self.unexpected: list[str] = []


# --- Assembled ---------------------------------------------------------------------------------


class Assembled(Vendor):
    """The Assembled emulator: people, activities and score rows by evaluation."""

    name = "assembled"
    key = "sk_live_" + "c" * 32

    def __init__(self, today: date, anchor: date, rate: float, burst: int) -> None:
        from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig
        from wfm_bridge.plugins.assembled.emulator.seed import seed_demo

        self.login = self.key + "\n"
        self.emulator = Emulator(EmulatorConfig(keys=(self.key,), rate=rate, burst=burst))
        seed_demo(self.emulator.state, today, anchor=anchor)

    def app(self) -> ASGIApp:
        from wfm_bridge.plugins.assembled.emulator.app import build_app

        return build_app(self.emulator)

    def people(self) -> dict[str, WireDict]:
        with self.emulator.state.lock:
            return {k: dict(p) for k, p in self.emulator.state.people.items()}

    def reactivate(self, email: str) -> None:
        state = self.emulator.state
        with state.lock:
            for person in state.people.values():
                if person.get("email") == email:
                    person["deleted"] = False

    def score_problems(self, mappable: dict[str, tuple[QaScore, str]]) -> ScoreProblems:
        from wfm_bridge.plugins.assembled.wire import to_unix

        with self.emulator.state.lock:
            stored = [dict(r) for r in self.emulator.state.scores.values()]
        found = ScoreProblems()
        held = Counter(str(r.get("conversation_external_id")) for r in stored)
        rows = {str(r.get("conversation_external_id")): r for r in stored}
        found.duplicated = sorted(e for e, n in held.items() if n > 1)
        found.lost = sorted(set(mappable) - set(rows))
        found.unexpected = sorted(set(rows) - set(mappable))
        for e, (score, agent) in sorted(mappable.items()):
            expected = {  # the row the default Assembled score mapping sends
                "conversation_external_id": score.evaluation_id,
                "agent_id": agent,
                "score": score.score,
                "max_score": score.max_score,
                "scored_at": to_unix(score.evaluated_at),
                "rubric": score.scorecard,
                "source": "evaluagent",
            }
            if e in rows and rows[e] != expected:
                found.stale.append(e)
        return found

    def pushed_rows(self) -> list[WireDict]:
        """Every score row pushed, in order."""
        with self.emulator.state.lock:
            return [dict(r) for batch in self.emulator.state.ledger.pushed for r in batch]

    def pushed(self) -> list[str]:
        return [_canonical(r) for r in self.pushed_rows()]

    def evaluation_pushes(self) -> Counter[str] | None:
        return Counter(str(r["conversation_external_id"]) for r in self.pushed_rows())

    def bookings(self) -> dict[str, list[WireDict]]:
        with self.emulator.state.lock:
            activities = [dict(a) for a in self.emulator.state.activities.values()]
        ours: dict[str, list[WireDict]] = {}
        for a in activities:
            found = MARKER.search(a.get("description") or "")
            if found:
                ours.setdefault(found.group(1), []).append(
                    {k: a[k] for k in ("id", "agent_id", "start_time", "end_time")}
                )
        return ours

    def foreign(self) -> dict[str, WireDict]:
        with self.emulator.state.lock:
            activities = {k: dict(a) for k, a in self.emulator.state.activities.items()}
        return {k: a for k, a in activities.items() if not MARKER.search(a["description"] or "")}

    def foreign_ids(self) -> list[str]:
        return sorted(self.foreign())

    def deletions(self) -> list[tuple[WireDict, bool]]:
        with self.emulator.state.lock:
            deleted = [dict(a) for a, _ in self.emulator.state.ledger.deleted]
        return [(a, bool(MARKER.search(a["description"] or ""))) for a in deleted]

    def trimmed(self) -> list[WireDict]:
        with self.emulator.state.lock:
            return [dict(before) for before, _ in self.emulator.state.ledger.trimmed]


# --- Genesys Cloud -----------------------------------------------------------------------------


class Genesys(Vendor):
    """The Genesys Cloud emulator: users, shifts, coaching appointments, daily metrics."""

    name = "genesys"
    client_id = "5d2c7e1a-0b9f-4c3d-8e6a-1f2b3c4d5e6f"
    client_secret = "chaos-secret-" + "c" * 30

    def __init__(self, today: date, anchor: date, rate: float, burst: int) -> None:
        from wfm_bridge.plugins.genesys.emulator.emulator import Emulator, EmulatorConfig
        from wfm_bridge.plugins.genesys.emulator.seed import seed_demo

        self.login = f"{self.client_id}\n{self.client_secret}\n"
        # Genesys limits a token to N requests in any 60 s (no separate burst)
        config = EmulatorConfig(
            clients=((self.client_id, self.client_secret),),
            requests_per_minute=max(1, round(rate * 60)),
        )
        self.emulator = Emulator(config)
        seed_demo(self.emulator.state, today, anchor=anchor)

    def app(self) -> ASGIApp:
        from wfm_bridge.plugins.genesys.emulator.app import build_app

        return build_app(self.emulator)

    def people(self) -> dict[str, WireDict]:
        org = self.emulator.state.org
        with self.emulator.state.lock:
            agents = {u for members in org.members.values() for u in members}
            users = [dict(u) for u in org.users.values()]
        people = {}
        for u in users:  # an agent is a user some management unit lists; inactive never maps
            first, _, last = str(u.get("name") or "").strip().partition(" ")
            people[u["id"]] = {
                "agent_id": u["id"] if u["id"] in agents else None,
                "email": u.get("email"),
                "first_name": first,
                "last_name": last,
                "deleted": u.get("state") != "active",
                "staffable": True,
            }
        return people

    def reactivate(self, email: str) -> None:
        state = self.emulator.state
        with state.lock:
            for user in state.org.users.values():
                if user.get("email") == email:
                    user["state"] = "active"

    def score_problems(self, mappable: dict[str, tuple[QaScore, str]]) -> ScoreProblems:
        """Per user, metric and day: the mean of the day's latest evaluations (as a percent
        of their maximum) and their count (the provider's documented rule)."""
        state = self.emulator.state
        with state.lock:
            data = {k: dict(v) for k, v in state.metrics.data.items()}
            metrics = {d["name"]: d["id"] for d in state.metrics.definitions.values()}
        days: defaultdict[tuple[str, str, str], list[float]] = defaultdict(list)
        for score, agent in mappable.values():
            metric = metrics.get(score.scorecard) or metrics["QA score"]
            day = score.evaluated_at.astimezone(UTC).date().isoformat()
            percent = 0.0 if score.max_score == 0 else score.score / score.max_score * 100
            days[(agent, metric, day)].append(percent)
        found = ScoreProblems()
        for key, values in sorted(days.items()):
            name = "/".join(key)
            stored = data.get(key)
            if stored is None or stored["count"] < len(values):
                found.lost.append(name)
            elif stored["count"] > len(values):
                found.duplicated.append(name)
            elif not math.isclose(stored["value"], sum(values) / len(values), abs_tol=1e-4):
                found.stale.append(name)
        found.unexpected = sorted("/".join(k) for k in set(data) - set(days))
        return found

    def pushed(self) -> list[str]:
        with self.emulator.state.lock:
            writes = [list(batch) for batch in self.emulator.state.ledger.metric_writes]
        return [_canonical(item) for batch in writes for item in batch]

    def bookings(self) -> dict[str, list[WireDict]]:
        from wfm_bridge.plugins.genesys.provider import REFERENCE_MARK

        with self.emulator.state.lock:
            appointments = [dict(a) for a in self.emulator.state.coaching.appointments.values()]
        ours: dict[str, list[WireDict]] = {}
        for a in appointments:
            description = a.get("description") or ""
            if REFERENCE_MARK not in description:
                continue
            meeting = description.split(REFERENCE_MARK, 1)[1].strip(" ]")
            start = int(datetime.fromisoformat(a["dateStart"]).timestamp())
            attendees = sorted(attendee["id"] for attendee in a["attendees"])
            ours.setdefault(meeting, []).append(
                {
                    "id": a["id"],
                    "agent_id": attendees[0] if len(attendees) == 1 else ",".join(attendees),
                    "start_time": start,
                    "end_time": start + 60 * a["lengthInMinutes"],
                }
            )
        return ours

    def foreign(self) -> dict[str, WireDict]:
        schedules = self.emulator.state.schedules
        with self.emulator.state.lock:
            held = {
                user: schedules.overlapping(user, -math.inf, math.inf)
                for user in schedules.users()
            }
            out = {}
            for user, shifts in held.items():
                for shift in shifts:
                    for slot in shift.slots:
                        if slot.external_id is None:  # not an appointment's activity
                            wire = slot.wire()
                            out[f"{user}/{shift.id}/{wire['startDate']}"] = wire
        return out

    def foreign_ids(self) -> list[str]:
        return sorted({key.split("/")[1] for key in self.foreign()})  # the shift ids

    def deletions(self) -> list[tuple[WireDict, bool]]:
        from wfm_bridge.plugins.genesys.provider import REFERENCE_MARK

        ledger = self.emulator.state.ledger
        with self.emulator.state.lock:
            appointments = [dict(a) for a in ledger.appointments_deleted]
            slots = [dict(s) for _, s in ledger.schedule_removed]
        return [(a, REFERENCE_MARK in (a.get("description") or "")) for a in appointments] + [
            (s, s.get("externalActivityType") == "Coaching") for s in slots
        ]


VENDORS: dict[str, Callable[[date, date, float, int], Vendor]] = {
    "assembled": Assembled,
    "genesys": Genesys,
}


def _canonical(row: WireDict) -> str:
    import json

    return json.dumps(row, sort_keys=True)
