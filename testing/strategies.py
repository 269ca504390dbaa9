"""Hypothesis strategies for JSON values (what crosses the Cache and StateStore ports)."""

from __future__ import annotations

import json

from hypothesis import strategies as st

from wfm_bridge.ports.jsonvalue import JsonValue

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values: st.SearchStrategy[JsonValue] = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
keys = st.text(min_size=1, max_size=30)


def canonical(value: JsonValue) -> str:
    """A JSON text that tells apart values Python would call equal (1 vs 1.0 vs True)."""
    return json.dumps(value, sort_keys=True)
