"""QA scores as Genesys external metrics: one value per user, metric and day.

Genesys keeps a metric's daily value, not each evaluation, so the provider keeps the
evaluations it has been given (``DayLedger``: evaluation id -> user, metric, day, percent)
and sends, for every (user, metric, day) a push touches, that day's value recomputed from
all of them (an evaluation counts with its newest score, by ``updated_at``). The
documented rule: **the day's value is the mean of the day's evaluations of the scorecard,
as a percentage of their maximum** (``score / max_score x 100``); the day
is the UTC date the evaluation was made; the metric is the external metric named like the
scorecard, else the one named by the ``metric`` option (default ``QA score``). Values are
sent as ``Total`` items (the day's value replaces the previous one), so a re-sent batch
changes nothing and a re-scored evaluation replaces its old score: nothing lost or doubled.

The ledger lives in a private JSON file in the data directory (per tenant, organisation and
OAuth client), written atomically under a file lock, so separate CLI runs add up.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date
from pathlib import Path

from wfm_bridge.plugins.genesys.wire import MetricItem
from wfm_bridge.ports.models import ScorePush

# evaluation id -> [user id, metric id, day (yyyy-mm-dd), percent, updated at (ISO)]
Table = dict[str, list[str | float]]


def percent(score: ScorePush) -> float:
    """The score as a percentage of its maximum (a zero maximum counts as 0)."""
    return 0.0 if score.max_score == 0 else score.score / score.max_score * 100.0


def day_of(score: ScorePush) -> str:
    """The UTC date the evaluation was made, ``yyyy-mm-dd``."""
    return score.evaluated_at.astimezone(UTC).date().isoformat()


class DayLedger:
    """The evaluations behind every daily value sent (in memory, or in a file)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._memory: Table = {}
        self._lock = threading.Lock()

    def record(self, batch: Sequence[tuple[ScorePush, str]]) -> list[MetricItem]:
        """Add (or replace) these evaluations, each with its metric id; return the day
        values of every (user, metric, day) they touch, old and new (moving an evaluation
        to another day recomputes both days). A score older (``updated_at``) than the one
        recorded for its evaluation is a stale re-send: it changes nothing."""
        with self._lock, self._table() as table:
            touched: set[tuple[str, str, str]] = set()
            for score, metric in batch:
                old = table.get(score.evaluation_id)
                updated = score.updated_at.astimezone(UTC).isoformat()
                if old is not None:
                    touched.add((str(old[0]), str(old[1]), str(old[2])))
                    if len(old) > 4 and str(old[4]) > updated:
                        continue
                row: list[str | float] = [
                    score.agent_id, metric, day_of(score), percent(score), updated,
                ]  # fmt: skip
                table[score.evaluation_id] = row
                touched.add((score.agent_id, metric, day_of(score)))
            return [_item(table, *key) for key in sorted(touched)]

    def rows(self) -> Table:
        """Every evaluation recorded (a copy)."""
        with self._lock, self._table(write=False) as table:
            return {k: list(v) for k, v in table.items()}

    @contextmanager
    def _table(self, *, write: bool = True) -> Iterator[Table]:
        if self.path is None:
            yield self._memory
            return
        from wfm_bridge.plugins.local.fs import locked_json_file

        with locked_json_file(
            self.path,
            _load,
            lambda table: table,
            write=write,
            holds="the evaluations behind the Genesys daily scores",
            if_unreadable="restore it, or delete it to start over (the next export then "
            "resends each day's value from the scores it sends)",
        ) as table:
            yield table


def _item(table: Table, user: str, metric: str, day: str) -> MetricItem:
    values = [float(r[3]) for r in table.values() if (r[0], r[1], r[2]) == (user, metric, day)]
    mean = sum(values) / len(values) if values else 0.0
    return MetricItem(
        user_id=user,
        metric_id=metric,
        date_occurred=date.fromisoformat(day),
        value=round(mean, 6),
        count=len(values),
    )


def _load(raw: dict[str, object]) -> Table:
    return {str(k): list(v) for k, v in raw.items() if isinstance(v, list) and len(v) in (4, 5)}
