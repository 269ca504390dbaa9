"""How Assembled holds the product's 1:1s: one activity of the type named exactly ``Meeting``
in each holder's calendar (the agent's; the facilitator's when he is an Assembled agent).

The activity's description is ``<title> - <description> (ref <reference>)``: title and
description are what people see in Assembled, the trailing reference is how a booking is
recognised again (``find``) after an ambiguous failure or as a stray copy. The activity is
created with ``allow_conflicts: true`` (wire.create_body) and cancelled by the bulk
endpoint's delete-by-id action (wire.delete_body), never a window delete.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from wfm_bridge.ports.errors import NotFoundError
from wfm_bridge.ports.models import Activity, ActivityType, BookedOneToOne, OneToOne

MEETING_TYPE = "Meeting"


def marker(reference: str) -> str:
    """The text that ends a booking's description and names its reference."""
    return f"(ref {reference})"


def description_for(one: OneToOne) -> str:
    """The activity description: title, the facilitator's text, then the marker."""
    head = f"{one.title} - {one.description}" if one.description else one.title
    return f"{head} {marker(one.reference)}"


def is_booking(activity: Activity, reference: str) -> bool:
    """Whether ``activity`` is one written for the booking ``reference``."""
    return activity.description.endswith(" " + marker(reference))


def bookings(activities: Iterable[Activity], reference: str) -> list[BookedOneToOne]:
    """The activities written for ``reference``, as bookings (each in its own agent's)."""
    return [
        BookedOneToOne(
            id=a.id, reference=reference, agent_id=a.agent_id, start=a.start, end=a.end
        )
        for a in activities
        if is_booking(a, reference)
    ]


def missing_type() -> str:
    """The readiness note when the account has no ``Meeting`` type."""
    return f"missing: create an activity type named exactly `{MEETING_TYPE}`"


class MeetingType:
    """The id of the activity type named exactly ``Meeting``, fetched once per provider and
    fetched again when missing (it may have been created since)."""

    def __init__(self, fetch: Callable[[], list[ActivityType]]) -> None:
        self._fetch = fetch
        self._id: str | None = None
        self._lock = threading.Lock()

    def id(self) -> str:
        """The type id; ``NotFoundError`` naming the missing type (nothing is created)."""
        with self._lock:
            if self._id is None:
                self._id = self.lookup()
            if self._id is None:
                raise NotFoundError(
                    f"Assembled has no activity type named exactly {MEETING_TYPE!r}; create "
                    "one with that exact name in Assembled, then book again; nothing was created"
                )
            return self._id

    def lookup(self) -> str | None:
        """Fetch the types now: the ``Meeting`` type's id (the first by id), or None."""
        found = sorted(t.id for t in self._fetch() if t.name == MEETING_TYPE)
        return found[0] if found else None
