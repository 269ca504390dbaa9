"""Export chaos: scores recorded and re-scored across many `wfm export run` processes, under
random faults and random SIGKILLs; then a clean drain and the check against the emulator.

The check (``check_export``) compares what the emulator stores with the latest version of
every evaluation in the host's score file, as the vendor stores it (vendors.py): for
Assembled one row per evaluation (missing: *lost*, an older version: *stale*, held by more
than one row: *duplicated*), for Genesys one value per user, metric and day (missing or
counting fewer evaluations: *lost*, counting more: *duplicated*, a wrong mean: *stale*);
unmappable evaluations must be pending, not sent. Re-sends (the same row or item pushed
again, harmless under upsert) are counted apart, and so, for Assembled's rows that name
their version, are pushes of an older version after a newer one.
"""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

from wfm_bridge.core.export_state import ExportState
from wfm_bridge.plugins.local.state import SqliteStateStore

from .host_side import TENANT, HostScores, Version, expected_agents
from .vendors import Assembled
from .world import ChaosWorld, Proc

REACTIVATED = "yuki.tanaka@example.com"  # inactive in the demo; reactivated mid-run


@dataclass
class ExportSize:
    """How much chaos: runs, scores per run, kill probability."""

    runs: int = 40
    new_per_run: tuple[int, int] = (5, 40)
    rescores_per_run: tuple[int, int] = (0, 15)
    kill_probability: float = 0.5
    cli_rescores: float = 0.3  # chance per run of `wfm scores add` re-scorings alongside
    rivals: float = 0.15  # chance per run of a second `wfm export run` started alongside


@dataclass
class ExportFigures:
    """What the export chaos did and what survived."""

    scores_recorded: int = 0
    evaluations: int = 0
    mappable: int = 0
    runs: int = 0
    runs_ok: int = 0
    runs_failed_cleanly: int = 0
    runs_busy: int = 0  # refused at once: another export of the tenant was running
    kills: int = 0
    kill_attempts: int = 0
    cli_rescores: int = 0  # `wfm scores add` processes alongside the exports
    cli_rescores_killed: int = 0
    drain_runs: int = 0
    rows_pushed: int = 0
    resends: int = 0
    lost: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)  # stored though unmappable/unknown
    pending_mismatch: list[str] = field(default_factory=list)
    out_of_order: list[str] = field(default_factory=list)
    contract: list[str] = field(default_factory=list)  # CLI contract breaches

    def breaches(self) -> dict[str, int]:
        """Every figure that must be zero, by name."""
        return {
            "lost": len(self.lost),
            "stale": len(self.stale),
            "duplicated": len(self.duplicated),
            "sent though unmappable": len(self.unexpected),
            "pending mismatch": len(self.pending_mismatch),
            "older version pushed after newer": len(self.out_of_order),
            "CLI contract breaches": len(self.contract),
        }


def run_export_chaos(world: ChaosWorld, rng: random.Random, size: ExportSize) -> ExportFigures:
    """Drive the export under faults and kills, drain it cleanly, and check the emulator."""
    home = world.home("export")
    host = HostScores(home, rng, prefix=f"ev{rng.randrange(10**6):06d}")
    figures = ExportFigures()
    durations: list[float] = []
    world.faults.enabled = True
    for run in range(size.runs):
        if run == size.runs // 2:
            _reactivate(world, home, figures)
        host.record(rng.randint(*size.new_per_run), rng.randint(*size.rescores_per_run))
        batch = rng.choice((3, 5, 8, 13, 20, 40))
        started = world.start(home, "export", "run", "--json", "--batch-size", str(batch))
        rival = world.start(home, "export", "run", "--json") if rng.random() < size.rivals else None
        adds = _cli_rescores(world, home, host, rng) if rng.random() < size.cli_rescores else []
        if rng.random() < 0.5:  # the host keeps recording while the export runs
            time.sleep(rng.uniform(0.0, 0.8))
            host.record(rng.randint(0, 10), rng.randint(0, 5))
        kill_after = None
        if rng.random() < size.kill_probability and durations:  # within a typical run's span
            kill_after = rng.uniform(0.2, max(0.5, 1.3 * statistics.median(durations)))
            figures.kill_attempts += 1
        proc = world.finish(started, kill_after)
        for add in adds:  # a re-scoring killed midway is lost or recorded, never half-written
            done = world.finish(add, rng.uniform(0.3, 1.2) if rng.random() < 0.3 else None)
            figures.cli_rescores += 1
            figures.cli_rescores_killed += done.killed
            _contract(done, figures)
        figures.runs += 1
        _tally(proc, figures, durations)
        if rival is not None:
            figures.runs += 1
            _tally(world.finish(rival), figures, [])
    world.faults.enabled = False
    figures.drain_runs = _drain(world, home, figures)
    check_export(world, home, host, figures)
    return figures


