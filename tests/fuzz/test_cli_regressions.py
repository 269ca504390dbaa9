"""What the CLI fuzz run found, pinned: each case broke the one-line-error contract (an
"unexpected" internal error, a traceback, several error lines) or hung, before its fix."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fuzz.cli_space import CLEARED_ENV, Run, problems, run_cli, sandbox_env

AGENT = "ana.lee@example.com"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("cli-regressions")
    with pytest.MonkeyPatch.context() as mp:
        for var in CLEARED_ENV:
            mp.delenv(var, raising=False)
        for var, value in sandbox_env(root).items():
            mp.setenv(var, value)
        mp.chdir(root)
        yield root


def wfm(*argv: str, stdin: bytes = b"", decoding: str = "strict") -> Run:
    """Run the CLI; the run must keep the contract whatever its outcome."""
    run = run_cli(list(argv), stdin, decoding)
    assert not problems(run), (run.argv, problems(run), run.err)
    return run


def refused(run: Run, code: int, *words: str) -> None:
    """Exit ``code`` with one error line that says what to fix."""
    assert run.code == code, run.err
    assert run.err.startswith("error: ") and run.err.count("\n") == 1
    for word in words:
        assert word in run.err, run.err


@pytest.mark.parametrize(
    "argv",
    [
        ("schedule", "a\udcffz@example.com"),  # pydantic refused the lone surrogate
        ("mapping", "explain", "\udcc3\udca9@example.com"),
        ("auth", "remove", "--provider", "a\udca5z"),  # printing it back raised
        ("--tz", "Europe/\udcff", "demo"),
    ],
)
def test_undecodable_argv_bytes_are_refused_in_one_line(sandbox: Path, argv: tuple[str]) -> None:
    refused(wfm(*argv), 2, "not valid UTF-8")


def test_an_undecodable_wfm_variable_is_refused(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WFM_TENANT", "acme\udcff")
    refused(wfm("plugins"), 2, "$WFM_TENANT", "not valid UTF-8")


@pytest.mark.parametrize("decoding", ["strict", "surrogateescape"])
def test_a_key_piped_in_as_non_utf8_bytes_is_refused_without_quoting_it(
    sandbox: Path, decoding: str
) -> None:
    # assembled: the default memory_fake declares no credentials, so it reads no key at all
    run = wfm("--provider", "assembled", "auth", "set-key", stdin=b"sk_live_\xff\xfe\x86",
              decoding=decoding)
    refused(run, 2, "not UTF-8")
    assert "\\x86" not in run.err and "0x86" not in run.err


@pytest.mark.parametrize(
    "argv",
    [
        ("--tz", "Asia/Tokyo", "schedule", AGENT, "--start", "0001-01-01"),
        ("--tz", "Etc/GMT-14", "schedule", AGENT, "--start", "0001-01-01", "--days", "60"),
        ("--tz", "Asia/Tokyo", "slots", AGENT, "--from", "0001-01-01"),
    ],
)
def test_dates_at_the_calendar_edges_are_refused(sandbox: Path, argv: tuple[str]) -> None:
    refused(wfm(*argv), 2, "calendar's limits")


@pytest.mark.parametrize(
    ("start", "minutes"),
    [("9999-12-31T23:50", "30"), ("9999-12-31T23:59-14:00", "1"), ("2030-01-07T10:00", "9" * 30)],
)
def test_meetings_running_off_the_calendar_or_absurdly_long_are_refused(
    sandbox: Path, start: str, minutes: str
) -> None:
    run = wfm("meetings", "book", AGENT, "--start", start, "--minutes", minutes)
    refused(run, 2)
    assert "calendar's limits" in run.err or "longer than the longest 1:1 allowed" in run.err


def test_an_absurd_slot_length_is_refused(sandbox: Path) -> None:
    refused(wfm("slots", AGENT, "--minutes", "9" * 30), 2, "does not fit")


@pytest.mark.parametrize(("score", "top"), [("1", "1e309"), ("inf", "inf"), ("1e309", "100")])
def test_non_finite_scores_are_refused(sandbox: Path, score: str, top: str) -> None:
    run = wfm("scores", "add", "--evaluation", "e-inf", "--agent", AGENT, "--score", score,
              "--max", top)
    refused(run, 2, "must be between 0 and --max")


def test_seeding_scores_writes_the_file_once_not_once_per_score(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each score rewrote the whole file: quadratic, 80 s for 2,000 scores."""
    from wfm_bridge.plugins.memory_fake.scores import DemoScoreSource

    writes: list[int] = []
    original = DemoScoreSource._write

    def counting(self: DemoScoreSource, memory: object) -> None:
        writes.append(1)
        original(self, memory)  # type: ignore[arg-type]

    monkeypatch.setattr(DemoScoreSource, "_write", counting)
    run = wfm("--tenant", "seeded", "scores", "seed", "--count", "300")
    assert run.code == 0 and "recorded 300 demo score(s)" in run.out
    assert len(writes) == 1
    listed = wfm("--tenant", "seeded", "scores", "list", "--json", "--limit", "1000")
    assert len(listed.out.split('"evaluation_id"')) - 1 == 300


@pytest.mark.parametrize("name", ["modify", "bulk-create", "bulk-delete", "sync-shifts"])
def test_not_supported_commands_have_no_option_that_rewrites_their_message(
    sandbox: Path, name: str
) -> None:
    help_text = wfm("meetings", name, "--help").out
    assert "---message" not in help_text
    refused(wfm("meetings", name, "---message", "all good"), 2, "not supported")


@pytest.mark.parametrize(
    ("argv", "code", "word"),
    [
        (("--provider", "assembled", "demo"), 1, "no assembled API key"),
        (("--tz", "Mars/Olympus", "demo"), 2, "unknown time zone"),
    ],
)
def test_the_tour_fails_once_up_front_not_at_every_step(
    sandbox: Path, argv: tuple[str], code: int, word: str
) -> None:
    run = wfm(*argv)
    refused(run, code, word)
    assert "$ wfm" not in run.out  # no step ran


def test_a_hint_quoting_an_option_with_control_characters_stays_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hints carry the global options given: a tenant holding line breaks or escapes must
    not split the error line or reach the terminal raw."""
    monkeypatch.setenv("WFM_HOME", str(tmp_path))
    run = run_cli(["--tenant", "a\x0bb\r\x85c\x1b[31m", "meetings", "cancel", "x"])
    assert run.code == 2
    assert run.err.count("\n") == 1 and run.err.startswith("error: ")
    assert "\x1b" not in run.err
