"""InMemoryTenantClaims: the TenantClaims port in one process (a worker alone, and tests).

The same rules as the PostgreSQL adapter under one lock: rounds, leases with expiry, one
finished run per tenant and round, oldest turn first.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from wfm_bridge.ports.claims import TenantLease, TenantRun, TenantStanding


@dataclass
class _Round:
    key: str
    named: bool
    opened_at: datetime
    closed: bool = False


@dataclass
class _Tenant:
    lease: TenantLease | None = None
    turn_at: datetime | None = None  # when its last turn ended (None: never had one)
    last_run: TenantRun | None = None


class InMemoryTenantClaims:
    """Claims shared by the threads of one process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rounds: dict[str, _Round] = {}
        self._tenants: dict[str, _Tenant] = {}
        self._done: dict[tuple[str, str], TenantRun] = {}

    def open_round(
        self, key: str | None, tenants: Sequence[str], now: datetime, join_within: timedelta
    ) -> str:
        """Enrol the tenants and open (or join) a round."""
        with self._lock:
            for tenant in tenants:
                self._tenants.setdefault(tenant, _Tenant())
            if key is not None:
                self._rounds.setdefault(key, _Round(key, True, now))
                return key
            for found in self._rounds.values():
                if not found.named and not found.closed and now - found.opened_at < join_within:
                    return found.key
            new = f"run:{now.isoformat()}:{uuid.uuid4().hex[:8]}"
            self._rounds[new] = _Round(new, False, now)
            return new

    def claim(
        self,
        round_key: str,
        worker: str,
        tenants: Sequence[str],
        now: datetime,
        lease: timedelta,
    ) -> TenantLease | None:
        """Lease the free tenant whose last turn is oldest."""
        with self._lock:
            free = [
                (t.turn_at is not None, t.turn_at or now, name)
                for name in tenants
                if (t := self._tenants.get(name)) is not None
                and (round_key, name) not in self._done
                and (t.lease is None or t.lease.until <= now)
            ]
            if not free:
                return None
            name = min(free)[2]
            granted = TenantLease(
                tenant=name,
                round_key=round_key,
                worker=worker,
                token=uuid.uuid4().hex,
                until=now + lease,
            )
            self._tenants[name].lease = granted
            return granted

    def renew(self, lease: TenantLease, now: datetime, duration: timedelta) -> TenantLease | None:
        """Extend the lease if it is still ours."""
        with self._lock:
            entry = self._held(lease)
            if entry is None:
                return None
            entry.lease = lease.model_copy(update={"until": now + duration})
            return entry.lease

    def finish(self, lease: TenantLease, run: TenantRun) -> None:
        """Record the run and end the lease, if it is still ours (a stale holder's finish
        does nothing)."""
        with self._lock:
            entry = self._held(lease)
            if entry is None:
                return
            self._done[(lease.round_key, lease.tenant)] = run
            if entry.last_run is None or entry.last_run.finished_at <= run.finished_at:
                entry.last_run = run
            entry.turn_at = run.finished_at
            entry.lease = None

    def hand_back(self, lease: TenantLease, now: datetime) -> None:
        """End the lease unfinished; the tenant's turn moves to the back."""
        with self._lock:
            entry = self._held(lease)
            if entry is not None:
                entry.lease = None
                entry.turn_at = now

    def _held(self, lease: TenantLease) -> _Tenant | None:
        """The tenant's entry while ``lease``'s token still holds it (caller has the lock)."""
        entry = self._tenants.get(lease.tenant)
        if entry is None or entry.lease is None or entry.lease.token != lease.token:
            return None
        return entry

    def unfinished(self, round_key: str, tenants: Sequence[str]) -> int:
        """Tenants with no finished run in the round."""
        with self._lock:
            return sum(1 for t in set(tenants) if (round_key, t) not in self._done)

    def close_round(self, round_key: str, now: datetime) -> None:
        """Mark the round done."""
        with self._lock:
            found = self._rounds.get(round_key)
            if found is not None:
                found.closed = True

    def standings(self, tenants: Sequence[str]) -> list[TenantStanding]:
        """Last run and lease of each tenant."""
        with self._lock:
            out = []
            for name in tenants:
                entry = self._tenants.get(name) or _Tenant()
                lease = entry.lease
                out.append(
                    TenantStanding(
                        tenant=name,
                        last_run=entry.last_run,
                        leased_by=lease.worker if lease else None,
                        leased_until=lease.until if lease else None,
                    )
                )
            return out
