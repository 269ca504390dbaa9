"""Issue 14's Done-when on the embedded demo (memory_fake): slots lie in available blocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from e2e.cli_run import Cli, isolate
from e2e.slots_in_schedule import check_slots_lie_in_available_blocks, next_monday
from wfm_bridge.plugins.memory_fake.demo import HOLIDAY_OFFSET_DAYS, demo_anchor


def test_every_slot_lies_in_available_blocks_of_the_agents_own_schedule(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    isolate(monkeypatch, tmp_path)
    today = datetime.now(UTC).date()
    anchor = demo_anchor(today)
    monkeypatch.setenv("WFM_DEMO_ANCHOR", anchor.isoformat())  # the future is in the demo
    first = next_monday(today)
    days_with = check_slots_lie_in_available_blocks(Cli(capsys), (), first)
    holiday = anchor + timedelta(days=HOLIDAY_OFFSET_DAYS)
    weekdays = {first + timedelta(days=i) for i in range(5)} - {holiday}
    # Oliver Smith (London, 08:30-17:00 Mon-Fri) gets slots on every working day of his
    assert weekdays <= days_with["oliver.smith@example.com"]
