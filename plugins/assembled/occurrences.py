"""OccurrenceStream: ``merge_clipped`` one answer at a time, for ``stream_activities``.

The rules are merge_clipped's (see wire.py): each occurrence once (the first answer to
bring its key wins), and an Assembled id shared by several occurrences is replaced by each
occurrence's key. Answers arrive one by one, so an id handed over as unique may turn out to
be shared by a later answer: the batch that finds out withdraws it and brings the earlier
occurrence again under its key, next to the new one.
"""

from __future__ import annotations

from plugins.assembled.wire import ClippedPage
from ports.models import Activity, ActivityBatch


class OccurrenceStream:
    """Turns clipped answers, in arrival order, into ``ActivityBatch``es."""

    def __init__(self) -> None:
        self._keys: set[str] = set()  # occurrence keys handed over
        self._single: dict[str, tuple[str, Activity, int]] = {}  # id -> its one occurrence
        self._shared: set[str] = set()  # ids seen on two occurrences or more
        self._batches = 0

    def batch(self, page: ClippedPage) -> ActivityBatch:
        """The next batch: this answer's new occurrences, and any id it shows to be shared."""
        self._batches += 1
        out: list[Activity] = []
        withdrawn: list[str] = []
        keys, single, shared = self._keys, self._single, self._shared
        for key, wire_id, activity in zip(page.keys, page.wire_ids, page.activities, strict=True):
            if key in keys:  # slices overlap at their edges: already handed over
                continue
            keys.add(key)
            if wire_id in shared:
                out.append(activity.model_copy(update={"id": key}))
            elif wire_id in single:
                first_key, first, batch = single.pop(wire_id)
                shared.add(wire_id)
                if batch == self._batches:  # handed over in this very batch: not yet
                    del out[next(i for i, a in enumerate(out) if a is first)]
                else:
                    withdrawn.append(wire_id)
                out.append(first.model_copy(update={"id": first_key}))
                out.append(activity.model_copy(update={"id": key}))
            else:
                single[wire_id] = (key, activity, self._batches)
                out.append(activity)
        return ActivityBatch.trusted(out, withdrawn)
