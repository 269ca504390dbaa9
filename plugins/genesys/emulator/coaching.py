"""Coaching appointments (``/api/v2/coaching/appointments``): create, get, list, delete.

An appointment created with ``addToSchedule`` puts one activity (the business unit's coaching
activity code, ``externalActivityType: "Coaching"``, ``externalActivityId`` = the appointment
id) into the schedule of each attendee and of the facilitator, for those who are scheduled
agents; deleting the appointment takes exactly those activities out again.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from wfm_bridge.plugins.genesys.emulator.directory import Org
from wfm_bridge.plugins.genesys.emulator.ledger import Ledger, WireDict
from wfm_bridge.plugins.genesys.emulator.responses import Rejected, iso, parse_instant
from wfm_bridge.plugins.genesys.emulator.schedules import (
    COACHING,
    Schedules,
    Slot,
    schedule_ref,
    week_of,
)

MAX_LENGTH_MINUTES = 1440
MAX_USER_IDS = 100
RELATIONSHIPS = ("Attendee", "Facilitator", "Creator")


def _ref(user_id: str) -> WireDict:
    return {"id": user_id, "selfUri": f"/api/v2/users/{user_id}"}


class Coaching:
    """The appointments of the organisation (not locked by itself)."""

    def __init__(
        self,
        org: Org,
        schedules: Schedules,
        ledger: Callable[[], Ledger],
        wall: Callable[[], float],
    ) -> None:
        self.org = org
        self.schedules = schedules
        self._ledger = ledger
        self._wall = wall
        self.appointments: dict[str, WireDict] = {}
        self._starts: dict[str, float] = {}  # appointment id -> start (unix seconds)

    def clear(self) -> None:
        """Forget every appointment."""
        self.appointments.clear()
        self._starts.clear()

    def create(self, body: Any, creator: str | None) -> WireDict:
        """``POST /api/v2/coaching/appointments``; 400 for anything Genesys would refuse."""
        if not isinstance(body, dict):
            raise Rejected(400, "The request body must be a JSON object")
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise Rejected(400, "name is required")
        description = body.get("description", "")
        if not isinstance(description, str):
            raise Rejected(400, "description must be a string")
        start = math.floor(parse_instant(body.get("dateStart"), "dateStart") / 60) * 60
        length = body.get("lengthInMinutes")
        if not isinstance(length, int) or isinstance(length, bool):
            raise Rejected(400, "lengthInMinutes is required as an integer")
        if not 1 <= length <= MAX_LENGTH_MINUTES:
            raise Rejected(400, f"lengthInMinutes must be between 1 and {MAX_LENGTH_MINUTES}")
        attendees = body.get("attendeeIds")
        if not isinstance(attendees, list) or not attendees:
            raise Rejected(400, "attendeeIds must be a non-empty list of user ids")
        if len(set(attendees)) != len(attendees):
            raise Rejected(400, "attendeeIds must not repeat a user")
        facilitator = body.get("facilitatorId")
        for user_id in [*attendees, *([facilitator] if facilitator is not None else [])]:
            user = self.org.user(user_id)
            if user is None or user["state"] != "active":
                raise Rejected(400, f"User {user_id} does not exist or is not active")
        if facilitator is not None and facilitator in attendees:
            raise Rejected(400, "The facilitator cannot also be an attendee")
        now = iso(self._wall())
        appointment_id = str(uuid.uuid4())
        appointment: WireDict = {
            "id": appointment_id,
            "name": name,
            "description": description,
            "dateStart": iso(start),
            "lengthInMinutes": length,
            "status": "Scheduled",
            "attendees": [_ref(a) for a in attendees],
            "dateCreated": now,
            "dateModified": now,
            "conversations": [],
            "documents": [],
            "isOverdue": False,
            "externalLinks": list(body.get("externalLinks") or []),
            "shareInsightsData": bool(body.get("shareInsightsData", False)),
            "selfUri": f"/api/v2/coaching/appointments/{appointment_id}",
        }
        if facilitator is not None:
            appointment["facilitator"] = _ref(facilitator)
        if creator is not None:
            appointment["createdBy"] = appointment["modifiedBy"] = _ref(creator)
        if isinstance(body.get("location"), str):
            appointment["location"] = body["location"]
        if body.get("addToSchedule"):
            self._schedule(appointment, start, length, [*attendees, facilitator])
        self.appointments[appointment_id] = appointment
        self._starts[appointment_id] = start
        self._ledger().appointments_created.append(dict(appointment))
        return dict(appointment)

    def get(self, appointment_id: str) -> WireDict:
        """``GET /api/v2/coaching/appointments/{id}``; 404 when unknown or deleted."""
        appointment = self.appointments.get(appointment_id)
        if appointment is None:
            raise Rejected(404, f"Coaching appointment {appointment_id} not found")
        return dict(appointment)

    def delete(self, appointment_id: str) -> WireDict:
        """``DELETE /api/v2/coaching/appointments/{id}``: gone, and out of every schedule."""
        appointment = self.appointments.pop(appointment_id, None)
        if appointment is None:
            raise Rejected(404, f"Coaching appointment {appointment_id} not found")
        self._starts.pop(appointment_id, None)
        ledger = self._ledger()
        for user_id, slot in self.schedules.remove_external(appointment_id):
            ledger.schedule_removed.append((user_id, slot.wire()))
        ledger.appointments_deleted.append(dict(appointment))
        return {"id": appointment_id, "selfUri": appointment["selfUri"]}

    def find(self, query: Mapping[str, Any]) -> list[WireDict]:
        """``GET /api/v2/coaching/appointments``: appointments of ``userIds`` (by the
        ``relationships`` asked, all by default) in ``interval``, sorted by start."""
        user_ids: list[str] = query["userIds"]
        if not user_ids:
            raise Rejected(400, "userIds is required")
        if len(user_ids) > MAX_USER_IDS:
            raise Rejected(400, f"At most {MAX_USER_IDS} userIds may be requested")
        relationships = query.get("relationships") or list(RELATIONSHIPS)
        if not set(relationships) <= set(RELATIONSHIPS):
            raise Rejected(400, f"relationships must be among {', '.join(RELATIONSHIPS)}")
        window = _interval(query.get("interval"))
        overlaps = query.get("intervalCondition") == "Overlaps"
        facilitators = set(query.get("facilitatorIds") or [])
        statuses = set(query.get("statuses") or [])
        wanted = set(user_ids)
        found = []
        for appointment_id, appointment in self.appointments.items():
            start = self._starts[appointment_id]
            end = start + appointment["lengthInMinutes"] * 60
            if window is not None and not (
                (start < window[1] and end > window[0])
                if overlaps
                else window[0] <= start < window[1]
            ):
                continue
            facilitator = appointment.get("facilitator", {}).get("id")
            if facilitators and facilitator not in facilitators:
                continue
            if statuses and appointment["status"] not in statuses:
                continue
            related = {
                "Attendee": {a["id"] for a in appointment["attendees"]},
                "Facilitator": {facilitator} if facilitator else set(),
                "Creator": {appointment.get("createdBy", {}).get("id")},
            }
            if any(related[r] & wanted for r in relationships):
                found.append((start, appointment_id, dict(appointment)))
        found.sort(reverse=query.get("sortOrder") == "Desc")
        return [a for _, _, a in found]

    def _schedule(
        self, appointment: WireDict, start: float, length: int, users: list[str | None]
    ) -> None:
        ledger = self._ledger()
        for user_id in dict.fromkeys(u for u in users if u):
            bu_id = self.org.business_unit_of(user_id)
            if bu_id is None:
                continue  # not a scheduled agent: nothing to add to
            slot = Slot(
                start,
                length,
                self.org.coaching_code(bu_id),
                appointment["name"],
                external_id=appointment["id"],
                external_type=COACHING,
            )
            self.schedules.add_activity(user_id, slot)
            ledger.schedule_added.append((user_id, slot.wire()))
            if "wfmSchedule" not in appointment:
                zone = self.org.business_unit(bu_id)["settings"]["timeZone"]
                ref = schedule_ref(bu_id, week_of(start, zone))
                appointment["wfmSchedule"] = {
                    "id": ref["id"],
                    "businessUnit": {"id": bu_id},
                    "weekDate": ref["weekDate"],
                }


def _interval(raw: object) -> tuple[float, float] | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or raw.count("/") != 1:
        raise Rejected(400, "interval must be <start>/<end> in ISO-8601")
    first, second = raw.split("/")
    start, end = (
        parse_instant(first, "interval start", assume_utc=True),
        parse_instant(second, "interval end", assume_utc=True),
    )
    if end <= start:
        raise Rejected(400, "The interval must end after it starts")
    return start, end
