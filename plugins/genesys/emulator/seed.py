"""Seeding the Genesys emulator with the shared demo organisation (plugins/memory_fake/demo.py).

The same people, activity types and schedules as memory_fake and the Assembled emulator, in
Genesys's terms: one business unit; one management unit per demo team (its time zone is the
team's) and one Genesys team of the same agents (with the team id memory_fake and the
Assembled emulator give it); users whose id is the demo agent id (the person id for the
supervisor, who is in no management unit nor team); activity types as activity codes (ids
kept); each agent's day as one shift of contiguous activities; one external metric,
``QA score``, for exported scores.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from wfm_bridge.plugins.genesys.emulator.directory import DIVISION, user_wire
from wfm_bridge.plugins.genesys.emulator.ledger import WireDict
from wfm_bridge.plugins.genesys.emulator.metrics import definition_wire
from wfm_bridge.plugins.genesys.emulator.schedules import Shift, Slot
from wfm_bridge.plugins.genesys.emulator.state import GenesysState
from wfm_bridge.plugins.genesys.emulator.teams import team_wire
from wfm_bridge.ports.models import ActivityType

_NS = uuid.UUID("9d2c4b1e-7a3f-4e8d-b5c6-1f0e2d3c4b5a")
DEMO_BU_ID = str(uuid.uuid5(_NS, "bu:demo"))
DEMO_METRIC_ID = str(uuid.uuid5(_NS, "metric:qa-score"))
BU_ZONE = "America/Chicago"
WFM = "/api/v2/workforcemanagement"

# demo type name -> (category, counts as work time, counts as paid time, interruptible, length)
_CODES = {
    "Shift": ("OnQueueWork", True, True, True, 0),
    "Break": ("Break", True, True, False, 15),
    "Lunch": ("Meal", False, False, False, 30),
    "Meeting": ("Meeting", True, True, False, 30),
    "Training": ("Training", True, True, False, 60),
    "Time Off": ("TimeOff", False, True, False, 480),
}


def activity_code_wire(t: ActivityType, bu_id: str) -> WireDict:
    """A demo activity type as a ``BusinessUnitActivityCode`` (category by name)."""
    category, work, paid, interruptible, length = _CODES.get(
        t.name, ("OffQueueWork", True, True, False, 30)
    )
    light = (t.font_color or "").lower() in ("#ffffff", "#fff")
    code: WireDict = {
        "id": t.id,
        "name": t.name,
        "active": True,
        "defaultCode": False,
        "category": category,
        "lengthInMinutes": length,
        "countsAsPaidTime": paid,
        "countsAsWorkTime": work,
        "countsTowardShrinkage": category != "OnQueueWork",
        "plannedShrinkage": category not in ("OnQueueWork", "Unavailable"),
        "interruptible": interruptible,
        "style": {"backgroundColor": t.color, "textColorTheme": "Light" if light else "Dark"},
        "metadata": {"version": 1, "dateModified": "2024-01-01T00:00:00.000Z"},
        "selfUri": f"{WFM}/businessunits/{bu_id}/activitycodes/{t.id}",
    }
    if category == "TimeOff":
        code["agentTimeOffSelectable"] = True
    return code


def business_unit_wire(bu_id: str, name: str, zone: str, coaching_code: str) -> WireDict:
    """A ``BusinessUnitResponse`` with its settings (sent with ``expand=settings``)."""
    return {
        "id": bu_id,
        "name": name,
        "division": {**DIVISION, "selfUri": f"/api/v2/authorization/divisions/{DIVISION['id']}"},
        "settings": {
            "startDayOfWeek": "Monday",
            "timeZone": zone,
            "coaching": {"defaultActivityCode": {"id": coaching_code}},
            "metadata": {"version": 1, "dateModified": "2024-01-01T00:00:00.000Z"},
        },
        "selfUri": f"{WFM}/businessunits/{bu_id}",
    }


def management_unit_wire(mu_id: str, name: str, bu_id: str, zone: str) -> WireDict:
    """A ``ManagementUnit``."""
    return {
        "id": mu_id,
        "name": name,
        "businessUnit": {"id": bu_id, "selfUri": f"{WFM}/businessunits/{bu_id}"},
        "startDayOfWeek": "Monday",
        "timeZone": zone,
        "division": {"id": DIVISION["id"]},
        "version": 1,
        "selfUri": f"{WFM}/managementunits/{mu_id}",
    }


def seed_demo(state: GenesysState, today: date, anchor: date | None = None) -> date:
    """Load the demo organisation; ``anchor`` (a Monday) defaults to ``demo_anchor(today)``
    as memory_fake's does. Returns the anchor."""
    from wfm_bridge.plugins.memory_fake.demo import (
        ACTIVITY_TYPES,
        TEAMS,
        agent_id_for,
        demo_anchor,
        demo_people,
        demo_schedule,
        team_id_for,
    )

    anchor = anchor or demo_anchor(today)
    paid = {t.id: _CODES.get(t.name, ("", True, True))[2] for t in ACTIVITY_TYPES}
    raw = demo_schedule(anchor)
    with state.lock:
        org = state.org
        for p in demo_people():
            state_name = "active" if p.active else "inactive"
            user_id = p.agent_id or p.person_id
            org.add_user(user_wire(user_id, f"{p.first_name} {p.last_name}", p.email, state_name))
        codes = [activity_code_wire(t, DEMO_BU_ID) for t in ACTIVITY_TYPES]
        bu = business_unit_wire(DEMO_BU_ID, "Demo Contact Centre", BU_ZONE, "type-meeting")
        org.add_business_unit(bu, codes)
        for team in TEAMS:
            mu_id = str(uuid.uuid5(_NS, f"mu:{team.name}"))
            agents = [agent_id_for(name) for name in team.members]
            org.add_management_unit(
                management_unit_wire(mu_id, team.name, DEMO_BU_ID, team.zone), agents
            )
            state.teams.add_team(team_wire(team_id_for(team.name), team.name), agents)
        days: defaultdict[str, list[list[Slot]]] = defaultdict(list)
        for a in sorted(raw, key=lambda a: (a.agent_id, a.start)):
            start, end = a.start.timestamp(), a.end.timestamp()
            slot = Slot(start, round((end - start) / 60), a.type_id, a.description, paid[a.type_id])
            runs = days[a.agent_id]
            if runs and runs[-1][-1].end == start:
                runs[-1].append(slot)  # contiguous: the same working day
            else:
                runs.append([slot])
        for agent, runs in days.items():
            for run in runs:
                shift_id = str(uuid.uuid5(_NS, f"shift:{agent}:{run[0].start}"))
                state.schedules.add_shift(agent, Shift(shift_id, run))
        metric = definition_wire(DEMO_METRIC_ID, "QA score", "Percent", 2)
        state.metrics.definitions[metric["id"]] = metric
    return anchor
