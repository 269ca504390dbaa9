"""Meetings chaos: random books and cancels through concurrent `wfm meetings` processes under
random faults and some SIGKILLs, retried the way a person would (same ``--key``, cancel
again); then a clean ``wfm meetings reconcile`` and the check against the emulator.

The check (``check_meetings``) reads every booking of ours the emulator holds (vendors.py:
Assembled's activities carrying our ``(ref mtg-...)`` marker, Genesys's coaching appointments
carrying the reference) and the meeting ledger (``wfm meetings list --json``): a booking
whose meeting is not BOOKED is an *orphan*; a BOOKED meeting without exactly its one booking
(same id, agent and times), or a meeting still PENDING, is a *mismatch*; an idempotency key
owning more than one meeting is a *double booking*. Every other schedule activity seeded
before the run must be there unchanged, and nothing not ours may have been deleted.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from wfm_bridge.plugins.assembled.wire import to_unix

from .host_side import expected_agents
from .world import ChaosWorld, Proc

UNMAPPED = ("noah.fischer@example.com", "sam.t@partner.example")
TIMES_PER_BOOK = 4  # times tried for one booking while each is refused as unavailable
WireDict = dict[str, Any]


@dataclass
class MeetingsSize:
    """How much chaos: operations, concurrent workers, kill probability, retries."""

    operations: int = 120
    workers: int = 3
    kill_probability: float = 0.15
    retries: int = 2  # a failed or killed book/cancel is repeated this many times


@dataclass
class MeetingsFigures:
    """What the meetings chaos did and what survived."""

    books: int = 0
    books_confirmed: int = 0
    cancels: int = 0
    cancels_confirmed: int = 0
    refused_as_expected: int = 0  # unmapped agents, foreign activity ids
    reconciles: int = 0  # `wfm meetings reconcile` while the others book and cancel
    failed_cleanly: int = 0  # exit 1 with one error line (faults beyond the retry budget)
    kills: int = 0
    reconciled: int = 0
    stray_removed: int = 0  # deleted by the final reconcile (late copies, unfinished cancels)
    marked_activities: int = 0
    orphans: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    double_bookings: list[str] = field(default_factory=list)
    foreign_deleted: list[str] = field(default_factory=list)
    foreign_trimmed: list[str] = field(default_factory=list)
    wrongly_accepted: list[str] = field(default_factory=list)
    contract: list[str] = field(default_factory=list)

    def breaches(self) -> dict[str, int]:
        """Every figure that must be zero, by name."""
        return {
            "orphaned provider activities": len(self.orphans),
            "ledger/provider mismatches": len(self.mismatches),
            "double bookings": len(self.double_bookings),
            "foreign activities deleted": len(self.foreign_deleted),
            "foreign activities trimmed": len(self.foreign_trimmed),
            "refusals accepted": len(self.wrongly_accepted),
            "CLI contract breaches": len(self.contract),
        }


class _Run:
    """Shared state of the workers (guarded by one lock)."""

    def __init__(self, world: ChaosWorld, home: Any, rng: random.Random, size: MeetingsSize):
        self.world, self.home, self.size = world, home, size
        self.rng = rng
        self.lock = threading.Lock()
        self.figures = MeetingsFigures()
        self.booked: list[str] = []  # meeting ids confirmed booked (may be cancelled since)
        self.left = size.operations
        self.agents = sorted(expected_agents(world.vendor.people()))
        self.foreign = world.vendor.foreign_ids()  # never ours: cancelling must be refused

    def next_op(self) -> tuple[str, random.Random] | None:
        with self.lock:
            if self.left <= 0:
                return None
            self.left -= 1
            rng = random.Random(self.rng.random())
            roll = rng.random()
            op = "book" if roll < 0.55 or not self.booked else "cancel"
            if roll > 0.90:  # now and then someone reconciles while others write
                op = "reconcile" if roll <= 0.94 else "refused"
            return op, rng

    def run(self, proc_args: tuple[str, ...], rng: random.Random) -> Proc:
        kill = None
        if rng.random() < self.size.kill_probability:
            kill = rng.uniform(0.3, 2.0)
        proc = self.world.wfm(self.home, *proc_args, kill_after=kill)
        with self.lock:
            if proc.killed:
                self.figures.kills += 1
            else:
                problem = proc.problem()
                if problem is not None:
                    self.figures.contract.append(f"wfm {' '.join(proc.args)}: {problem}")
                elif proc.code == 1:
                    self.figures.failed_cleanly += 1
        return proc


def run_meetings_chaos(
    world: ChaosWorld, rng: random.Random, size: MeetingsSize
) -> MeetingsFigures:
    """Book and cancel under faults and kills, reconcile cleanly, check the emulator."""
    home = world.home("meetings")
    run = _Run(world, home, rng, size)
    before = world.vendor.foreign()
    world.faults.enabled = True
    workers = [threading.Thread(target=_worker, args=(run,)) for _ in range(size.workers)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    world.faults.enabled = False
    deleted_before = len(world.vendor.deletions())
    for _ in range(2):
        done = world.wfm(home, "meetings", "reconcile", "--json")
        if done.problem() is None and done.code == 0:
            run.figures.reconciled += len(done.json()["items"])
        else:
            run.figures.contract.append(f"final reconcile: {done.problem() or done.err.strip()}")
    run.figures.stray_removed = len(world.vendor.deletions()) - deleted_before
    listed = world.wfm(home, "meetings", "list", "--json")
    check_meetings(world, listed.json()["items"], before, run.figures)
    return run.figures


def _worker(run: _Run) -> None:
    while (job := run.next_op()) is not None:
        op, rng = job
        if op == "book":
            _book(run, rng)
        elif op == "cancel":
            _cancel(run, rng)
        elif op == "reconcile":
            with run.lock:
                run.figures.reconciles += 1
            run.run(("meetings", "reconcile", "--json"), rng)
        else:
            _refused(run, rng)


def _book(run: _Run, rng: random.Random) -> None:
    """One 1:1 booked under faults and kills. A time the agent is not available at is refused
    (exit 2) by the booking rules, not by chaos: then another time is tried, so how many
    bookings land does not hang on which days today's random times fall on."""
    with run.lock:
        run.figures.books += 1
    for _ in range(TIMES_PER_BOOK):
        args = _book_args(run, rng)
        for _ in range(1 + run.size.retries):  # the same key: a retry never books twice
            proc = run.run(args, rng)
            if not proc.killed and proc.code == 0:
                with run.lock:
                    run.figures.books_confirmed += 1
                    run.booked.append(proc.json()["id"])
                return
            if not proc.killed and proc.code == 2:
                break  # refused (not available then): another time
        else:
            return  # killed or failed on every try: this booking is abandoned


