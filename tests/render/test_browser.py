"""The HTML calendar laid out by a real browser: every block where its times say it belongs.

Needs Debian's ``chromium`` (``scripts/install-chromium.sh``). Missing Chromium fails the test
under CI (``CI=true``) and skips it elsewhere. Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from headless import CHROMIUM, available, dump_measured_dom, screenshot
from page_reader import Element, read_page, with_class
from render_fixtures import Case, Expected, one_by_sixty, twenty_by_seven

from host.render import render_html
from ports.models import ScheduleView

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
TOLERANCE_PX = 1.0
FIXTURES: dict[str, Callable[[], Case]] = {
    "1x60": one_by_sixty,
    "20x7": twenty_by_seven,
}


@pytest.fixture(scope="module", autouse=True)
def _chromium() -> None:
    if available():
        return
    reason = f"{CHROMIUM} not found: run scripts/install-chromium.sh (Debian's chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser test cannot run in CI: {reason}")
    pytest.skip(reason)


@dataclass(frozen=True)
class Laid:
    """A fixture's view, expected segments, page, and its DOM after layout in Chromium."""

    view: ScheduleView
    expected: list[Expected]
    page: str
    elements: list[Element]


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Laid]:
    """Lay each fixture out once per module (a Chromium launch takes seconds)."""
    done: dict[str, Laid] = {}

    def get(name: str) -> Laid:
        if name not in done:
            case = FIXTURES[name]()
            view, expected = case.view, case.segments
            page = render_html(view)
            dom = dump_measured_dom(page, tmp_path_factory.mktemp(f"dom-{name}"))
            done[name] = Laid(view, expected, page, read_page(dom)[0])
        return done[name]

    return get


def _rect(element: Element) -> tuple[float, float, float, float]:
    left, top, width, height = (float(v) for v in element.data("rect").split(","))
    return left, top, width, height


def _inside(inner: Element, outer: Element) -> bool:
    il, it, iw, ih = _rect(inner)
    ol, ot, ow, oh = _rect(outer)
    eps = TOLERANCE_PX
    return (
        il >= ol - eps and it >= ot - eps and il + iw <= ol + ow + eps and it + ih <= ot + oh + eps
    )


@pytest.mark.parametrize("name", FIXTURES)
def test_every_block_is_drawn_at_its_time_in_its_date_row_and_lane(
    name: str, laid_out: Callable[[str], Laid]
) -> None:
    expected, elements = laid_out(name).expected, laid_out(name).elements
    body = next(e for e in elements if e.tag == "body")
    assert body.data("resources") == "0"  # nothing fetched: the page is self-contained
    days = {e.data("date"): e for e in elements if e.tag == "section" and "day" in e.classes}
    lanes = {
        (e.data("employee"), e.data("date")): e
        for e in with_class(elements, "lane")
        if "data-employee" in e.attrs
    }
    tracks = with_class(elements, "track")
    blocks = {
        (b.data("employee"), b.data("date"), b.data("activity-id")): b
        for b in with_class(elements, "block")
    }
    assert len(blocks) == len(expected) == len(with_class(elements, "block"))
    for exp in expected:
        where = (exp.employee, exp.date.isoformat())
        block = blocks[(*where, exp.activity_id)]
        assert block.data("in-lane") == "|".join(where)
        assert block.data("in-day") == exp.date.isoformat()
        lane, day = lanes[where], days[exp.date.isoformat()]
        track = next(t for t in tracks if _inside(t, lane))
        assert _inside(block, track) and _inside(track, day), (exp, block.data("rect"))
        left, _, width, _ = _rect(block)
        t_left, _, t_width, _ = _rect(track)
        want_left = t_left + exp.start_min / 1440 * t_width
        want_width = (exp.end_min - exp.start_min) / 1440 * t_width
        assert left == pytest.approx(want_left, abs=TOLERANCE_PX), exp
        assert width == pytest.approx(want_width, abs=TOLERANCE_PX), exp


@pytest.mark.parametrize("name", FIXTURES)
def test_screenshot_of_the_whole_page_is_saved(
    name: str, tmp_path: Path, laid_out: Callable[[str], Laid]
) -> None:
    laid = laid_out(name)
    body = next(e for e in laid.elements if e.tag == "body")
    height = int(body.data("page-height"))
    target = ARTIFACTS / f"calendar-{name}.png"
    screenshot(laid.page, tmp_path, target, height)
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width_px, height_px = struct.unpack(">II", data[16:24])
    assert (width_px, height_px) == (1400, height)
    assert len(data) > 20_000  # a drawn calendar, not a blank page
