"""GenesysApi: the endpoints the plugin uses, typed, over one ``GenesysClient``.

Every method is one logical call (a listing walked to its last page counts as one); errors
are the product's (ports/errors.py). Idempotency follows the retry table: reads, the
schedule search and the ``Total`` metric upsert are repeated freely; creating or deleting
an appointment is not (no answer -> ``OutcomeUnknownError``: read back before retrying).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from wfm_bridge.plugins.genesys.client import GenesysClient
from wfm_bridge.plugins.genesys.wire import (
    MAX_METRIC_ITEMS,
    ActivityCode,
    AgentSchedules,
    BusinessUnit,
    BusinessUnitItem,
    CoachingAppointment,
    Listing,
    ManagementUnit,
    MetricDefinition,
    MetricItem,
    MetricWrite,
    MetricWriteAnswer,
    NewAppointment,
    Ref,
    ScheduleSearch,
    User,
    instant,
)
from wfm_bridge.ports.errors import InvalidInputError

WFM = "/api/v2/workforcemanagement"
COACHING = "/api/v2/coaching/appointments"
METRICS = "/api/v2/employeeperformance/externalmetrics"
MAX_APPOINTMENT_USERS = 100


class GenesysApi:
    """Typed calls to Genesys Cloud."""

    def __init__(self, client: GenesysClient) -> None:
        self.client = client

    def users(self, *, page_size: int = 500, state: str = "any") -> Iterator[User]:
        """Every user (all states by default: inactive ones must be seen to be refused)."""
        params: dict[str, str | int] = {"pageSize": page_size, "state": state}
        for page in self.client.pages(User, "/api/v2/users", params):
            yield from page

    def business_units(self) -> list[BusinessUnitItem]:
        """The business units this client may see."""
        listing: Listing[BusinessUnitItem] = self.client.get(
            Listing[BusinessUnitItem], f"{WFM}/businessunits"
        )
        return list(listing.entities)

    def business_unit(self, bu_id: str) -> BusinessUnit:
        """One business unit with its settings (time zone, coaching activity code)."""
        return self.client.get(BusinessUnit, f"{WFM}/businessunits/{bu_id}", {"expand": "settings"})

    def activity_codes(self, bu_id: str) -> list[ActivityCode]:
        """The activity codes of a business unit."""
        listing: Listing[ActivityCode] = self.client.get(
            Listing[ActivityCode], f"{WFM}/businessunits/{bu_id}/activitycodes"
        )
        return list(listing.entities)

    def management_units(self, bu_id: str) -> list[ManagementUnit]:
        """The management units of a business unit (each with its time zone)."""
        path = f"{WFM}/businessunits/{bu_id}/managementunits"
        return [m for page in self.client.pages(ManagementUnit, path) for m in page]

    def unit_agents(self, mu_id: str) -> list[str]:
        """The user ids of a management unit's agents."""
        listing: Listing[Ref] = self.client.get(
            Listing[Ref], f"{WFM}/managementunits/{mu_id}/users"
        )
        return [r.id for r in listing.entities]

    def schedules(
        self, bu_id: str, start: datetime, end: datetime, user_ids: Sequence[str] | None
    ) -> AgentSchedules:
        """Published schedules of these agents overlapping ``[start, end)``."""
        search = ScheduleSearch(
            start_date=start, end_date=end, user_ids=None if user_ids is None else list(user_ids)
        )
        return self.client.search_schedules(bu_id, search)

    def create_appointment(self, appointment: NewAppointment) -> CoachingAppointment:
        """Create a coaching appointment (not idempotent)."""
        return self.client.send(
            CoachingAppointment, "POST", COACHING, appointment.body(), idempotent=False
        )

    def appointment(self, appointment_id: str) -> CoachingAppointment:
        """One appointment; ``NotFoundError`` once deleted."""
        return self.client.get(CoachingAppointment, f"{COACHING}/{appointment_id}")

    def appointments(
        self, user_ids: Sequence[str], start: datetime, end: datetime, *, overlapping: bool = True
    ) -> list[CoachingAppointment]:
        """Appointments of these users in ``[start, end)`` (overlapping it, by default)."""
        if not user_ids or len(user_ids) > MAX_APPOINTMENT_USERS:
            raise InvalidInputError(
                f"ask for the appointments of 1 to {MAX_APPOINTMENT_USERS} users at a time"
            )
        params: dict[str, str | int] = {
            "userIds": ",".join(user_ids),
            "interval": f"{instant(start)}/{instant(end)}",
            "pageSize": 100,
        }
        if overlapping:
            params["intervalCondition"] = "Overlaps"
        return [
            a for page in self.client.pages(CoachingAppointment, COACHING, params) for a in page
        ]

    def delete_appointment(self, appointment_id: str) -> None:
        """Delete one appointment (and its schedule activities); not idempotent."""
        self.client.request("DELETE", f"{COACHING}/{appointment_id}", idempotent=False)

    def metric_definitions(self) -> list[MetricDefinition]:
        """Every external metric definition."""
        path = f"{METRICS}/definitions"
        return [
            d for page in self.client.pages(MetricDefinition, path, {"pageSize": 100}) for d in page
        ]

    def write_metrics(self, items: Sequence[MetricItem]) -> list[MetricWriteAnswer]:
        """Upsert daily values in batches of at most 100 (``Total`` items: idempotent)."""
        answers = []
        for batch in batches(items):
            idempotent = all(i.type == "Total" for i in batch.items)
            answers.append(
                self.client.send(
                    MetricWriteAnswer,
                    "POST",
                    f"{METRICS}/data",
                    batch.body(),
                    idempotent=idempotent,
                )
            )
        return answers


def batches(items: Sequence[MetricItem]) -> list[MetricWrite]:
    """``items`` as write requests of at most 100 items each, in order."""
    return [
        MetricWrite(items=list(items[i : i + MAX_METRIC_ITEMS]))
        for i in range(0, len(items), MAX_METRIC_ITEMS)
    ]
