"""Chaos run: the export, meetings and concurrent exports against the Assembled emulator (or,
with ``--vendor genesys``, the Genesys Cloud one) over real HTTP, with random faults and
random SIGKILLs of real `wfm` processes.

Faults, drawn per request (see tests/chaos/faults.py): 5xx, 429 with and without Retry-After,
latency spikes, dropped connections (write applied first or not), accept-then-timeout, and
late writes applied after the client gave up; the emulated account also has a stricter rate
limit than the client's default (2/s, bursts of 5), so its own 429s with Retry-After come
into play. Every `wfm` process runs `wfm --provider assembled --base-url
http://127.0.0.1:PORT ...` with a shared WFM_HOME per part, the key stored once by
`wfm auth set-key` from stdin, and a 1.5 s client timeout (WFM_OPTION_TIMEOUT).

- export: scores recorded and re-scored (by the host and by `wfm scores add`) across many
  `wfm export run` processes, some SIGKILLed at random moments; one inactive agent is
  reactivated halfway; then a clean drain. The emulator must hold exactly the latest version
  of every mappable score, once: lost, stale and duplicated must be 0.
- meetings: random books (retried with the same --key) and cancels (retried) by concurrent
  `wfm meetings` processes, some SIGKILLed; then a clean `wfm meetings reconcile`. Orphaned
  activities, ledger/provider mismatches and foreign activities deleted or trimmed must be 0.
- concurrent: two exports of one tenant started at once (`export run`, `export run --wait`,
  `export worker --once`): one exports, the other skips or waits; 0 duplicates.

The seed is printed first; `--seed N` replays the same plan. Exit status 1 if any
must-be-zero figure is not zero. The short version is tests/chaos/test_chaos_short.py.
Run: .venv/bin/python bench/chaos.py [--short] [--seed N] [--runs N] [--meetings N] ...
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from chaos.suite import FULL, SHORT, ChaosSize, run_chaos

PARTS = ("export", "meetings", "concurrent")


def _size(args: argparse.Namespace) -> ChaosSize:
    base = SHORT if args.short else FULL
    export, meetings, mix = base.export, base.meetings, base.mix
    if args.runs is not None:
        export = dataclasses.replace(export, runs=args.runs)
    if args.kill_probability is not None:
        export = dataclasses.replace(export, kill_probability=args.kill_probability)
    if args.meetings is not None:
        meetings = dataclasses.replace(meetings, operations=args.meetings)
    if args.workers is not None:
        meetings = dataclasses.replace(meetings, workers=args.workers)
    if args.fault_probability is not None:
        mix = dataclasses.replace(mix, probability=args.fault_probability)
    return dataclasses.replace(
        base,
        export=export,
        meetings=meetings,
        mix=mix,
        rounds=args.rounds if args.rounds is not None else base.rounds,
    )


def main() -> int:
    """Parse arguments, run, print the figures; 1 if anything that must be 0 is not."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="The small version (seconds).")
    parser.add_argument("--seed", type=int, help="Replay a run (default: a random seed).")
    parser.add_argument("--runs", type=int, help="Export runs.")
    parser.add_argument("--kill-probability", type=float, help="Chance an export run is killed.")
    parser.add_argument("--meetings", type=int, help="Meeting operations (books and cancels).")
    parser.add_argument("--workers", type=int, help="Concurrent `wfm meetings` processes.")
    parser.add_argument("--rounds", type=int, help="Concurrent-export rounds.")
    parser.add_argument("--fault-probability", type=float, help="Chance a request is faulted.")
    parser.add_argument("--only", choices=PARTS, action="append", help="Run only these parts.")
    parser.add_argument("--vendor", choices=("assembled", "genesys"), default="assembled")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    size = _size(args)
    replay = " ".join(a for a in sys.argv[1:] if not a.startswith("--seed"))
    print(f"chaos seed: {seed}   (replay: python bench/chaos.py --seed {seed} {replay})")
    print(
        f"sizes: export runs {size.export.runs}, kill probability "
        f"{size.export.kill_probability}; meeting operations {size.meetings.operations} by "
        f"{size.meetings.workers} workers; concurrent rounds {size.rounds}; fault probability "
        f"{size.mix.probability} per request",
        flush=True,
    )
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="wfm-chaos-") as tmp:
        report = run_chaos(
            seed,
            size,
            Path(tmp),
            tuple(args.only or PARTS),
            lambda m: print(m, flush=True),
            args.vendor,
        )
    for line in report.lines():
        print(line)
    breaches = report.breaches()
    print(f"total {time.time() - started:.0f} s; seed {seed}")
    if breaches:
        print("FAILED: " + ", ".join(f"{k} = {n}" for k, n in breaches.items()))
        return 1
    print("OK: every must-be-zero figure is 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
