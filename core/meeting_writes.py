"""Calendar writes for meetings that are safe to repeat: read back before booking again, and
cancel exactly one booking (already gone counts as done)."""

from __future__ import annotations

from wfm_bridge.core.meeting_rules import holders, one_to_one
from wfm_bridge.ports.errors import NotFoundError, OutcomeUnknownError, UnavailableError, WfmError
from wfm_bridge.ports.models import BookedOneToOne, Companion, Meeting
from wfm_bridge.ports.one_to_one_calendar import OneToOneCalendar


class CalendarWrites:
    """Book/read back/cancel one meeting in the calendar, at most ``attempts`` tries each."""

    def __init__(self, calendar: OneToOneCalendar, attempts: int = 2) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self._calendar = calendar
        self._attempts = attempts

    def find(self, meeting: Meeting) -> list[BookedOneToOne]:
        """Every copy of the meeting the calendar holds (found by its reference) in every
        calendar it belongs in (agent's, facilitator's), by id."""
        agent, *others = holders(meeting)
        found = self._calendar.find(meeting.id, agent, meeting.start, meeting.end, others)
        return sorted(found, key=lambda b: (b.agent_id != agent, b.id))

    def read_back(self, meeting: Meeting) -> BookedOneToOne | None:
        """The meeting's booking in the calendar, or None.

        Should a duplicate ever exist, the extra copies (same reference) are cancelled. A
        booking only partly there (the agent's without the facilitator's, after a write that
        had no answer) counts as absent: every part of it is cancelled, so the caller books
        it again whole or forgets it.
        """
        ours = self.find(meeting)
        booking, extras = assemble(holders(meeting), ours)
        for extra in extras:
            self.cancel(extra)
        return booking

    def book(self, meeting: Meeting) -> BookedOneToOne:
        """Book the meeting once. Raises OutcomeUnknownError only when it may exist.

        Any other error means it was proven not to exist: the calendar refused it, or every
        ambiguous attempt was read back and not found.
        """
        wanted = one_to_one(meeting)
        for _ in range(self._attempts):
            try:
                return self._calendar.book(wanted)
            except OutcomeUnknownError as exc:
                found = self._read_back_after(meeting, exc)
                if found is not None:
                    return found
        raise UnavailableError(
            f"{self._calendar.name} did not confirm meeting {meeting.id} after "
            f"{self._attempts} attempts; reading back shows it was not created, so nothing "
            "is booked; try again later"
        )

    def _read_back_after(
        self, meeting: Meeting, cause: OutcomeUnknownError
    ) -> BookedOneToOne | None:
        try:
            return self.read_back(meeting)
        except WfmError as exc:
            raise OutcomeUnknownError(
                f"meeting {meeting.id} was sent to {self._calendar.name} without an answer "
                f"({cause}) and reading it back failed ({exc}); it is kept as pending and will "
                "not be booked twice: run `wfm meetings reconcile` (or book again with the "
                "same --key) to settle it"
            ) from exc

    def cancel(self, booked: BookedOneToOne) -> None:
        """Cancel exactly this booking; one already gone counts as cancelled."""
        cause: OutcomeUnknownError | None = None
        for _ in range(self._attempts):
            try:
                self._calendar.cancel(booked)
                return
            except NotFoundError:
                return
            except OutcomeUnknownError as exc:
                cause = exc  # cancelling exactly this booking again is safe: gone means done
            except WfmError:
                if cause is None:
                    raise  # a definite refusal: the booking is still there
                break  # refused now, but an earlier attempt may have cancelled it
        raise OutcomeUnknownError(
            f"cancelling {booked.id} in {self._calendar.name} was not confirmed "
            f"({cause}); run the cancel again, it is safe to repeat"
        ) from cause


def assemble(
    wanted: list[str], found: list[BookedOneToOne]
) -> tuple[BookedOneToOne | None, list[BookedOneToOne]]:
    """The booking ``found`` makes up (one part in each calendar of ``wanted``, the agent's
    first), and the copies beyond it. When some calendar has no part, no booking: every
    copy is then beyond it."""
    agent = wanted[0]
    main = next((b for b in found if b.agent_id == agent), None)
    if main is None:
        return None, found
    companions: list[Companion] = []
    used = {main.id}
    for holder in wanted[1:]:
        own = next((c for c in main.companions if c.agent_id == holder), None)
        part = own or next(
            (Companion(id=b.id, agent_id=holder) for b in found
             if b.agent_id == holder and b.id not in used),
            None,
        )
        if part is None:
            return None, found
        companions.append(part)
        used.add(part.id)
    extras = [b for b in found if b.id not in used]
    return main.model_copy(update={"companions": companions}), extras
