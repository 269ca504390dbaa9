"""What a provider can do: its declared capabilities, each one a port.

A provider adapter is one object per tenant; at registration it declares which capability
ports it implements (``registry.add(..., capabilities=(...))``). Every provider is a
``ScheduleSource``; ``one_to_ones``, ``scores`` and ``teams`` are optional, and the host refuses a
command needing a capability the configured provider did not declare, before building it.
"""

from __future__ import annotations

from enum import StrEnum


class Capability(StrEnum):
    """A capability a provider declares; its value is what registration and `wfm plugins` use."""

    SCHEDULES = "schedules"  # ScheduleSource: people, activity types, activities
    ONE_TO_ONES = "one_to_ones"  # OneToOneCalendar: book, find, cancel 1:1s
    SCORES = "scores"  # ScoreSink: receives QA scores
    TEAMS = "teams"  # TeamSource: names the teams people carry

    @property
    def what(self) -> str:
        """What users lose without it, for "<provider> does not support <what>"."""
        return _WHAT[self]


_WHAT = {
    Capability.SCHEDULES: "schedules",
    Capability.ONE_TO_ONES: "one-to-one meetings",
    Capability.SCORES: "QA score export",
    Capability.TEAMS: "teams",
}


def capability_port(capability: Capability) -> type:
    """The runtime-checkable Protocol a provider declaring ``capability`` must satisfy."""
    # imported here: plugins import the registry (and so this module) at registration
    from wfm_bridge.ports.one_to_one_calendar import OneToOneCalendar
    from wfm_bridge.ports.schedule_source import ScheduleSource
    from wfm_bridge.ports.score_sink import ScoreSink
    from wfm_bridge.ports.team_source import TeamSource

    ports: dict[Capability, type] = {
        Capability.SCHEDULES: ScheduleSource,
        Capability.ONE_TO_ONES: OneToOneCalendar,
        Capability.SCORES: ScoreSink,
        Capability.TEAMS: TeamSource,
    }
    return ports[capability]