def _reactivate(world: ChaosWorld, home: Any, figures: ExportFigures) -> None:
    """Reactivate the inactive demo agent; its held-back scores must then go out."""
    world.vendor.reactivate(REACTIVATED)
    for _ in range(10):  # under faults: a clear failure is fine, try again
        done = world.wfm(home, "mapping", "refresh")
        _contract(done, figures)
        if done.code == 0:
            return
    raise RuntimeError("`wfm mapping refresh` failed 10 times in a row")


def _cli_rescores(world: ChaosWorld, home: Any, host: HostScores, rng: random.Random) -> list[Any]:
    """Start one or two `wfm scores add` re-scorings, concurrently with the export."""
    started = []
    for _ in range(rng.randint(1, 2)):
        eid = host.pick_existing()
        if eid is None:
            break
        value = host.fresh_score(eid)
        args = ("scores", "add", "--evaluation", eid, "--agent", host.agent[eid])
        started.append(world.start(home, *args, "--score", str(value)))
    return started


def _tally(proc: Proc, figures: ExportFigures, durations: list[float]) -> None:
    if proc.killed:
        figures.kills += 1
        return
    _contract(proc, figures)
    if proc.code == 0:
        figures.runs_ok += 1
        durations.append(proc.seconds)
    elif proc.code == 1 and "another export for tenant" in proc.err:
        figures.runs_busy += 1
    elif proc.code == 1:
        figures.runs_failed_cleanly += 1


def _contract(proc: Proc, figures: ExportFigures) -> None:
    problem = proc.problem()
    if problem is not None:
        figures.contract.append(f"wfm {' '.join(proc.args)}: {problem}")


def _drain(world: ChaosWorld, home: Any, figures: ExportFigures) -> int:
    """Run the export without faults or kills until a run sends nothing."""
    for attempt in range(1, 6):
        proc = world.wfm(home, "export", "run", "--json")
        _contract(proc, figures)
        if proc.code == 0 and proc.json()["sent"] == 0:
            return attempt
    figures.contract.append("the clean drain still sent scores after 5 runs")
    return 5


def check_export(world: ChaosWorld, home: Any, host: HostScores, figures: ExportFigures) -> None:
    """Compare what the emulator stores and the pushes it received with the host's latest
    scores."""
    vendor = world.vendor
    agents = expected_agents(vendor.people())
    latest = host.latest()
    mappable = {e: s for e, s in latest.items() if s.agent_email in agents}
    figures.scores_recorded = host.recorded
    figures.evaluations, figures.mappable = len(latest), len(mappable)

    found = vendor.score_problems({e: (s, agents[s.agent_email]) for e, s in mappable.items()})
    figures.lost, figures.stale = found.lost, found.stale
    figures.duplicated, figures.unexpected = found.duplicated, found.unexpected

    pending = {
        p.score.evaluation_id
        for p in ExportState(SqliteStateStore(home / "state"), TENANT).pending()
    }
    figures.pending_mismatch = sorted(pending ^ (set(latest) - set(mappable)))

    pushed = vendor.pushed()
    figures.rows_pushed = len(pushed)
    figures.resends = len(pushed) - len(set(pushed))
    if isinstance(vendor, Assembled):  # Genesys's day values name no evaluation's version
        figures.out_of_order = _out_of_order(vendor.pushed_rows(), host.versions)


def _out_of_order(flat: list[dict[str, Any]], versions: dict[str, list[Version]]) -> list[str]:
    """Evaluations whose pushes carried an older version after a newer one."""
    stamps = {
        (eid, v.score): v.updated_at for eid, vs in versions.items() for v in vs if v.updated_at
    }
    newest: dict[str, Any] = {}
    bad: set[str] = set()
    for row in flat:
        eid = str(row["conversation_external_id"])
        stamp = stamps.get((eid, row["score"]))
        if stamp is None:
            continue  # a version recorded by a `wfm scores add` process: stamp unknown
        if eid in newest and stamp < newest[eid]:
            bad.add(eid)
        newest[eid] = max(stamp, newest.get(eid, stamp))
    return sorted(bad)
