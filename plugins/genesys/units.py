"""Units: which business unit each agent belongs to, discovered once per provider.

Genesys schedules live per business unit, and an agent is a user who belongs to one of its
management units. Discovery costs one request for the business units, then per business
unit one for its settings, one for its activity codes, one page walk for its management
units and one per management unit for its agents; it runs at most once per provider.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from wfm_bridge.plugins.genesys.api import GenesysApi
from wfm_bridge.plugins.genesys.wire import ActivityCode, BusinessUnit


@dataclass(frozen=True)
class Unit:
    """One business unit: its settings, activity codes and agents."""

    unit: BusinessUnit
    codes: tuple[ActivityCode, ...]
    agents: frozenset[str]

    @property
    def coaching_code(self) -> str | None:
        """The activity code coaching appointments get in the schedule, if any."""
        settings = self.unit.settings
        if settings and settings.coaching and settings.coaching.default_activity_code:
            return settings.coaching.default_activity_code.id
        meeting = [c.id for c in self.codes if c.category == "Meeting" and c.active]
        return meeting[0] if meeting else None


class Units:
    """The business units of one organisation, fetched on first use (thread-safe)."""

    def __init__(self, api: GenesysApi) -> None:
        self._api = api
        self._lock = threading.Lock()
        self._units: tuple[Unit, ...] | None = None

    def all(self) -> tuple[Unit, ...]:
        """Every business unit this client may see."""
        with self._lock:
            if self._units is None:
                self._units = tuple(self._fetch())
            return self._units

    def agents(self) -> frozenset[str]:
        """Every agent of every business unit."""
        return frozenset().union(*(u.agents for u in self.all()))

    def of(self, agent_id: str) -> Unit | None:
        """The business unit of an agent (None: not a scheduled agent)."""
        return next((u for u in self.all() if agent_id in u.agents), None)

    def _fetch(self) -> list[Unit]:
        found = []
        for item in self._api.business_units():
            agents: set[str] = set()
            for mu in self._api.management_units(item.id):
                agents.update(self._api.unit_agents(mu.id))
            found.append(
                Unit(
                    self._api.business_unit(item.id),
                    tuple(self._api.activity_codes(item.id)),
                    frozenset(agents),
                )
            )
        return found
