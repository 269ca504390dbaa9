"""Every `wfm` command fuzzed with generated arguments: exit 0/1/2, one `error:` line, no
traceback, no "unexpected" internal error (the short version of bench/fuzz.py); and the
hand-typed bad inputs of ``BAD_INPUTS`` classified as bad input (exit 2), every one.

Commands come from walking the typer app, so a new command is fuzzed without editing this
file. Runs share one sandbox data directory per module (the embedded memory_fake default,
seeded once), so later runs see what earlier ones booked, recorded or exported.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz.cli_space import (
    BAD_INPUTS,
    CLEARED_ENV,
    FORCED_ARGS,
    STDIN_DECODING,
    Command,
    argv_for,
    misclassified,
    outcome,
    problems,
    run_cli,
    sandbox_env,
    stdin_for,
    walk,
)
from wfm_bridge.host.cli.app import build_app, discover_cli_plugins

GLOBALS, COMMANDS = walk(build_app(discover_cli_plugins()))
PER_COMMAND = max(2, settings().max_examples // 20)  # 2 by default, 15 under the ci profile
# The tour runs a dozen of the other commands (each fuzzed on its own) and takes seconds.
EXPENSIVE: dict[tuple[str, ...], int] = {("demo",): 1}


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Working directory and environment of every run in this module."""
    root = tmp_path_factory.mktemp("cli-fuzz")
    with pytest.MonkeyPatch.context() as mp:
        for var in CLEARED_ENV:
            mp.delenv(var, raising=False)
        for var, value in sandbox_env(root).items():
            mp.setenv(var, value)
        mp.chdir(root)
        yield root


def test_the_walk_reaches_every_command_and_option() -> None:
    """New commands are covered automatically: the walk sees groups, nested commands, the
    tour that runs without a subcommand, and each command's options and arguments."""
    names = {c.name for c in COMMANDS}
    assert {"<root>", "schedule", "slots", "meetings book", "auth set-key", "export worker",
            "emulator serve assembled", "emulator serve genesys", "demo", "demo reset",
            "scores add"} <= names
    schedule = next(c for c in COMMANDS if c.path == ("schedule",))
    assert {p.name for p in schedule.params} >= {"emails", "start", "days", "fmt", "output"}
    assert next(p for p in schedule.params if p.name == "emails").variadic
    assert {"--tenant", "--provider", "--base-url", "--tz", "--home", "--log-level"} <= {
        o for p in GLOBALS for o in p.opts
    }
    assert all(path in {c.path for c in COMMANDS} for path in FORCED_ARGS)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_fuzzed_arguments_keep_the_cli_contract(command: Command, sandbox: Path) -> None:
    seen: list[str] = []

    @settings(max_examples=EXPENSIVE.get(command.path, PER_COMMAND))
    @given(data=st.data())
    def one(data: st.DataObject) -> None:
        argv = data.draw(argv_for(GLOBALS, command), label="argv")
        stdin = data.draw(stdin_for(command), label="stdin")
        run = run_cli(argv, stdin, data.draw(STDIN_DECODING, label="stdin decoding"))
        seen.append(outcome(run))
        assert not problems(run), (run.argv, problems(run), run.err[-500:])

    one()
    assert seen and "broken" not in seen


def test_bad_inputs_exit_2_with_one_error_line(sandbox: Path) -> None:
    """The same bad input always exits the same way: 2, with one specific `error:` line."""
    wrong = []
    for argv, expected, stdin in BAD_INPUTS:
        found = misclassified(run_cli(list(argv), stdin), expected)
        if found:
            wrong.append((argv, found))
    assert sum(code == 2 for _, code, _ in BAD_INPUTS) >= 40
    assert not wrong, wrong
