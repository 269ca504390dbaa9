"""Two exports of one tenant started at once: one exports, the other skips (BusyError) or
waits, and no score is pushed twice.

Each round records a fresh backlog, then starts two processes back to back, drawn from
`wfm export run`, `wfm export run --wait` and `wfm export worker --once`. No faults are
injected here, so any row pushed twice is a duplicate.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from .host_side import HostScores, expected_agents
from .world import ChaosWorld, Proc

PAIRS = (
    (("export", "run"), ("export", "run")),
    (("export", "run"), ("export", "worker", "--once")),
    (("export", "worker", "--once"), ("export", "worker", "--once")),
    (("export", "run"), ("export", "run", "--wait")),
)
BUSY = "another export for tenant"
WORKER_SENT = re.compile(r"export \S+: sent (\d+) in")


@dataclass
class ConcurrentFigures:
    """What the concurrent-export rounds did."""

    rounds: int = 0
    scores: int = 0
    exported_by_one: int = 0
    other_skipped_busy: int = 0
    other_waited_or_after: int = 0
    outcomes: list[str] = field(default_factory=list)  # one line per round
    both_exported: list[str] = field(default_factory=list)
    neither_exported: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    contract: list[str] = field(default_factory=list)

    def breaches(self) -> dict[str, int]:
        """Every figure that must be zero, by name."""
        return {
            "both exported": len(self.both_exported),
            "neither exported": len(self.neither_exported),
            "duplicated": len(self.duplicated),
            "lost": len(self.lost),
            "CLI contract breaches": len(self.contract),
        }


def run_concurrent_exports(
    world: ChaosWorld, rng: random.Random, rounds: int, scores_per_round: int
) -> ConcurrentFigures:
    """Run ``rounds`` rounds of two simultaneous exports of the same tenant."""
    home = world.home("concurrent")
    host = HostScores(home, rng, prefix=f"cc{rng.randrange(10**6):06d}")
    figures = ConcurrentFigures()
    world.faults.enabled = False
    # agents that map: each backlog must go out in full, once
    host.emails = sorted(expected_agents(world.vendor.people()))
    for round_no in range(rounds):
        first, second = PAIRS[round_no % len(PAIRS)]
        host.record(scores_per_round, 0)
        figures.scores += scores_per_round
        batch = ("--batch-size", "5")
        a = world.start(home, *first, *batch)
        b = world.start(home, *second, *batch)
        procs = [world.finish(a), world.finish(b)]
        figures.rounds += 1
        _judge(procs, figures, f"round {round_no + 1}: {' '.join(first)} + {' '.join(second)}")
    _count_pushes(world, host, figures)
    return figures


def _sent(proc: Proc) -> int | None:
    """Scores a process exported, 0 if it skipped or found nothing, None if unknown."""
    if proc.args[:2] == ("export", "worker"):
        found = WORKER_SENT.search(proc.err)
        return int(found.group(1)) if found else 0
    if proc.code != 0:
        return 0 if BUSY in proc.err else None
    found = re.search(r"Sent (\d+) score", proc.out)
    return int(found.group(1)) if found else 0


def _judge(procs: list[Proc], figures: ConcurrentFigures, label: str) -> None:
    for proc in procs:
        problem = proc.problem()
        if problem is not None:
            figures.contract.append(f"{label}: {problem}")
    sent = [_sent(p) for p in procs]
    if None in sent:
        figures.contract.append(f"{label}: an export failed: {[p.err.strip() for p in procs]}")
        return
    exporters = [n for n in sent if n]
    if len(exporters) > 1:
        figures.both_exported.append(f"{label}: sent {sent}")
    elif not exporters:
        figures.neither_exported.append(f"{label}: sent {sent}")
    else:
        figures.exported_by_one += 1
        other = procs[sent.index(0)]
        busy = BUSY in other.err
        figures.other_skipped_busy += busy
        figures.other_waited_or_after += not busy
        how = "skipped (busy)" if busy else f"waited, then found nothing ({other.seconds:.1f} s)"
        figures.outcomes.append(f"{label}: {max(exporters)} sent by one, the other {how}")


def _count_pushes(world: ChaosWorld, host: HostScores, figures: ConcurrentFigures) -> None:
    """Every backlog evaluation pushed once where pushes name evaluations (Assembled's rows),
    and stored exactly once, as the vendor stores it."""
    pushes = world.vendor.evaluation_pushes()
    if pushes is not None:
        ours = {e: pushes[e] for e in host.agent}
        figures.duplicated = sorted(e for e, n in ours.items() if n > 1)
        figures.lost = sorted(e for e, n in ours.items() if n == 0)
    agents = expected_agents(world.vendor.people())
    latest = host.latest()
    mine = {e: (s, agents[s.agent_email]) for e, s in latest.items() if s.agent_email in agents}
    found = world.vendor.score_problems(mine)  # what the export part stored is not ours
    figures.duplicated += found.duplicated
    figures.lost += found.lost + found.stale
