"""Streamed answers fold into exactly what merging them all at once gives."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from wfm_bridge.plugins.assembled.occurrences import OccurrenceStream
from wfm_bridge.plugins.assembled.wire import ClippedPage, merge_clipped
from wfm_bridge.ports.models import Activity

from .support import T0

# A few ids and keys, so that occurrences repeat across answers (slice edges) and ids are
# shared by several occurrences (recurring activities), in every arrival order.
occurrence = st.tuples(st.sampled_from(["k1", "k2", "k3", "k4", "k5"]), st.sampled_from("abc"))
answers = st.lists(st.lists(occurrence, max_size=6, unique_by=lambda o: o[0]), max_size=5)


def page(items: list[tuple[str, str]]) -> ClippedPage:
    out = ClippedPage()
    for key, wire_id in items:
        start = T0 + timedelta(minutes=int(key[1:]))
        out.keys.append(key)
        out.wire_ids.append(wire_id)
        out.activities.append(
            Activity.trusted(wire_id, "agent", "t1", start, start + timedelta(hours=1), key)
        )
    return out


@given(answers)
def test_batches_fold_into_the_merged_listing(items: list[list[tuple[str, str]]]) -> None:
    stream = OccurrenceStream()
    folded: dict[str, Activity] = {}
    for answer in items:
        batch = stream.batch(page(answer))
        for gone in batch.withdrawn:
            del folded[gone]  # only ids handed over before are withdrawn
        for a in batch.activities:
            assert a.id not in folded  # ids stay unique at every step
            folded[a.id] = a

    merged = merge_clipped([page(answer) for answer in items])
    assert folded == {a.id: a for a in merged}
    assert len(merged) == len(folded)
