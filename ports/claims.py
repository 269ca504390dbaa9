"""The TenantClaims port: how export workers on many processes and machines share the tenants.

Workers export in **rounds** (one pass over the tenants; the hourly worker's round is named
after its hour, so every worker of the fleet joins the same one). In a round, a worker
*claims* one tenant at a time: a **lease** with an expiry that it renews while it exports.
A tenant with a finished run in the round is never claimed again in it; a tenant under a
live lease is skipped by the others; an expired lease (its worker died) is free, so a killed
worker's tenant is picked up within one lease. Claims go to the tenant whose last turn is
oldest: a tenant that outlasts its turn is handed back and waits behind every other tenant,
so one huge backlog never starves the rest. Times are the caller's (the Clock port).

Adapters are registered for ``PortKind.CLAIMS`` (``memory``: one process; ``postgres``: a
fleet) and chosen by name (``WFM_CLAIMS``; default: the one named like the state adapter).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from pydantic import AwareDatetime

from wfm_bridge.ports.models import Dto


class TenantLease(Dto):
    """One worker's claim on one tenant in one round, until ``until``."""

    tenant: str
    round_key: str
    worker: str
    token: str  # this lease's own id: a stale holder's renewal, release or finish does nothing
    until: AwareDatetime


class TenantRun(Dto):
    """A finished turn of a tenant in a round: who ran it, when, how it ended."""

    tenant: str
    round_key: str
    worker: str
    started_at: AwareDatetime
    finished_at: AwareDatetime
    outcome: str  # "ok", "failed", "busy" (another export of the tenant was running)
    detail: str = ""


class TenantStanding(Dto):
    """Where one tenant stands in the fleet: its last finished run and its lease, if any."""

    tenant: str
    last_run: TenantRun | None = None
    leased_by: str | None = None
    leased_until: AwareDatetime | None = None


@runtime_checkable
class TenantClaims(Protocol):
    """Rounds, leases and finished runs shared by every export worker (see module doc).

    Every method is atomic: two workers claiming at the same moment get different tenants.
    ``renew``, ``finish`` and ``hand_back`` act only while the lease's token still holds the
    tenant; a worker whose renewal fails stops exporting the tenant before another page.
    """

    def open_round(
        self, key: str | None, tenants: Sequence[str], now: datetime, join_within: timedelta
    ) -> str:
        """Enrol ``tenants`` and open round ``key`` (idempotent: the workers of one cycle
        pass the same key). ``key=None`` joins the open unnamed round if one was opened less
        than ``join_within`` ago, else opens a new one. Returns the round's key."""
        ...

    def claim(
        self,
        round_key: str,
        worker: str,
        tenants: Sequence[str],
        now: datetime,
        lease: timedelta,
    ) -> TenantLease | None:
        """Lease to ``worker`` one of ``tenants`` with no finished run in the round and no
        live lease, the one whose last turn is oldest (never-run first); None if none."""
        ...

    def renew(self, lease: TenantLease, now: datetime, duration: timedelta) -> TenantLease | None:
        """Extend a lease still held; None when it was lost (expired, then claimed)."""
        ...

    def finish(self, lease: TenantLease, run: TenantRun) -> None:
        """Record ``run`` as the tenant's finished run in the round and end the lease, if
        the lease is still held: a stale holder's finish (its lease expired and the tenant
        was claimed again) records nothing and changes nothing."""
        ...

    def hand_back(self, lease: TenantLease, now: datetime) -> None:
        """End the lease unfinished: the tenant waits behind every other for its next turn."""
        ...

    def unfinished(self, round_key: str, tenants: Sequence[str]) -> int:
        """How many of ``tenants`` have no finished run in the round (leased or not)."""
        ...

    def close_round(self, round_key: str, now: datetime) -> None:
        """Mark the round done: an unnamed round is no longer joined."""
        ...

    def standings(self, tenants: Sequence[str]) -> list[TenantStanding]:
        """For each of ``tenants`` (in the given order): its last finished run and its
        current lease holder (leases past their expiry included; judge them by the time)."""
        ...
