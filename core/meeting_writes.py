"""Provider writes for meetings that are safe to repeat: read back before re-creating, and
delete one activity by id (already gone counts as done)."""

from __future__ import annotations

from wfm_bridge.core.meeting_rules import is_meeting_activity
from wfm_bridge.ports.errors import NotFoundError, OutcomeUnknownError, UnavailableError, WfmError
from wfm_bridge.ports.models import Activity, Meeting, NewActivity
from wfm_bridge.ports.provider import WfmProvider


class ProviderWrites:
    """Create/read back/delete one meeting's activity, at most ``attempts`` tries each."""

    def __init__(self, provider: WfmProvider, attempts: int = 2) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self._provider = provider
        self._attempts = attempts

    def read_back(self, meeting: Meeting) -> Activity | None:
        """The meeting's activity in the provider, found by its marker, or None.

        Should a duplicate ever exist, the extra copies (ours, by marker) are deleted by id.
        """
        window = self._provider.list_activities([meeting.agent_id], meeting.start, meeting.end)
        ours = sorted(
            (a for a in window if is_meeting_activity(a.description, meeting.id)),
            key=lambda a: a.id,
        )
        if not ours:
            return None
        for extra in ours[1:]:
            self.delete(extra.id)
        return ours[0]

    def create(self, meeting: Meeting, type_id: str, description: str) -> Activity:
        """Create the activity once. Raises OutcomeUnknownError only when it may exist.

        Any other error means it was proven not to exist: the provider refused it, or every
        ambiguous attempt was read back and not found.
        """
        new = NewActivity(
            agent_id=meeting.agent_id,
            type_id=type_id,
            start=meeting.start,
            end=meeting.end,
            description=description,
        )
        for _ in range(self._attempts):
            try:
                return self._provider.create_activity(new)
            except OutcomeUnknownError as exc:
                found = self._read_back_after(meeting, exc)
                if found is not None:
                    return found
        raise UnavailableError(
            f"{self._provider.name} did not confirm meeting {meeting.id} after "
            f"{self._attempts} attempts; reading back shows it was not created, so nothing "
            "is booked; try again later"
        )

    def _read_back_after(self, meeting: Meeting, cause: OutcomeUnknownError) -> Activity | None:
        try:
            return self.read_back(meeting)
        except WfmError as exc:
            raise OutcomeUnknownError(
                f"meeting {meeting.id} was sent to {self._provider.name} without an answer "
                f"({cause}) and reading it back failed ({exc}); it is kept as pending and will "
                "not be booked twice: run `wfm meetings reconcile` (or book again with the "
                "same --key) to settle it"
            ) from exc

    def delete(self, activity_id: str) -> None:
        """Delete exactly this activity by id; an activity already gone counts as deleted."""
        cause: OutcomeUnknownError | None = None
        for _ in range(self._attempts):
            try:
                self._provider.delete_activity(activity_id)
                return
            except NotFoundError:
                return
            except OutcomeUnknownError as exc:
                cause = exc  # deleting by id again is safe: gone means done
            except WfmError:
                if cause is None:
                    raise  # a definite refusal: the activity is still there
                break  # refused now, but an earlier attempt may have deleted it
        raise OutcomeUnknownError(
            f"deleting activity {activity_id} in {self._provider.name} was not confirmed "
            f"({cause}); run the cancel again, it is safe to repeat"
        ) from cause
