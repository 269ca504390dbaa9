"""The seeded demo organisation: provider people, activity types, 10 weeks of schedules, and
the host's employee directory with every mapping edge case.

Everything is deterministic: the same ``anchor`` (the Monday the 10 weeks start on) and seed
always give the same data. ``demo_anchor(today)`` is the Monday two weeks before the Monday of
``today``'s week, so "today" always falls in week 3 of the data. People and employees do not
depend on the anchor; only the dates of activities do.

Teams (provider teams: people carry their ids; 8 agents each, shifts in each agent's own
time zone): Billing (America/Chicago), Tech Support (America/New_York), Retention
(Europe/London), Onboarding (Asia/Manila), all Monday-Friday; Weekend Crew
(America/Chicago) works Wednesday-Sunday. Each working day is a Shift split by two Breaks
and a Lunch; teams have a weekly 30-minute ``Team huddle`` (type ``Meeting``), some agents
have trainings and coaching meetings, some have ``Time Off`` days, and the company holiday
(``anchor + 28 days``, the Monday of week 5) has no activity at all.

Host employees and the mapping edge cases (host email -> expected outcome):

- ``ana.lee@example.com``: an ordinary agent (Billing, Chicago), mapped by email; like
  almost every employee.
- ``Maria.Garcia@Example.COM``: mapped by email although the host spells it in another case
  and Assembled holds ``"maria.garcia@example.com "`` (trailing space).
- ``pokafor@contractor-mail.example`` ("P. Okafor"): mapped only by agent id (the host knows
  the agent id; email and name match nobody).
- ``tom.brennan@old-helpdesk.example`` ("thomas brennan"): mapped only by (unique) name.
- ``yuki.tanaka@example.com``: unmapped, the provider person is inactive (deleted).
- ``sam.t@partner.example`` ("Sam Taylor"): unmapped, two provider people are named Sam Taylor.
- ``noah.fischer@example.com``: unmapped, no provider person matches at all.

Provider-only people: the two Sam Taylors (agents without host employees) and Olivia Hart
(``olivia.hart@example.com``, a supervisor with ``agent_id`` None, so no schedule).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter

from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.models import Activity, ActivityType, Employee, ProviderPerson
from wfm_bridge.ports.models import Team as ProviderTeam

DEMO_SEED = 20240610
WEEKS = 10
DOMAIN = "example.com"
DEMO_AGENT_EMAIL = "ana.lee@example.com"
HOLIDAY_OFFSET_DAYS = 28
_NS = uuid.UUID("6c1f3a5e-2b7d-4c1e-9a51-0d3f7e8b2a90")


@dataclass(frozen=True)
class EdgeCase:
    """An employee the demo directory holds on purpose, and how mapping must treat it."""

    email: str
    status: str  # "mapped" or "unmapped"
    rule_or_reason: str  # the rule ("agent_id", "email", "name") or a reason keyword


EDGE_CASES: tuple[EdgeCase, ...] = (
    EdgeCase("Maria.Garcia@Example.COM", "mapped", "email"),
    EdgeCase("pokafor@contractor-mail.example", "mapped", "agent_id"),
    EdgeCase("tom.brennan@old-helpdesk.example", "mapped", "name"),
    EdgeCase("yuki.tanaka@example.com", "unmapped", "inactive"),
    EdgeCase("sam.t@partner.example", "unmapped", "ambiguous"),
    EdgeCase("noah.fischer@example.com", "unmapped", "no match"),
)

# (id, name, short name, colour, font colour, productive)
ACTIVITY_TYPES: tuple[ActivityType, ...] = tuple(
    ActivityType(
        id=i, name=n, short_name=s, color=c, font_color=f, productive=p, time_off=(n == "Time Off")
    )
    for i, n, s, c, f, p in (
        ("type-shift", "Shift", "SHF", "#2e7d32", "#ffffff", True),
        ("type-break", "Break", "BRK", "#f9a825", "#000000", False),
        ("type-lunch", "Lunch", "LUN", "#ef6c00", "#ffffff", False),
        ("type-meeting", "Meeting", "MTG", "#4a90d9", "#ffffff", False),
        ("type-training", "Training", "TRN", "#8e24aa", "#ffffff", False),
        ("type-timeoff", "Time Off", "OFF", "#9e9e9e", "#000000", False),
    )
)


@dataclass(frozen=True)
class Team:
    """A demo team: its agents share a time zone, a start time and working days."""

    name: str
    zone: str
    start: time
    workdays: tuple[int, ...]  # weekday numbers, Monday = 0
    members: tuple[str, ...]


def _members(names: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in names.split(","))


_WEEKDAYS = (0, 1, 2, 3, 4)
TEAMS: tuple[Team, ...] = (
    Team("Billing", "America/Chicago", time(8, 0), _WEEKDAYS, _members(
        "Ana Lee, Maria Garcia, James Miller, Priya Patel, "
        "Carlos Ruiz, Emily Clark, David Kim, Grace Moore"
    )),
    Team("Tech Support", "America/New_York", time(9, 0), _WEEKDAYS, _members(
        "Sam Taylor, Precious Okafor, Liam Johnson, Sofia Rossi, "
        "Ethan Brown, Chloe Martin, Lucas Silva, Mia Wilson"
    )),
    Team("Retention", "Europe/London", time(8, 30), _WEEKDAYS, _members(
        "Oliver Smith, Samuel Taylor, Thomas Brennan, Amelia Jones, "
        "Harry Evans, Isla Thompson, Jack Walker, Freya Hughes"
    )),
    Team("Onboarding", "Asia/Manila", time(9, 0), _WEEKDAYS, _members(
        "Jose Santos, Andrea Reyes, Miguel Cruz, Camille Bautista, "
        "Paolo Garcia, Bea Villanueva, Marco Lim, Trisha Tan"
    )),
    Team("Weekend Crew", "America/Chicago", time(10, 0), (2, 3, 4, 5, 6), _members(
        "Aisha Bello, Noel Carter, Hana Sato, Omar Haddad, "
        "Ruth Adams, Victor Chen, Zoe Turner, Ivan Petrov"
    )),
)  # fmt: skip


def email_for(name: str) -> str:
    """The provider email of a demo person: ``first.last@example.com``."""
    return ".".join(name.lower().split()) + "@" + DOMAIN


def agent_id_for(name: str) -> str:
    """The provider agent id of the demo agent listed as ``name`` in ``TEAMS``."""
    return _id("agent", name)


def _id(kind: str, key: str) -> str:
    return str(uuid.uuid5(_NS, f"{kind}:{key}"))


def team_id_for(team: str) -> str:
    """The provider id of the demo team called ``team``."""
    return _id("team", team)


def demo_teams() -> list[ProviderTeam]:
    """The provider's teams: the five of ``TEAMS`` (their agents carry the ids)."""
    return [ProviderTeam(id=team_id_for(t.name), name=t.name) for t in TEAMS]


