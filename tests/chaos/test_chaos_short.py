"""The chaos run, small and with a fixed seed: the same code as bench/chaos.py (which runs it
for a few minutes and prints the figures). Real `wfm` processes against the emulator over
HTTP, random faults and SIGKILLs; every must-be-zero figure must be zero. Once per vendor:
the same run, invariants and figures against the Assembled and the Genesys Cloud emulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from .concurrent_chaos import ConcurrentFigures
from .export_chaos import ExportFigures
from .meetings_chaos import MeetingsFigures
from .suite import SHORT, run_chaos

SEED = 20240607


@pytest.mark.slow
@pytest.mark.parametrize("vendor", ["assembled", "genesys"])
def test_short_chaos_run_loses_doubles_and_destroys_nothing(tmp_path: Path, vendor: str) -> None:
    parts = ("export", "meetings", "concurrent")
    report = run_chaos(SEED, SHORT, tmp_path, parts, print, vendor)
    print("\n".join(report.lines()))

    assert report.breaches() == {}
    export, meetings, concurrent = (p.figures for p in report.parts)
    assert isinstance(export, ExportFigures) and isinstance(meetings, MeetingsFigures)
    assert isinstance(concurrent, ConcurrentFigures)
    # the run did try: faults of several kinds struck, kills were planned, work was done
    faults = report.parts[0].faults + report.parts[1].faults
    assert sum(faults.values()) >= 5 and len(faults) >= 3
    assert export.kill_attempts > 0 and export.mappable > 0 and export.rows_pushed > 0
    assert meetings.books_confirmed > 0 and meetings.cancels > 0
    assert concurrent.rounds == 2 and concurrent.exported_by_one == 2
