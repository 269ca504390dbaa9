"""The HTML calendar laid out by a real browser: every block where its times say it belongs.

Needs Debian's ``chromium`` (``scripts/install-chromium.sh``). Missing Chromium fails the test
under CI (``CI=true``) and skips it elsewhere. Screenshots go to ``artifacts/``.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from render.headless import CHROMIUM, WIDTH, available, dump_measured_dom, screenshot
from render.page_reader import Element, read_page, with_class
from render.render_fixtures import Case, daytime_three, one_by_sixty, twenty_by_seven
from wfm_bridge.host.render import render_html

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
TOLERANCE_PX = 1.0
FIXTURES: dict[str, Callable[[], Case]] = {
    "1x60": one_by_sixty,
    "20x7": twenty_by_seven,
    "3x7-day": daytime_three,
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
    """A fixture laid out by Chromium: its DOM with measured boxes, and its screenshot."""

    case: Case
    elements: list[Element]
    height: int
    screenshot: Path


def _lay_out(name: str, workdir: Path) -> Laid:
    """Render fixture ``name``, measure it in Chromium, and save a full-page screenshot."""
    case = FIXTURES[name]()
    page = render_html(case.view)
    elements = read_page(dump_measured_dom(page, workdir))[0]
    height = int(next(e for e in elements if e.tag == "body").data("page-height"))
    target = ARTIFACTS / f"calendar-{name}.png"
    screenshot(page, workdir, target, height)
    return Laid(case, elements, height, target)


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Laid]:
    """Every fixture laid out once, in parallel (each Chromium launch takes seconds)."""
    with ThreadPoolExecutor(max_workers=len(FIXTURES)) as pool:
        jobs = {n: pool.submit(_lay_out, n, tmp_path_factory.mktemp(n)) for n in FIXTURES}
        return {name: job.result() for name, job in jobs.items()}


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
    name: str, laid_out: dict[str, Laid]
) -> None:
    case, elements = laid_out[name].case, laid_out[name].elements
    expected = case.segments
    lo, hi = case.hours
    axis_minutes = (hi - lo) * 60
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
        want_left = t_left + (exp.start_min - lo * 60) / axis_minutes * t_width
        want_width = (exp.end_min - exp.start_min) / axis_minutes * t_width
        assert left == pytest.approx(want_left, abs=TOLERANCE_PX), exp
        assert width == pytest.approx(want_width, abs=TOLERANCE_PX), exp


@pytest.mark.parametrize("name", FIXTURES)
def test_screenshot_of_the_whole_page_is_saved(name: str, laid_out: dict[str, Laid]) -> None:
    laid = laid_out[name]
    data = laid.screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width_px, height_px = struct.unpack(">II", data[16:24])
    assert (width_px, height_px) == (WIDTH, laid.height)
    assert len(data) > 20_000  # a drawn calendar, not a blank page
