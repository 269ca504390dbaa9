"""Drives Debian's headless Chromium for the calendar test: DOM after layout, screenshots."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)
WIDTH = 1400
TIMEOUT_S = 90

# Appended to a copy of the page: records each element's box after layout as data-rect,
# the lane and date row it sits in, the page height, and how many resources were fetched.
MEASURE = """<script>
for (const el of document.querySelectorAll('.block, .track, .lane, section.day')) {
  const r = el.getBoundingClientRect();
  el.dataset.rect = [r.left, r.top, r.width, r.height].join(',');
  if (el.classList.contains('block')) {
    const lane = el.closest('.lane'), day = el.closest('section.day');
    el.dataset.inLane = lane.dataset.employee + '|' + lane.dataset.date;
    el.dataset.inDay = day.dataset.date;
  }
}
document.body.dataset.pageHeight = document.documentElement.scrollHeight;
document.body.dataset.resources = performance.getEntriesByType('resource').length;
</script>"""


def available() -> bool:
    """Whether the Chromium binary is installed."""
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def _run(args: list[str]) -> str:
    """Run Chromium with a fresh profile; return stdout; kill its process group on timeout."""
    with tempfile.TemporaryDirectory(prefix="wfm-chromium-") as profile:
        command = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args]
        proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            out, err = proc.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise
        if proc.returncode != 0:
            raise RuntimeError(f"chromium exited {proc.returncode}: {err[-2000:]}")
        return out


def dump_measured_dom(page: str, workdir: Path, height: int = 900) -> str:
    """The DOM of ``page`` after layout, with the MEASURE script's data attributes."""
    path = workdir / "measured.html"
    path.write_text(page.replace("</body>", MEASURE + "</body>", 1), encoding="utf-8")
    return _run([f"--window-size={WIDTH},{height}", "--dump-dom", path.as_uri()])


def screenshot(page: str, workdir: Path, target: Path, height: int) -> None:
    """Save a PNG of the whole page (window as tall as the page) at ``target``."""
    path = workdir / "page.html"
    path.write_text(page, encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    _run([f"--window-size={WIDTH},{height}", f"--screenshot={target}", path.as_uri()])
