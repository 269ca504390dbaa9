"""The private JSON tables adapters keep beside their vendor (plugins/local/fs.py
locked_json_file): missing is empty, unreadable is a typed error that says what the file holds
and what to do, and is left as it was."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from wfm_bridge.plugins.assembled.locations import ActivityLocations, Location
from wfm_bridge.plugins.genesys.scores import DayLedger
from wfm_bridge.plugins.local.fs import locked_json_file
from wfm_bridge.ports.errors import UnavailableError


def table(path: Path, *, write: bool = True) -> AbstractContextManager[dict[str, object]]:
    return locked_json_file(
        path, dict, lambda t: t, write=write, holds="the test's rows", if_unreadable="delete it"
    )


def test_a_missing_or_non_object_file_is_an_empty_table_and_writes_come_back(
    tmp_path: Path,
) -> None:
    path = tmp_path / "new" / "rows.json"
    with table(path) as rows:
        assert rows == {}
        rows["a"] = [1, 2]
    with table(path, write=False) as rows:
        assert rows == {"a": [1, 2]}
    path.write_text("[1, 2, 3]")
    with table(path, write=False) as rows:
        assert rows == {}


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe"])
def test_an_unreadable_file_names_itself_and_the_remedy_and_is_left_alone(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "rows.json"
    path.write_bytes(content)
    with pytest.raises(UnavailableError) as info, table(path):
        pytest.fail("the block must not run")
    assert str(path) in str(info.value)
    assert "the test's rows" in str(info.value) and "delete it" in str(info.value)
    assert path.read_bytes() == content


def test_each_adapter_says_what_its_file_holds(tmp_path: Path) -> None:
    locations = tmp_path / "a.locations.json"
    scores = tmp_path / "g.scores.json"
    for path in (locations, scores):
        path.write_text("{")
    with pytest.raises(UnavailableError, match="where this plugin's activities live"):
        ActivityLocations(locations).get("act-1")
    with pytest.raises(UnavailableError, match="evaluations behind the Genesys daily scores"):
        DayLedger(scores).rows()
    good = ActivityLocations(tmp_path / "b.locations.json")
    good.remember("act-1", Location("agent-1", 10, 20))
    assert ActivityLocations(tmp_path / "b.locations.json").get("act-1") == Location(
        "agent-1", 10, 20
    )
