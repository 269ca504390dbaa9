"""Core speaks no vendor's vocabulary: the grep that proves it.

Vendor words live in their plugins (plugins/assembled/bookings.py owns the ``Meeting`` type
and the ``(ref ...)`` marker, plugins/assembled/wire.py the unix seconds). A hit here means
a vendor's convention leaked into the use cases.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "core"

FORBIDDEN = {
    "a vendor's activity type name": re.compile(r"[\"'`]Meeting[\"'`]|named exactly"),
    "a description marker": re.compile(r"\(ref |ref mtg|endswith\("),
    "a vendor's key format": re.compile(r"sk_(live|test)_"),
    "unix seconds": re.compile(r"timestamp\(|fromtimestamp|unix", re.IGNORECASE),
    "a vendor's name or wire flag": re.compile(r"assembled|genesys|allow_conflicts", re.I),
}


def _core_files() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_core_is_where_the_grep_looks() -> None:
    names = {p.name for p in _core_files()}
    assert {"booking.py", "meeting_sweep.py", "schedules.py", "export.py"} <= names


@pytest.mark.parametrize("what", sorted(FORBIDDEN))
def test_core_contains_no_vendor_vocabulary(what: str) -> None:
    pattern = FORBIDDEN[what]
    hits = [
        f"{path.relative_to(CORE.parent)}:{n}: {line.strip()}"
        for path in _core_files()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert hits == [], f"{what} in core/:\n" + "\n".join(hits)


def test_the_grep_would_catch_the_old_vocabulary() -> None:
    """The patterns match what core used to say (so an empty result means something)."""
    old = [
        'MEETING_TYPE = "Meeting"',
        'return f"(ref {meeting_id})"',
        'GOOD = "sk_live_abc"',
        "deadline = self._clock.now().timestamp() + wait",
        "send allow_conflicts: true to Assembled",
    ]
    assert all(any(p.search(line) for line in old) for p in FORBIDDEN.values())
