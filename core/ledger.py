"""The meeting ledger: the durable record of every meeting this product created.

It lives on the StateStore port. Meetings are kept in ``<tenant>:meetings`` by meeting id;
idempotency keys in ``<tenant>:meeting_keys`` map a caller's key to the meeting it created
(claimed with ``put_if_absent``, so two bookings can never own the same key).
Bookings forgotten as never created are kept as tombstones in ``<tenant>:meeting_tombstones``
until they end: a create that lands late still carries their marker (core/meeting_sweep.py).
A PENDING meeting is a provider write not yet confirmed: a booking when ``cancelled_at`` is
None, a cancel otherwise; ``MeetingService.reconcile`` settles both.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from pydantic import ValidationError

from wfm_bridge.ports.errors import IntegrityError
from wfm_bridge.ports.models import Meeting, MeetingStatus
from wfm_bridge.ports.state import StateStore


class MeetingLedger:
    """One tenant's meetings and idempotency keys, on a StateStore."""

    def __init__(self, state: StateStore, tenant: str) -> None:
        self._state = state
        self._tenant = tenant
        self._meetings = f"{tenant}:meetings"
        self._keys = f"{tenant}:meeting_keys"
        self._tombstones = f"{tenant}:meeting_tombstones"

    @property
    def tenant(self) -> str:
        """The tenant this ledger belongs to."""
        return self._tenant

    def get(self, meeting_id: str) -> Meeting | None:
        """The meeting with this id, or None."""
        raw = self._state.get(self._meetings, meeting_id)
        return None if raw is None else self._load(meeting_id, raw)

    def put(self, meeting: Meeting) -> None:
        """Store (or replace) a meeting record atomically."""
        self._state.put(self._meetings, meeting.id, meeting.model_dump(mode="json"))

    def remove(self, meeting_id: str) -> None:
        """Forget a meeting record (only for bookings proven never to have happened)."""
        self._state.delete(self._meetings, meeting_id)

    def all(self) -> list[Meeting]:
        """Every meeting of the tenant, by start time then id."""
        meetings = [self._load(key, raw) for key, raw in self._state.scan(self._meetings)]
        return sorted(meetings, key=lambda m: (m.start, m.id))

    def booked_activity_ids(self) -> set[str]:
        """Provider ids of BOOKED meetings, in every calendar they sit in (what the schedule
        view marks as ours)."""
        ids: set[str] = set()
        for m in self.all():
            if m.status is MeetingStatus.BOOKED and m.provider_activity_id:
                ids |= {m.provider_activity_id, *(c.id for c in m.companions)}
        return ids

    def by_activity_id(self, activity_id: str) -> Meeting | None:
        """The meeting whose provider activity has this id, if any."""
        return next((m for m in self.all() if m.provider_activity_id == activity_id), None)

    # --- tombstones of forgotten bookings -----------------------------------------------

    def bury(self, meeting: Meeting) -> None:
        """Remember a forgotten booking (no longer a meeting) so a late copy is still ours."""
        self._state.put(self._tombstones, meeting.id, meeting.model_dump(mode="json"))

    def tombstones(self) -> list[Meeting]:
        """Every remembered forgotten booking."""
        return [self._load(key, raw) for key, raw in self._state.scan(self._tombstones)]

    def is_buried(self, meeting_id: str) -> bool:
        """Whether ``meeting_id`` is a forgotten booking."""
        return self._state.get(self._tombstones, meeting_id) is not None

    def unbury(self, meeting_id: str) -> None:
        """Forget a tombstone (its booking has ended: nothing can land for it any more)."""
        self._state.delete(self._tombstones, meeting_id)

    # --- idempotency keys ----------------------------------------------------------------

    def key_owner(self, key: str) -> str | None:
        """The meeting id that claimed ``key``, or None."""
        raw = self._state.get(self._keys, key)
        if raw is None:
            return None
        if not isinstance(raw, str):
            raise IntegrityError(
                f"idempotency key {key!r} in the meeting ledger of tenant {self._tenant!r} is "
                "unreadable; remove it from the state store or use another key"
            )
        return raw

    def claim_key(self, key: str, meeting_id: str) -> bool:
        """Claim ``key`` for ``meeting_id``; False when another meeting already owns it."""
        return self._state.put_if_absent(self._keys, key, meeting_id)

    def release_key(self, key: str) -> None:
        """Free ``key`` (its booking was proven never to have happened)."""
        self._state.delete(self._keys, key)

    def lock(self, meeting_id: str) -> AbstractContextManager[None]:
        """Exclusive lock on one meeting while it is being written (BusyError if held)."""
        return self._state.lock(f"{self._tenant}:meeting:{meeting_id}")

    def _load(self, meeting_id: str, raw: object) -> Meeting:
        try:
            return Meeting.model_validate(raw)
        except ValidationError as exc:
            raise IntegrityError(
                f"meeting {meeting_id!r} in the ledger of tenant {self._tenant!r} is unreadable "
                f"({exc.error_count()} problems); restore the state store from a backup"
            ) from exc
