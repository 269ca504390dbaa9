"""The booking check: does a 1:1 lie wholly inside available time of agent and facilitator?

Answers with what the time collides with (off duty, a break, "One To One ... at 10:15"), so
the refusal names it; ``--force`` (the "off schedule" choice) books anyway, still deleting
or trimming nothing.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from wfm_bridge.core.activity_types import ActivityTypeCatalog
from wfm_bridge.core.availability import Classifier, merge, subtract, timeline, working_hours
from wfm_bridge.core.day_grid import parse_zone
from wfm_bridge.ports.schedule_source import ScheduleSource, collect


class AvailabilityCheck:
    """What ``[start, end)`` collides with for each person (empty: wholly available)."""

    def __init__(
        self,
        provider: ScheduleSource,
        catalog: ActivityTypeCatalog,
        classifier: Classifier,
        hours: tuple[time, time] = (time(9), time(17)),
    ) -> None:
        self._provider = provider
        self._catalog = catalog
        self._classifier = classifier
        self._hours = hours

    def collisions(
        self, people: dict[str, tuple[str, str]], start: datetime, end: datetime
    ) -> list[str]:
        """``people``: agent id -> (prefix naming whose time it is, zone); one line each."""
        types = self._catalog.all()
        shifts = self._classifier.has_shifts(types.values())
        fetched = collect(
            self._provider.activities(
                list(people), start - timedelta(days=1), end + timedelta(days=1)
            )
        )
        found: list[str] = []
        for who, (prefix, zone_name) in people.items():
            zone = parse_zone(zone_name)
            fallback = None
            if not shifts:
                day = start.astimezone(zone).date() - timedelta(days=1)
                fallback = working_hours(day, 3, zone, self._hours)
            line = timeline(
                [a for a in fetched if a.agent_id == who], types, self._classifier, fallback
            )
            if line.covers(start, end):
                continue
            for state, activity in line.collisions(start, end):
                kind = types.get(activity.type_id)
                name = kind.name if kind else activity.type_id
                what = f"{name} {activity.description}".strip()
                when = activity.start.astimezone(zone)
                found.append(f"{prefix}{state.value}: {what} at {when:%H:%M} {zone.key}")
            blocked = [(a, b) for a, b, _, _ in line.blocked]
            gaps = subtract(subtract([(start, end)], line.available), merge(blocked))
            if gaps:
                first = gaps[0][0].astimezone(zone)
                why = "off duty" if shifts else "outside working hours"
                found.append(f"{prefix}{why} at {first:%H:%M} {zone.key}")
        return found
