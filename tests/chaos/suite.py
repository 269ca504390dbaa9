"""The whole chaos run: export, meetings and concurrent exports against one emulator, and the
figures it prints. Shared by bench/chaos.py (full, a few minutes) and
tests/chaos/test_chaos_short.py (small, fixed seed).

Every random choice derives from one seed (printed first), so a failing run can be replayed;
process timing still varies, so a replay repeats the same plan, not the same interleaving.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .concurrent_chaos import ConcurrentFigures, run_concurrent_exports
from .export_chaos import ExportFigures, ExportSize, run_export_chaos
from .faults import KINDS, FaultMix
from .meetings_chaos import MeetingsFigures, MeetingsSize, run_meetings_chaos
from .world import ChaosWorld


@dataclass
class ChaosSize:
    """How big each part of the run is."""

    export: ExportSize = field(default_factory=ExportSize)
    meetings: MeetingsSize = field(default_factory=MeetingsSize)
    rounds: int = 4  # concurrent-export rounds
    scores_per_round: int = 60
    mix: FaultMix = field(default_factory=FaultMix)
    # the emulated account's rate limit: the older documented rate (120/min) with a burst of
    # 5, stricter than the client's default (5/s, burst 20): the emulator's own 429s (with
    # Retry-After) come into play, as for an account on a stricter plan
    rate: float = 2.0
    burst: int = 5


FULL = ChaosSize()
SHORT = ChaosSize(
    export=ExportSize(runs=6, new_per_run=(5, 25), rescores_per_run=(0, 8), kill_probability=0.6),
    meetings=MeetingsSize(operations=14, workers=3, kill_probability=0.15),
    rounds=2,
    scores_per_round=30,
    mix=FaultMix(probability=0.3),
)


@dataclass
class Part:
    """One part's figures, with the faults and rate-limited answers during it."""

    name: str
    figures: ExportFigures | MeetingsFigures | ConcurrentFigures
    faults: Counter[str]
    rate_limited: int
    seconds: float


@dataclass
class ChaosReport:
    """Everything the run did and found."""

    seed: int
    parts: list[Part] = field(default_factory=list)
    processes: int = 0

    def breaches(self) -> dict[str, int]:
        """Every must-be-zero figure that is not zero, as "part: figure"."""
        return {
            f"{p.name}: {name}": n
            for p in self.parts
            for name, n in p.figures.breaches().items()
            if n
        }

    def lines(self) -> list[str]:
        """The figures, as printed."""
        out: list[str] = []
        for part in self.parts:
            out += [f"== {part.name} ({part.seconds:.0f} s)"]
            out += _figure_lines(part)
            faults = ", ".join(f"{k} {part.faults[k]}" for k in KINDS if part.faults[k])
            out += [f"  faults injected: {sum(part.faults.values())} ({faults or 'none'})"]
            out += [f"  429s from the emulator's own rate limit: {part.rate_limited}"]
            for name, n in part.figures.breaches().items():
                out += [f"  {name}: {n}" + ("" if n == 0 else "   <-- MUST BE 0")]
        out += [f"`wfm` processes started: {self.processes}"]
        return out


def run_chaos(
    seed: int,
    size: ChaosSize,
    base: Path,
    parts: tuple[str, ...],
    log: Callable[[str], None],
    vendor: str = "assembled",
) -> ChaosReport:
    """Run the chosen parts (export, meetings, concurrent) against ``vendor``'s emulator
    (vendors.py) and return the report."""
    report = ChaosReport(seed)
    world = ChaosWorld(base, seed, size.mix, rate=size.rate, burst=size.burst, vendor=vendor)
    with world:
        log(
            f"{vendor} emulator on {world.url}: rate limit {size.rate:g}/s, burst {size.burst}; "
            f"client timeout {size.mix.client_timeout} s"
        )
        for name in parts:
            rng = random.Random(f"{seed}:{name}")
            before, limited, t0 = Counter(world.faults.counts), world.rate_limited(), time.time()
            log(f"running {name} ...")
            figures: ExportFigures | MeetingsFigures | ConcurrentFigures
            if name == "export":
                figures = run_export_chaos(world, rng, size.export)
            elif name == "meetings":
                figures = run_meetings_chaos(world, rng, size.meetings)
            else:
                figures = run_concurrent_exports(world, rng, size.rounds, size.scores_per_round)
            faults = Counter(world.faults.counts)
            faults.subtract(before)
            part = Part(name, figures, faults, world.rate_limited() - limited, time.time() - t0)
            report.parts.append(part)
        report.processes = world.processes
    return report


def _figure_lines(part: Part) -> list[str]:
    f = part.figures
    if isinstance(f, ExportFigures):
        return [
            f"  scores recorded: {f.scores_recorded} (evaluations {f.evaluations}, "
            f"mappable {f.mappable}); by `wfm scores add` {f.cli_rescores}, of which "
            f"SIGKILLed {f.cli_rescores_killed}",
            f"  runs: {f.runs} (completed {f.runs_ok}, skipped as busy {f.runs_busy}, failed "
            f"with a clear error {f.runs_failed_cleanly}, SIGKILLed {f.kills}); clean drain "
            f"runs {f.drain_runs}",
            f"  kills: {f.kills} (of {f.kill_attempts} planned; the rest had already ended)",
            f"  rows pushed: {f.rows_pushed}; re-sends (same row again, harmless): {f.resends}",
        ]
    if isinstance(f, MeetingsFigures):
        return [
            f"  books: {f.books} (confirmed {f.books_confirmed}); cancels: {f.cancels} "
            f"(confirmed {f.cancels_confirmed}); refused as expected: {f.refused_as_expected}",
            f"  reconciles during the run: {f.reconciles}; kills: {f.kills}; failed with a "
            f"clear error (then retried): {f.failed_cleanly}",
            f"  final reconcile: settled {f.reconciled}, deleted {f.stray_removed} (stray "
            f"copies, unfinished cancels); our activities left {f.marked_activities}",
        ]
    return [
        f"  rounds: {f.rounds} ({f.scores} scores); exported by one: {f.exported_by_one}, "
        f"the other skipped (BusyError): {f.other_skipped_busy}, waited or ran after: "
        f"{f.other_waited_or_after}",
        *(f"    {line}" for line in f.outcomes),
    ]
