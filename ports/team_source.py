"""The TeamSource port: the teams of a WFM account (optional capability ``teams``).

People name their teams by id (``ProviderPerson.team_ids``); this port names the ids. A
provider without teams does not declare the capability, and `wfm schedule --team` says so.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from wfm_bridge.ports.models import Team


@runtime_checkable
class TeamSource(Protocol):
    """One tenant's teams in one WFM account. Errors as for ``ScheduleSource``."""

    name: str

    def list_teams(self) -> list[Team]:
        """Every team, each exactly once (all pages fetched); any order."""
        ...
