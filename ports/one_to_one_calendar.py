"""The OneToOneCalendar port: book, find and cancel one-to-ones in a WFM system.

How a vendor writes a 1:1 (an activity of a type it requires, a native appointment...) and
how it recognises its own bookings again is the adapter's business: the product only hands
over a booking reference and asks for it back. The product keeps the ledger, records its
intent before every write, reads back after an ambiguous failure and sweeps stray copies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from wfm_bridge.ports.models import BookedOneToOne, OneToOne


@runtime_checkable
class OneToOneCalendar(Protocol):
    """One tenant's 1:1s in one WFM account (optional capability ``one_to_ones``).

    Errors as for ``ScheduleSource``, plus those named per method. Nothing here may delete,
    trim or move anything the calendar did not book itself.
    """

    name: str

    def book(self, one_to_one: OneToOne) -> BookedOneToOne:
        """Create the 1:1 (every activity or appointment it needs) and return it.

        Never deletes or trims another activity: overlaps are allowed. Not idempotent by
        itself: the caller calls ``find`` before booking the same reference again.
        ``NotFoundError`` when the vendor refuses the people or lacks what it needs (nothing
        is created); ``OutcomeUnknownError`` when the request was sent but no answer came
        back (it may exist: the caller reads back with ``find``).
        """
        ...

    def find(
        self, reference: str, agent_id: str, start: datetime, end: datetime
    ) -> list[BookedOneToOne]:
        """Every booking carrying ``reference`` of this agent overlapping ``[start, end)``.

        Usually none or one; more only when a write was applied twice (a late-landing
        retry): the caller cancels the extra copies. Reads only, safe to repeat; any order.
        """
        ...

    def cancel(self, booked: BookedOneToOne) -> None:
        """Remove exactly this 1:1: every activity or appointment it made, nothing else.

        Never a time-window delete. ``NotFoundError`` when it is already gone (the caller
        counts that as done); ``OutcomeUnknownError`` when unconfirmed (repeating is safe).
        """
        ...

    def readiness(self) -> list[str]:
        """What the account lacks before 1:1s can be booked, one note each (empty: ready).

        A cheap read, for `wfm auth status`; errors as usual.
        """
        ...
