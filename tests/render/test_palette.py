"""Activity colours: safe provider colours, a palette stable across runs, readable text."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from wfm_bridge.host.render.palette import (
    PALETTE,
    contrast_ratio,
    hashed_index,
    palette_colors,
    safe_color,
    text_color,
)


def test_only_plain_hex_colours_are_accepted_and_normalised() -> None:
    assert safe_color("#4A90D9") == "#4a90d9"
    assert safe_color(" 4a90d9 ") == "#4a90d9"
    assert safe_color("#2b2") == "#22bb22"
    for bad in (None, "", "red", "#12345", "#4a90d9;background:url(x)", "rgb(1,2,3)", "#ggg"):
        assert safe_color(bad) is None


def test_palette_colours_are_the_same_in_another_process_with_another_hash_seed() -> None:
    ids = ["shift", "break", "lunch", "meeting", "type-42", "ÅÄÖ"]
    code = (
        "import json,sys; from wfm_bridge.host.render.palette import palette_colors;"
        "print(json.dumps(palette_colors(json.loads(sys.argv[1]))))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(ids)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == palette_colors(ids)


@given(st.sets(st.text(min_size=1, max_size=12), max_size=len(PALETTE)))
def test_up_to_palette_size_types_get_distinct_colours_independent_of_order(
    ids: set[str],
) -> None:
    colors = palette_colors(ids)
    assert set(colors) == ids
    assert len(set(colors.values())) == len(ids)
    assert palette_colors(sorted(ids, reverse=True)) == colors


@given(st.text(min_size=1, max_size=12))
def test_a_lone_type_gets_its_hashed_colour(type_id: str) -> None:
    assert palette_colors([type_id]) == {type_id: PALETTE[hashed_index(type_id)]}


@given(st.from_regex(r"\A#[0-9a-f]{6}\Z"))
def test_text_colour_meets_wcag_aa_contrast_on_any_background(background: str) -> None:
    assert contrast_ratio(background, text_color(background)) >= 4.5