def _person(
    name: str, zone: str, *, email: str | None = None, team: str | None = None
) -> ProviderPerson:
    first, last = name.split(" ", 1)
    return ProviderPerson(
        team_ids=[team_id_for(team)] if team else [],
        person_id=_id("person", name),
        agent_id=_id("agent", name),
        first_name=first,
        last_name=last,
        email=email if email is not None else email_for(name),
        timezone=zone,
    )


def demo_people() -> list[ProviderPerson]:
    """Every provider person: 40 agents, one inactive person and one non-agent supervisor."""
    people: list[ProviderPerson] = []
    for team in TEAMS:
        for name in team.members:
            if name == "Samuel Taylor":  # the second "Sam Taylor" (ambiguous by name)
                person = _person("Sam Taylor", team.zone, email=email_for(name), team=team.name)
                person = person.model_copy(
                    update={"person_id": _id("person", name), "agent_id": _id("agent", name)}
                )
            elif name == "Maria Garcia":  # typed into the provider with a trailing space
                person = _person(name, team.zone, email=email_for(name) + " ", team=team.name)
            else:
                person = _person(name, team.zone, team=team.name)
            people.append(person)
    inactive = _person("Yuki Tanaka", "America/New_York").model_copy(update={"active": False})
    supervisor = _person("Olivia Hart", "Europe/London").model_copy(update={"agent_id": None})
    return [*people, inactive, supervisor]


def demo_employees() -> list[Employee]:
    """The host's directory: one employee per scheduled agent plus the mapping edge cases."""
    by_name = {p.first_name + " " + p.last_name: p for p in demo_people()}
    employees: list[Employee] = []

    def add(name: str, email: str, zone: str | None, agent_id: str | None = None) -> None:
        host_id = f"emp-{len(employees) + 1:04d}"
        employees.append(
            Employee(host_id=host_id, name=name, email=email, agent_id=agent_id, timezone=zone)
        )

    for team in TEAMS:
        for name in team.members:
            if name in ("Sam Taylor", "Samuel Taylor"):
                continue  # only the ambiguous host employee below refers to them
            if name == "Maria Garcia":
                add(name, "Maria.Garcia@Example.COM", team.zone)
            elif name == "Precious Okafor":
                add(
                    "P. Okafor",
                    "pokafor@contractor-mail.example",
                    team.zone,
                    agent_id=by_name[name].agent_id,
                )
            elif name == "Thomas Brennan":
                add("thomas brennan", "tom.brennan@old-helpdesk.example", team.zone)
            else:
                add(name, email_for(name), team.zone)
    add("Yuki Tanaka", "yuki.tanaka@example.com", "America/New_York")
    add("Sam Taylor", "sam.t@partner.example", "America/New_York")
    add("Noah Fischer", "noah.fischer@example.com", "Europe/Berlin")
    return employees


