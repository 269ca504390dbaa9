"""The emulated organisation's structure: users, business units, management units and the
activity codes of each business unit, all in Genesys's wire shapes."""

from __future__ import annotations

from collections.abc import Iterable

from wfm_bridge.plugins.genesys.emulator.ledger import WireDict
from wfm_bridge.plugins.genesys.emulator.responses import Rejected

DIVISION = {"id": "d0c0ffee-0000-4000-8000-000000000001", "name": "Home"}
USER_STATES = ("active", "inactive", "deleted")
CATEGORIES = (
    "OnQueueWork",
    "Break",
    "Meal",
    "Meeting",
    "OffQueueWork",
    "TimeOff",
    "Training",
    "Unavailable",
)


def user_wire(user_id: str, name: str, email: str | None, state: str = "active") -> WireDict:
    """A Genesys ``User`` as ``GET /api/v2/users`` lists it."""
    if state not in USER_STATES:
        raise ValueError(f"user state must be one of {USER_STATES}")
    wire: WireDict = {
        "id": user_id,
        "name": name,
        "division": {**DIVISION, "selfUri": f"/api/v2/authorization/divisions/{DIVISION['id']}"},
        "state": state,
        "username": (email or user_id).strip(),
        "version": 1,
        "acdAutoAnswer": False,
        "selfUri": f"/api/v2/users/{user_id}",
    }
    if email is not None:
        wire["email"] = email
        wire["primaryContactInfo"] = [{"address": email, "mediaType": "EMAIL", "type": "PRIMARY"}]
    return wire


class Org:
    """Users, business units (with their activity codes) and management units (with their
    agents). Not locked by itself: ``GenesysState`` holds the one lock."""

    def __init__(self) -> None:
        self.users: dict[str, WireDict] = {}
        self.business_units: dict[str, WireDict] = {}
        self.activity_codes: dict[str, dict[str, WireDict]] = {}  # bu id -> code id -> code
        self.management_units: dict[str, WireDict] = {}
        self.members: dict[str, list[str]] = {}  # mu id -> user ids
        self._mu_of: dict[str, str] = {}  # user id -> mu id

    # --- loading ---------------------------------------------------------------------

    def add_user(self, user: WireDict) -> None:
        """Add or replace a user (wire shape, see ``user_wire``)."""
        self.users[user["id"]] = dict(user)

    def add_business_unit(self, bu: WireDict, codes: Iterable[WireDict] = ()) -> None:
        """Add a business unit with its activity codes."""
        self.business_units[bu["id"]] = dict(bu)
        self.activity_codes.setdefault(bu["id"], {})
        for code in codes:
            if code.get("category") not in CATEGORIES:
                raise ValueError(f"activity code category must be one of {CATEGORIES}")
            self.activity_codes[bu["id"]][code["id"]] = dict(code)

    def add_management_unit(self, mu: WireDict, user_ids: Iterable[str] = ()) -> None:
        """Add a management unit (its ``businessUnit.id`` must exist) and its agents; an
        agent belongs to one management unit at a time, as in Genesys."""
        if mu["businessUnit"]["id"] not in self.business_units:
            raise ValueError(f"unknown business unit {mu['businessUnit']['id']!r}")
        self.management_units[mu["id"]] = dict(mu)
        self.members.setdefault(mu["id"], [])
        for user_id in user_ids:
            previous = self._mu_of.get(user_id)
            if previous is not None and user_id in self.members[previous]:
                self.members[previous].remove(user_id)
            self.members[mu["id"]].append(user_id)
            self._mu_of[user_id] = mu["id"]

    def clear(self) -> None:
        """Forget everything."""
        for table in (
            self.users,
            self.business_units,
            self.activity_codes,
            self.management_units,
            self.members,
            self._mu_of,
        ):
            table.clear()

    # --- reads -----------------------------------------------------------------------

    def user(self, user_id: object) -> WireDict | None:
        """The user with this id, if any (any state)."""
        return self.users.get(user_id) if isinstance(user_id, str) else None

    def users_in(self, states: set[str], ids: list[str] | None) -> list[WireDict]:
        """Users in ``states``, in a stable order (by name, then id), optionally by id."""
        found = [
            u
            for u in self.users.values()
            if u["state"] in states and (ids is None or u["id"] in ids)
        ]
        return sorted(found, key=lambda u: (u["name"].casefold(), u["id"]))

    def business_unit(self, bu_id: str) -> WireDict:
        """The business unit; 404 when unknown."""
        bu = self.business_units.get(bu_id)
        if bu is None:
            raise Rejected(404, f"Business unit {bu_id} not found")
        return bu

    def management_unit(self, mu_id: str) -> WireDict:
        """The management unit; 404 when unknown."""
        mu = self.management_units.get(mu_id)
        if mu is None:
            raise Rejected(404, f"Management unit {mu_id} not found")
        return mu

    def units_of(self, bu_id: str) -> list[WireDict]:
        """The management units of a business unit, by name."""
        self.business_unit(bu_id)
        units = [m for m in self.management_units.values() if m["businessUnit"]["id"] == bu_id]
        return sorted(units, key=lambda m: (m["name"], m["id"]))

    def agents_of(self, bu_id: str) -> list[str]:
        """User ids of every agent in the business unit's management units."""
        return [u for mu in self.units_of(bu_id) for u in self.members.get(mu["id"], [])]

    def business_unit_of(self, user_id: str) -> str | None:
        """The business unit the user is scheduled in (through their management unit)."""
        mu = self._mu_of.get(user_id)
        return self.management_units[mu]["businessUnit"]["id"] if mu else None

    def code(self, bu_id: str, code_id: str) -> WireDict | None:
        """One activity code of a business unit."""
        return self.activity_codes.get(bu_id, {}).get(code_id)

    def coaching_code(self, bu_id: str) -> str:
        """The activity code coaching appointments get in the schedule: the business unit's
        ``settings.coaching.defaultActivityCode``, else its first Meeting code."""
        bu = self.business_unit(bu_id)
        default = bu.get("settings", {}).get("coaching", {}).get("defaultActivityCode", {})
        if default.get("id"):
            return str(default["id"])
        for code in self.activity_codes.get(bu_id, {}).values():
            if code["category"] == "Meeting":
                return str(code["id"])
        raise Rejected(400, f"Business unit {bu_id} has no Meeting activity code")
