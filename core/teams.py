"""Teams: which host employees a provider team holds (`wfm schedule --team NAME`).

A team is named as the provider names it (case and spacing ignored); its members are the
provider people carrying its id, and the employees shown are the host employees mapped to
them. An unknown name is refused with the known names; a team nobody of the host maps to
is refused too (an empty schedule would look like a team without shifts).
"""

from __future__ import annotations

from wfm_bridge.core.mapping import EmployeeMapper
from wfm_bridge.core.people_index import normalise_name
from wfm_bridge.ports.errors import InvalidInputError, UnknownIdError
from wfm_bridge.ports.models import MappingStatus, Team
from wfm_bridge.ports.team_source import TeamSource

MAX_LISTED = 20  # known names quoted in a refusal


class TeamMembers:
    """The teams of the tenant's provider and the host employees in each."""

    def __init__(self, source: TeamSource, mapper: EmployeeMapper) -> None:
        self._source = source
        self._mapper = mapper

    def teams(self) -> list[Team]:
        """Every team, by name."""
        return sorted(self._source.list_teams(), key=lambda t: (t.name.casefold(), t.id))

    def team(self, name: str) -> Team:
        """The team called ``name``; ``UnknownIdError`` listing the known names otherwise."""
        key = normalise_name(name)
        teams = self.teams()
        found = [t for t in teams if normalise_name(t.name) == key]
        if len(found) == 1:
            return found[0]
        names = [t.name for t in teams]
        if found:
            raise InvalidInputError(
                f"{len(found)} teams are called {name.strip()!r} in {self._source.name}; "
                "rename one there, or pick the employees by email"
            )
        known = ", ".join(repr(n) for n in names[:MAX_LISTED]) or "none"
        more = f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else ""
        raise UnknownIdError(
            f"no team is called {name.strip()!r} in {self._source.name}; known teams: "
            f"{known}{more}"
        )

    def emails(self, name: str) -> list[str]:
        """The emails of the host employees mapped to the team's members, in directory order."""
        team = self.team(name)
        emails = [
            m.employee.email
            for m in self._mapper.map_all()
            if m.status is MappingStatus.MAPPED
            and m.person is not None
            and team.id in m.person.team_ids
            and m.employee.email
        ]
        if not emails:
            raise InvalidInputError(
                f"no host employee maps to a member of team {team.name!r}; see "
                "`wfm mapping show`"
            )
        return emails
