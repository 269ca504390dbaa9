"""The ScoreSource port in memory, and the demo adapter that keeps it in the data directory.

``InMemoryScoreSource`` keeps scores in a dict plus a sorted index of (updated_at,
evaluation_id), so ``changed_since`` is a binary search and a slice: a 100,000-score backlog
is read page by page without copying it. ``DemoScoreSource`` (the "demo" scores adapter) is
the same thing persisted as one JSON file per tenant, written atomically and guarded by a
lock file, so ``wfm scores add`` and ``wfm export run`` work across CLI invocations.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from wfm_bridge.plugins.local.fs import atomic_write
from wfm_bridge.ports.errors import IntegrityError, InvalidInputError, UnavailableError
from wfm_bridge.ports.models import QaScore
from wfm_bridge.ports.scores import ScoreCursor

_Key = tuple[datetime, str]
_SCORES = TypeAdapter(list[QaScore])
_TENANT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def demo_scores_path(data_dir: Path, tenant: str) -> Path:
    """Where the demo scores of ``tenant`` are kept."""
    if not _TENANT.fullmatch(tenant):
        raise InvalidInputError(
            f"tenant {tenant!r} is not a valid name; use letters, digits, '.', '_' or '-'"
        )
    return Path(data_dir) / "memory_fake" / f"{tenant}.host-scores.json"


class InMemoryScoreSource:
    """Fake ScoreSource: the latest version of every evaluation, in (updated_at, id) order."""

    def __init__(self, scores: Iterable[QaScore] = ()) -> None:
        self._by_id: dict[str, QaScore] = {}
        self._order: list[_Key] = []
        for score in scores:
            self.record(score)

    def changed_since(self, cursor: ScoreCursor | None, limit: int) -> list[QaScore]:
        """Up to ``limit`` scores strictly after ``cursor``."""
        if limit < 1:
            raise InvalidInputError("the page size must be at least 1")
        start = self._after(cursor)
        return [self._by_id[key[1]] for key in self._order[start : start + limit]]

    def record(self, score: QaScore) -> None:
        """Record or re-score; a version older than the stored one is ignored."""
        old = self._by_id.get(score.evaluation_id)
        if old is not None:
            if score.updated_at < old.updated_at:
                return
            del self._order[bisect.bisect_left(self._order, _key(old))]
        self._by_id[score.evaluation_id] = score
        bisect.insort(self._order, _key(score))

    def count_since(self, cursor: ScoreCursor | None) -> int:
        """How many scores lie strictly after ``cursor``."""
        return len(self._order) - self._after(cursor)

    def get(self, evaluation_id: str) -> QaScore | None:
        """The latest version of one evaluation, or None."""
        return self._by_id.get(evaluation_id)

    def __iter__(self) -> Iterator[QaScore]:
        return (self._by_id[key[1]] for key in self._order)

    def __len__(self) -> int:
        return len(self._order)

    def _after(self, cursor: ScoreCursor | None) -> int:
        if cursor is None:
            return 0
        return bisect.bisect_right(self._order, (cursor.updated_at, cursor.evaluation_id))


class DemoScoreSource:
    """The ScoreSource of the embedded demo: one JSON file per tenant in the data directory.

    Reads reload the file when another process changed it; ``record`` is a locked
    read-modify-write followed by an atomic replace, so concurrent CLI runs lose nothing.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock_path = path.with_name(path.name + ".lock")
        self._memory = InMemoryScoreSource()
        self._stamp: tuple[int, int, int] | None = None

    def changed_since(self, cursor: ScoreCursor | None, limit: int) -> list[QaScore]:
        """Up to ``limit`` scores strictly after ``cursor``."""
        return self._current().changed_since(cursor, limit)

    def count_since(self, cursor: ScoreCursor | None) -> int:
        """How many scores lie strictly after ``cursor``."""
        return self._current().count_since(cursor)

    def record(self, score: QaScore) -> None:
        """Record or re-score and persist at once."""
        self.record_many([score])

    def record_many(self, scores: Iterable[QaScore]) -> None:
        """Record many under one lock and one write (``record`` each would rewrite the
        whole file every time: quadratic, minutes for a few thousand scores)."""
        with self._locked():
            memory = self._current()
            for score in scores:
                memory.record(score)
            self._write(memory)

    def get(self, evaluation_id: str) -> QaScore | None:
        """The latest version of one evaluation, or None."""
        return self._current().get(evaluation_id)

    def __iter__(self) -> Iterator[QaScore]:
        return iter(list(self._current()))

    def _current(self) -> InMemoryScoreSource:
        """The in-memory copy, reloaded if the file changed since it was read."""
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return self._memory
        stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
        if stamp != self._stamp:
            self._memory = InMemoryScoreSource(self._load())
            self._stamp = stamp
        return self._memory

    def _load(self) -> list[QaScore]:
        try:
            return _SCORES.validate_json(self.path.read_bytes())
        except ValidationError as exc:
            raise IntegrityError(
                f"the demo scores file {self.path} is damaged ({exc.error_count()} problems); "
                "fix or delete it (deleting forgets the demo scores)"
            ) from exc

    def _write(self, memory: InMemoryScoreSource) -> None:
        data = json.dumps([s.model_dump(mode="json") for s in memory], indent=1).encode()
        atomic_write(self.path, data)
        info = self.path.stat()
        self._stamp = (info.st_ino, info.st_mtime_ns, info.st_size)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self._lock_path, "a+b")  # noqa: SIM115 - held for the block
        except OSError as exc:
            raise UnavailableError(
                f"cannot open {self._lock_path}: {exc.strerror}; check the data directory "
                "(--home / WFM_HOME)"
            ) from exc
        with handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield


def _key(score: QaScore) -> _Key:
    return (score.updated_at, score.evaluation_id)
