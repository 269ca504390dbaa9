"""The CLI's shared vocabulary: terminal-safe text, hints that work as printed, email lists."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from e2e.cli_run import Cli, isolate
from wfm_bridge.host.cli.vocabulary import (
    given_options,
    jsonable,
    safe_text,
    split_people,
    utc,
    with_options,
)


@given(st.text())
def test_safe_text_leaves_no_control_character(text: str) -> None:
    shown = safe_text(text)
    assert all(c in "\n\t" or (ord(c) >= 0x20 and not 0x7F <= ord(c) < 0xA0) for c in shown)
    assert safe_text(shown) == shown  # already visible: unchanged
    if text.isprintable():
        assert shown == text


def test_an_escape_is_shown_not_executed() -> None:
    assert safe_text("red\x1b[31m!\u202e") == "red\\x1b[31m!\\u202e"


def test_hints_carry_the_global_options_given() -> None:
    given_ = given_options({"tenant": "acme", "provider": "assembled",
                            "provider_options": {"base_url": "http://127.0.0.1:8765"}})
    text = "run `wfm auth set-key --provider assembled` again; see `wfm mapping explain EMAIL`"
    assert with_options(text, given_) == (
        "run `wfm --tenant acme --base-url http://127.0.0.1:8765 auth set-key --provider "
        "assembled` again; see `wfm --tenant acme --provider assembled --base-url "
        "http://127.0.0.1:8765 mapping explain EMAIL`"
    )
    assert with_options(text, []) == text


@given(st.lists(st.from_regex(r"[a-z]{1,5}@[a-z]{1,5}\.example", fullmatch=True), min_size=1,
                max_size=5), st.sampled_from([" ", ",", ", ", " ,"]))
def test_email_lists_split_on_spaces_and_commas(emails: list[str], sep: str) -> None:
    assert split_people([sep.join(emails)]) == emails
    assert split_people(emails) == emails


def test_display_names_stay_together() -> None:
    assert split_people(["Ana  Lee, b@x.example", "Sam Taylor"]) == ["Ana Lee", "b@x.example",
                                                                     "Sam Taylor"]


def test_times_are_utc_z() -> None:
    from datetime import datetime, timedelta, timezone

    when = datetime(2025, 6, 3, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert utc(when) == "2025-06-03T14:00:00Z"
    assert jsonable({"start": when, "finished_at": "2025-06-03T09:00:00-05:00",
                     "note": "2025-06-03T09:00:00-05:00"}) == {
        "start": "2025-06-03T14:00:00Z", "finished_at": "2025-06-03T14:00:00Z",
        "note": "2025-06-03T09:00:00-05:00"}  # only times are times


@pytest.fixture
def wfm(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    isolate(monkeypatch, tmp_path)
    return Cli(capsys)


def test_a_description_with_an_escape_does_not_recolour_the_terminal(wfm: Cli) -> None:
    booked = wfm("meetings", "book", "ana.lee@example.com", "--start", "2031-06-03T10:00",
                 "--minutes", "30", "--description", "hi\x1b[31mred", "--force")
    assert booked.code == 0, booked.err
    assert "\x1b" not in booked.out
    listed = wfm("meetings", "list")
    assert "\x1b" not in listed.out and "\\x1b[31m" in listed.out
    shown = wfm("schedule", "ana.lee@example.com", "--start", "2031-06-02", "--days", "7")
    assert shown.code == 0, shown.err
    assert "\x1b" not in shown.out and "\\x1b[31m" in shown.out


def test_an_error_hint_carries_the_options_given(wfm: Cli, tmp_path: Path) -> None:
    home = str(tmp_path / "other")
    result = wfm("--home", home, "--tenant", "acme", "meetings", "cancel", "mtg-x")
    assert result.code == 2
    assert f"`wfm --tenant acme --home {home} meetings list`" in result.err
