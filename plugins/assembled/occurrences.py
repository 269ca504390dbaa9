"""OccurrenceStream: ``merge_clipped`` one answer at a time, for ``activities``.

The rules are merge_clipped's (see wire.py): each occurrence once (the first answer to
bring its key wins), and an Assembled id shared by several occurrences is replaced by each
occurrence's key. Answers arrive one by one, so an id handed over as unique may turn out to
be shared by a later answer: the batch that finds out withdraws it and brings the earlier
occurrence again under its key, next to the new one.
"""

from __future__ import annotations

from datetime import datetime

from wfm_bridge.plugins.assembled.wire import ClippedPage
from wfm_bridge.ports.models import Activity, ActivityBatch


class OccurrenceStream:
    """Turns clipped answers, in arrival order, into ``ActivityBatch``es."""

    def __init__(self) -> None:
        self._keys: set[str] = set()  # occurrence keys handed over
        # id -> its one occurrence so far, as plain values (the activity objects are let go
        # as soon as the caller is done with them; 100k of them freed at the end cost more)
        self._single: dict[str, _Occurrence] = {}
        self._shared: set[str] = set()  # ids seen on two occurrences or more
        self._batches = 0

    def batch(self, page: ClippedPage) -> ActivityBatch:
        """The next batch: this answer's new occurrences, and any id it shows to be shared."""
        self._batches += 1
        out: list[Activity] = []
        withdrawn: list[str] = []
        keys, single, shared, n = self._keys, self._single, self._shared, self._batches
        for key, wire_id, a in zip(page.keys, page.wire_ids, page.activities, strict=True):
            if key in keys:  # slices overlap at their edges: already handed over
                continue
            keys.add(key)
            if wire_id in shared:
                out.append(a.model_copy(update={"id": key}))
            elif wire_id in single:
                first = single.pop(wire_id)
                shared.add(wire_id)
                if first[1] == n:  # handed over in this very batch: not yet
                    del out[next(i for i, b in enumerate(out) if b.id == wire_id)]
                else:
                    withdrawn.append(wire_id)
                out.append(Activity.trusted(first[0], *first[2:]))
                out.append(a.model_copy(update={"id": key}))
            else:
                single[wire_id] = (key, n, a.agent_id, a.type_id, a.start, a.end, a.description)
                out.append(a)
        return ActivityBatch.trusted(out, withdrawn)


# (occurrence key, batch number, agent id, type id, start, end, description)
_Occurrence = tuple[str, int, str, str, datetime, datetime, str]
