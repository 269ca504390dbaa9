"""The OneToOneCalendar port: book, find and cancel one-to-ones in a WFM system.

How a vendor writes a 1:1 (an activity of a type it requires, a native appointment...) and
how it recognises its own bookings again is the adapter's business: the product only hands
over a booking reference and asks for it back. The product keeps the ledger, records its
intent before every write, reads back after an ambiguous failure and sweeps stray copies.

A 1:1 lands in every calendar of ``OneToOne.holders``: the agent's and, when the facilitator
has a schedule, his. An activity-based vendor writes one activity per calendar (each carrying
the reference; ``book_each`` and ``cancel_each`` below do the bookkeeping), a vendor with
appointments one appointment with facilitator and attendees.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from wfm_bridge.ports.errors import NotFoundError, OutcomeUnknownError, WfmError
from wfm_bridge.ports.models import BookedOneToOne, Companion, OneToOne


@runtime_checkable
class OneToOneCalendar(Protocol):
    """One tenant's 1:1s in one WFM account (optional capability ``one_to_ones``).

    Errors as for ``ScheduleSource``, plus those named per method. Nothing here may delete,
    trim or move anything the calendar did not book itself.
    """

    name: str

    def book(self, one_to_one: OneToOne) -> BookedOneToOne:
        """Create the 1:1 in every calendar of ``one_to_one.holders`` and return it, with a
        ``companions`` entry for every holder but the agent.

        Never deletes or trims another activity: overlaps are allowed. Not idempotent by
        itself: the caller calls ``find`` before booking the same reference again.
        ``NotFoundError`` when the vendor refuses the people or lacks what it needs, other
        errors when it refuses otherwise: nothing is left created (what one calendar got is
        removed again when another's is refused); ``OutcomeUnknownError`` when any part was
        sent without an answer, or could not be removed again (parts may exist: the caller
        reads back with ``find``).
        """
        ...

    def find(
        self,
        reference: str,
        agent_id: str,
        start: datetime,
        end: datetime,
        also: Sequence[str] = (),
    ) -> list[BookedOneToOne]:
        """Every booking carrying ``reference`` overlapping ``[start, end)`` in the calendar
        of ``agent_id`` or of the agents ``also`` names (the facilitator's), one entry per
        thing found: its ``agent_id`` is the calendar it sits in (``agent_id`` first where it
        sits in several), ``companions`` the other asked-about calendars the same thing sits
        in (an appointment with attendees).

        Usually one per calendar; more only when a write was applied twice (a late-landing
        retry): the caller cancels the extra copies. Reads only, safe to repeat; any order.
        """
        ...

    def cancel(self, booked: BookedOneToOne) -> None:
        """Remove exactly this 1:1: every activity or appointment it made (``booked.ids``, its
        companions first), nothing else.

        Never a time-window delete. ``NotFoundError`` when all of it is already gone (the
        caller counts that as done); ``OutcomeUnknownError`` when unconfirmed (repeating is
        safe: a part already gone counts as removed).
        """
        ...

    def readiness(self) -> list[str]:
        """What the account lacks before 1:1s can be booked, one note each (empty: ready).

        A cheap read, for `wfm auth status`; errors as usual.
        """
        ...


def book_each(
    one_to_one: OneToOne,
    create: Callable[[str], BookedOneToOne],
    delete: Callable[[str], None],
) -> BookedOneToOne:
    """Book ``one_to_one`` as one activity per holder (``create(agent_id)``, the agent's
    first), the others as its companions. When a holder's create is refused, the activities
    already made are deleted again (``delete(id)``) and the refusal raised: nothing is left;
    when that is not confirmed, or a create had no answer, ``OutcomeUnknownError``."""
    main = create(one_to_one.agent_id)
    made: list[Companion] = []
    for holder in one_to_one.holders[1:]:
        try:
            made.append(Companion(id=create(holder).id, agent_id=holder))
        except OutcomeUnknownError as exc:
            raise OutcomeUnknownError(
                f"the 1:1 {one_to_one.reference} was written to {one_to_one.agent_id}'s "
                f"calendar, but writing it to {holder}'s had no answer ({exc}); read it back"
            ) from exc
        except WfmError as exc:
            try:
                cancel_each([*reversed([c.id for c in made]), main.id], delete)
            except WfmError as undo:
                raise OutcomeUnknownError(
                    f"{holder}'s calendar refused the 1:1 {one_to_one.reference} ({exc}) and "
                    f"removing what was written for it again failed ({undo}); read it back"
                ) from exc
            raise
    return main.model_copy(update={"companions": made})


def cancel_each(ids: Sequence[str], delete: Callable[[str], None]) -> None:
    """``delete`` every id in order (each once); one already gone counts as removed, and
    ``NotFoundError`` only when every one was gone."""
    gone: NotFoundError | None = None
    removed = 0
    for one in dict.fromkeys(ids):
        try:
            delete(one)
            removed += 1
        except NotFoundError as exc:
            gone = exc
    if removed == 0 and gone is not None:
        raise gone


def removal_order(booked: BookedOneToOne) -> list[str]:
    """The ids ``cancel`` removes, companions first (the agent's last: a partial cancel
    leaves the 1:1 where its agent and the schedule view still see it)."""
    return list(dict.fromkeys([*(c.id for c in reversed(booked.companions)), booked.id]))
