"""README's "Embedding in a host app" example runs as printed (so it cannot rot)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def example() -> str:
    text = README.read_text()
    section = text.split("## Embedding in a host app", 1)[1].split("\n## ", 1)[0]
    [code] = re.findall(r"```python\n(.*?)```", section, re.S)
    return str(code)


def test_the_example_is_short() -> None:
    lines = [line for line in example().splitlines() if line.strip() and "import" not in line]
    assert len(lines) <= 20


def test_the_embedding_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WFM_HOME", str(tmp_path))
    scope: dict[str, Any] = {}
    exec(compile(example(), str(README), "exec"), scope)
    meeting = scope["meeting"]
    view = scope["view"]
    assert meeting.status.value == "booked"
    assert [e.employee.host_id for e in view.employees] == ["u-7"]
