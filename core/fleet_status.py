"""Where each tenant stands in the export fleet (`wfm export status --all`): reads only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from wfm_bridge.core.export_state import ExportState
from wfm_bridge.ports.claims import TenantClaims
from wfm_bridge.ports.state import StateStore

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class TenantSchedule:
    """One line of `wfm export status --all`: last run, who ran it, who runs it now, when
    it is due next."""

    tenant: str
    last_run: dict[str, Any] | None  # the export's own record (core/export_state.py)
    worker: str | None  # the fleet worker that finished the tenant's last round, if known
    running_on: str | None  # the worker holding a live lease, if any
    next_due: datetime  # in the past: overdue (never exported, or the fleet is behind)

    def as_dict(self) -> dict[str, Any]:
        """Its fields as a dict (times as datetimes: the faces write them)."""
        return {
            "tenant": self.tenant,
            "last_run": self.last_run,
            "worker": self.worker,
            "running_on": self.running_on,
            "next_due": self.next_due,
        }


def fleet_schedule(
    claims: TenantClaims,
    state: StateStore,
    tenants: Sequence[str],
    now: datetime,
    interval: timedelta = timedelta(hours=1),
) -> list[TenantSchedule]:
    """Where each tenant stands in the fleet (reads only): the export records in the state
    store say when it last ran, the claims say by whom and whether it runs now."""
    out = []
    for standing in claims.standings(list(tenants)):
        record = ExportState(state, standing.tenant).read("last_run")
        live = standing.leased_until is not None and standing.leased_until > now
        started = _started_at(record) or (standing.last_run and standing.last_run.started_at)
        due = now if not started else _EPOCH + ((started - _EPOCH) // interval + 1) * interval
        out.append(
            TenantSchedule(
                tenant=standing.tenant,
                last_run=record,
                worker=standing.last_run.worker if standing.last_run else None,
                running_on=standing.leased_by if live else None,
                next_due=due,
            )
        )
    return out


def _started_at(record: dict[str, Any] | None) -> datetime | None:
    try:
        return datetime.fromisoformat(str(record["started_at"])) if record else None
    except (KeyError, ValueError):
        return None
