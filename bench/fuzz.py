"""Fuzz run: every `wfm` command and option with hypothesis-generated arguments.

The command tree is read from the typer app (new commands are covered automatically); each
command gets ``--examples`` generated argument lists (dates, ranges, emails, ids, numbers,
unicode, undecodable bytes, empty and huge values, wrong types, extra and missing arguments),
run in-process on the embedded memory_fake default in a temporary data directory with stdin
piped in (never a terminal). Every run must end with exit code 0, 1 or 2, one `error:` line
on failure, never a traceback and never an "unexpected" internal error.

Then runs the hand-typed bad inputs of ``BAD_INPUTS`` (each must exit 2: bad input).

Prints commands tried, runs, outcomes by exit code and by class (ok / usage error /
validation / other error), the slowest run, every contract breach and every misclassified
bad input (the exit status is 1 if there is one).
The short version is tests/fuzz/test_cli_fuzz.py.
Run: .venv/bin/python bench/fuzz.py [--examples 60] [--tour-examples 10] [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzz.cli_space import (
    BAD_INPUTS,
    CLEARED_ENV,
    STDIN_DECODING,
    Command,
    Param,
    Run,
    argv_for,
    misclassified,
    outcome,
    problems,
    run_cli,
    sandbox_env,
    stdin_for,
    walk,
)
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from wfm_bridge.host.cli.app import build_app, discover_cli_plugins


def fuzz_command(
    globals_: tuple[Param, ...], command: Command, examples: int, runs: list[Run], seed_value: int
) -> None:
    """Run ``examples`` generated argument lists for ``command``, recording every run."""

    @seed(seed_value)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=(Phase.generate,),  # a breach is recorded and reported, not shrunk
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def one(data: st.DataObject) -> None:
        argv = data.draw(argv_for(globals_, command))
        stdin = data.draw(stdin_for(command))
        runs.append(run_cli(argv, stdin, data.draw(STDIN_DECODING)))

    one()


def main() -> int:
    """Fuzz every command and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=60, help="argument lists per command")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tour-examples", type=int, default=10,
                        help="argument lists for `wfm demo` (the tour runs a dozen of the other "
                        "commands, each fuzzed on its own, and takes seconds)")
    args = parser.parse_args()

    globals_, commands = walk(build_app(discover_cli_plugins()))
    runs: list[Run] = []
    per_command: dict[str, Counter[str]] = {}
    with tempfile.TemporaryDirectory(prefix="wfm-fuzz-") as tmp:
        os.chdir(tmp)
        for var in CLEARED_ENV:
            os.environ.pop(var, None)
        os.environ.update(sandbox_env(Path(tmp)))
        started = time.perf_counter()
        for command in commands:
            before = len(runs)
            examples = args.tour_examples if command.path == ("demo",) else args.examples
            fuzz_command(globals_, command, examples, runs, args.seed)
            per_command[command.name] = Counter(outcome(r) for r in runs[before:])
            print(f"  {command.name:<26} {len(runs) - before:>5} runs  "
                  + ", ".join(f"{k} {v}" for k, v in sorted(per_command[command.name].items())),
                  flush=True)
        wall = time.perf_counter() - started
        wrong = []
        for argv, expected, stdin in BAD_INPUTS:
            why = misclassified(run_cli(list(argv), stdin), expected)
            if why:
                wrong.append((argv, why))

    options = sum(len(c.params) for c in commands) + len(globals_)
    totals = Counter(outcome(r) for r in runs)
    breaches = [(r, p) for r in runs if (p := problems(r))]
    slowest = max(runs, key=lambda r: r.seconds)
    print("\nwfm CLI fuzz run")
    print(f"  commands tried:          {len(commands)} (+ {len(globals_)} global options; "
          f"{options} options/arguments in all)")
    print(f"  runs:                    {len(runs)} ({args.examples} per command, "
          f"{args.tour_examples} for the tour; seed {args.seed}) in {wall:.1f} s")
    codes = Counter(r.code for r in runs)
    for code in sorted(codes, key=lambda c: (c is None, c or 0)):
        print(f"  {f'exit {code}:':<24} {codes[code]}")
    for name in ("ok", "usage error", "validation", "other error", "broken"):
        print(f"  {name + ':':<24} {totals.get(name, 0)}")
    print(f"  contract breaches:       {len(breaches)}")
    bad = sum(code == 2 for _, code, _ in BAD_INPUTS)
    print(f"  bad inputs (exit 2):     {bad} tried, {len(wrong)} misclassified")
    for argv, why in wrong:
        print(f"    MISCLASSIFIED wfm {' '.join(argv)}: {why[:300]}")
    print(f"  slowest run:             {slowest.seconds:.2f} s  wfm {' '.join(slowest.argv)[:80]}")
    for run, found in breaches[:40]:
        print(f"\n  BREACH wfm {' '.join(map(repr, run.argv))[:300]}")
        if run.stdin:
            print(f"    stdin {run.stdin[:60]!r}")
        for problem in found:
            print(f"    - {problem[:400]}")
    return 1 if breaches or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