def _book_args(run: _Run, rng: random.Random) -> tuple[str, ...]:
    """`wfm meetings book` of a random agent at a random time of the next two weeks."""
    day = datetime.now(UTC).date() + timedelta(days=rng.randint(1, 14))
    start = datetime(day.year, day.month, day.day, rng.randint(8, 16), rng.choice((0, 15, 30, 45)))
    return (
        "meetings",
        "book",
        rng.choice(run.agents),
        "--start",
        start.strftime("%Y-%m-%dT%H:%M"),
        "--minutes",
        str(rng.choice((15, 30, 45, 60))),
        "--description",
        rng.choice(("coaching", "QA review", "follow-up", "")),
        "--key",
        f"k-{rng.randrange(16**12):012x}",
        "--json",
    )


def _cancel(run: _Run, rng: random.Random) -> None:
    with run.lock:
        meeting_id = rng.choice(run.booked)
        run.figures.cancels += 1
    for _ in range(1 + run.size.retries):  # cancelling again is safe
        proc = run.run(("meetings", "cancel", meeting_id, "--json"), rng)
        if not proc.killed and proc.code == 0:
            with run.lock:
                run.figures.cancels_confirmed += 1
            return


def _refused(run: _Run, rng: random.Random) -> None:
    """Requests that must be refused with nothing written: an unmapped agent, a foreign id."""
    if rng.random() < 0.5:
        day = datetime.now(UTC).date() + timedelta(days=3)
        args: tuple[str, ...] = (
            "meetings", "book", rng.choice(UNMAPPED), "--start", f"{day}T10:00", "--minutes", "30",
        )  # fmt: skip
    else:
        args = ("meetings", "cancel", rng.choice(run.foreign))
    proc = run.run(args, rng)
    with run.lock:
        if proc.killed:
            return
        if proc.code in (1, 2):
            run.figures.refused_as_expected += 1
        else:
            run.figures.wrongly_accepted.append(f"wfm {' '.join(args)} exited {proc.code}")


def check_meetings(
    world: ChaosWorld,
    ledger: list[WireDict],
    before: dict[str, WireDict],
    figures: MeetingsFigures,
) -> None:
    """Compare the emulator's bookings with the meeting ledger, and the other activities
    with those seeded."""
    vendor = world.vendor
    ours = vendor.bookings()
    after = vendor.foreign()
    figures.marked_activities = sum(len(v) for v in ours.values())
    meetings = {m["id"]: m for m in ledger}
    for meeting_id, activities in sorted(ours.items()):
        status = meetings.get(meeting_id, {}).get("status", "not in the ledger")
        if status != "booked":
            figures.orphans += [f"{a['id']} ({meeting_id}: {status})" for a in activities]
    for m in meetings.values():
        problem = _mismatch(m, ours.get(m["id"], []))
        if problem:
            figures.mismatches.append(f"{m['id']}: {problem}")
    keys = Counter(m["idempotency_key"] for m in meetings.values() if m.get("idempotency_key"))
    figures.double_bookings = sorted(k for k, n in keys.items() if n > 1)
    figures.foreign_deleted = sorted(k for k in before if k not in after)
    figures.foreign_trimmed = sorted(k for k in before if k in after and after[k] != before[k])
    figures.foreign_deleted += [
        f"ledger: {a.get('id', a.get('startDate'))}" for a, mine in vendor.deletions() if not mine
    ]
    figures.foreign_trimmed += [f"ledger: {a['id']}" for a in vendor.trimmed()]


def _mismatch(meeting: WireDict, activities: list[WireDict]) -> str | None:
    status = meeting["status"]
    if status == "pending":
        return "still pending after reconcile"
    if status == "cancelled":
        return None  # an activity left behind is counted as an orphan
    if len(activities) != 1:
        return f"booked with {len(activities)} marked activities"
    (a,) = activities
    start = to_unix(datetime.fromisoformat(meeting["start"]))
    end = to_unix(datetime.fromisoformat(meeting["end"]))
    if a["id"] != meeting["provider_activity_id"]:
        return f"ledger says activity {meeting['provider_activity_id']}, provider has {a['id']}"
    agent_id = meeting["agent"]["agent_id"]
    if (a["agent_id"], a["start_time"], a["end_time"]) != (agent_id, start, end):
        return "agent or times differ between ledger and provider"
    return None