_SHIFT_MINUTES = 510  # 8.5 h including lunch
_TRAINING_TOPICS = ("Refund policy", "New billing portal", "De-escalation", "Product update")
_T = {t.name: t.id for t in ACTIVITY_TYPES}
_ACTIVITIES = TypeAdapter(list[Activity])


def demo_anchor(today: date) -> date:
    """The Monday the demo's 10 weeks start on: two weeks before ``today``'s Monday."""
    return today - timedelta(days=today.weekday(), weeks=2)


class DemoActivity(NamedTuple):
    """A generated activity before validation (seeding skips pydantic for speed)."""

    id: str
    agent_id: str
    type_id: str
    start: datetime
    end: datetime
    description: str


def demo_activities(anchor: date, seed: int = DEMO_SEED) -> list[Activity]:
    """Ten weeks of activities from ``anchor`` (a Monday), the same for the same inputs."""
    return _ACTIVITIES.validate_python([a._asdict() for a in demo_schedule(anchor, seed)])


def demo_schedule(anchor: date, seed: int = DEMO_SEED) -> list[DemoActivity]:
    """The raw generated schedule behind ``demo_activities`` (not validated)."""
    if anchor.weekday() != 0:
        raise InvalidInputError(f"the demo anchor {anchor} must be a Monday")
    rng = random.Random(seed)
    holiday = anchor + timedelta(days=HOLIDAY_OFFSET_DAYS)
    activities: list[DemoActivity] = []

    def new_id() -> str:
        h = f"{rng.getrandbits(128):032x}"  # shaped like a uuid4
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    for team in TEAMS:
        zone = ZoneInfo(team.zone)
        for name in team.members:
            agent = agent_id_for(name)
            late = rng.choice((0, 0, 30, 60))  # this agent's usual start, after the team's
            off_days = {rng.randrange(WEEKS * 7) for _ in range(rng.randrange(3))}
            if rng.random() < 0.1:  # a week of vacation
                week = rng.randrange(WEEKS)
                off_days |= set(range(week * 7, week * 7 + 7))
            for day_index in range(WEEKS * 7):
                day = anchor + timedelta(days=day_index)
                if day.weekday() not in team.workdays or day == holiday:
                    continue
                # Shifts run between 08:00 and 20:00 local, never across a DST change (at
                # night), so one UTC offset per day is exact.
                wall = datetime.combine(day, team.start) + timedelta(minutes=late)
                utc_start = wall.replace(tzinfo=zone).astimezone(UTC)
                for offset, length, type_name, text in _day_plan(
                    rng, day, day_index in off_days, team, late
                ):
                    start = utc_start + timedelta(minutes=offset)
                    end = start + timedelta(minutes=length)
                    activities.append(
                        DemoActivity(new_id(), agent, _T[type_name], start, end, text)
                    )
    return activities


def _day_plan(
    rng: random.Random, day: date, off: bool, team: Team, late: int
) -> Iterator[tuple[int, int, str, str]]:
    """(offset minutes, length, type, description) of one working day, non-overlapping."""
    if off:
        yield 0, _SHIFT_MINUTES, "Time Off", "Vacation"
        return
    lunch = rng.choice((30, 60))
    busy: list[tuple[int, int, str, str]] = [
        (120, 15, "Break", ""),
        (240, lunch, "Lunch", ""),
        (390, 15, "Break", ""),
    ]
    if day.weekday() == team.workdays[2]:  # mid-week team huddle, same wall time for the team
        busy.append((90 - late, 30, "Meeting", f"{team.name} team huddle"))
    roll = rng.random()
    if roll < 0.04:
        topic = rng.choice(_TRAINING_TOPICS)
        busy.append((_free(busy, 90, 135), 90, "Training", f"Training: {topic}"))
    elif roll < 0.08:
        busy.append((_free(busy, 30, 300), 30, "Meeting", "Coaching with team lead"))
    busy.sort()
    cursor = 0
    for offset, length, type_name, text in busy:
        if offset > cursor:
            yield cursor, offset - cursor, "Shift", ""
        yield offset, length, type_name, text
        cursor = offset + length
    if cursor < _SHIFT_MINUTES:
        yield cursor, _SHIFT_MINUTES - cursor, "Shift", ""


def _free(busy: list[tuple[int, int, str, str]], length: int, earliest: int) -> int:
    """The first offset >= ``earliest`` where ``length`` minutes fit between busy items."""
    start = earliest
    for offset, size, _, _ in sorted(busy):
        if offset + size <= start:
            continue
        if offset >= start + length:
            break
        start = offset + size
    if start + length > _SHIFT_MINUTES:
        raise AssertionError("demo day plan overflow")  # cannot happen with the fixed layout
    return start
