"""The demo tenant's fake WFM server, persisted in the data directory between CLI runs.

Each tenant's state lives in ``<data_dir>/memory_fake/<tenant>.json``. Every write operation
(create, delete, window delete, scores) runs under an exclusive ``fcntl`` lock on the file
``<tenant>.lock``: it reloads the file if another process changed it, applies the change, and
writes the whole state to a temporary file that atomically replaces the old one. Concurrent
CLI processes therefore never lose each other's writes, and a killed process leaves either
the old or the new file. Reads reload only when the file changed (a ``stat`` call).

For the CLI: ``reset_demo(data_dir, tenant)`` restores the seed, ``demo_info(data_dir,
tenant)`` describes what is stored, ``open_demo_backend(...)`` loads or seeds the backend.
The anchor of a new seed is ``demo_anchor(today)``, unless ``WFM_DEMO_ANCHOR`` (or the
provider option ``demo_anchor``) names a Monday, for reproducible output.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend
from wfm_bridge.plugins.memory_fake.demo import (
    ACTIVITY_TYPES,
    WEEKS,
    demo_anchor,
    demo_people,
    demo_schedule,
    demo_teams,
)
from wfm_bridge.plugins.memory_fake.snapshot import (
    Row,
    Snapshot,
    decode_activities,
    dumps,
    encode_activities,
    loads,
)
from wfm_bridge.plugins.memory_fake.versioned_file import Signature, VersionedFile
from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.models import Activity

WRITES = frozenset({"create_activity", "delete_activity", "delete_window", "push_scores"})
ANCHOR_ENV = "WFM_DEMO_ANCHOR"
_TENANT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
T = TypeVar("T")


def demo_path(data_dir: Path, tenant: str) -> Path:
    """Where the fake server of ``tenant`` is stored."""
    if not _TENANT.fullmatch(tenant):
        raise InvalidInputError(
            f"tenant {tenant!r} is not a valid name; use letters, digits, '.', '_' or '-'"
        )
    return Path(data_dir) / "memory_fake" / f"{tenant}.json"


def configured_anchor(options: Mapping[str, str]) -> date | None:
    """The seed anchor from the ``demo_anchor`` option or ``WFM_DEMO_ANCHOR``, if set."""
    raw = options.get("demo_anchor") or os.environ.get(ANCHOR_ENV)
    if not raw:
        return None
    try:
        anchor = date.fromisoformat(raw.strip())
    except ValueError as exc:
        raise InvalidInputError(f"{ANCHOR_ENV}={raw!r} is not a date; use YYYY-MM-DD") from exc
    if anchor.weekday() != 0:
        raise InvalidInputError(f"{ANCHOR_ENV}={raw!r} is not a Monday; pick a Monday")
    return anchor


def seed_snapshot(anchor: date) -> Snapshot:
    """The pristine demo organisation for ``anchor``."""
    return Snapshot(
        anchor=anchor,
        people=demo_people(),
        activity_types=list(ACTIVITY_TYPES),
        activity_rows=encode_activities(demo_schedule(anchor)),
        teams=demo_teams(),
    )


class PersistentFakeBackend(FakeWfmBackend):
    """A FakeWfmBackend whose state is loaded from, and saved to, one tenant's file."""

    def __init__(
        self,
        path: Path,
        seed: Callable[[], Snapshot],
        accepted_keys: Iterable[str] | None = None,
    ) -> None:
        self._rows: list[Row] | None = None
        self._activities: dict[str, Activity] = {}
        super().__init__(accepted_keys=accepted_keys)
        self.file = VersionedFile(path)
        self.anchor: date | None = None
        self._sig: Signature | None = None
        with self.lock, self.file.locked():
            if not self._sync():
                self._apply(seed())
                self._save()

    # Activities are decoded lazily: commands that only need people never pay for them.
    @property
    def activities(self) -> dict[str, Activity]:
        """Activities by id (decoded from the file on first use)."""
        if self._rows is not None:
            self._activities = {a.id: a for a in decode_activities(self._rows)}
            self._rows = None
        return self._activities

    @activities.setter
    def activities(self, value: dict[str, Activity]) -> None:
        self._activities = value
        self._rows = None

    def new_id(self, prefix: str = "act") -> str:
        """A globally unique id, so ids never repeat across resets or processes."""
        return f"{prefix}-{uuid.uuid4()}"

    def _run(self, operation: str, apply_fn: Callable[[], T]) -> T:
        if operation not in WRITES:
            with self.lock:
                self._sync()
                return super()._run(operation, apply_fn)
        with self.editing():
            return super()._run(operation, apply_fn)

    def refresh(self) -> None:
        """Reload now if another process changed the file (attributes are otherwise as of the
        last operation of this backend)."""
        with self.lock:
            self._sync()

    @contextmanager
    def editing(self) -> Iterator[None]:
        """Lock, reload the latest state, let the caller change it, then save (even on error)."""
        with self.lock, self.file.locked():
            self._sync()
            try:
                yield
            finally:
                self._save()

    def _sync(self) -> bool:
        """Reload if the file changed since we last read or wrote it; False when absent."""
        sig = self.file.signature()
        if sig is None:
            return False
        if sig != self._sig:
            got = self.file.read()
            if got is None:
                return False
            raw, self._sig = got
            self._apply(loads(raw, str(self.file.path)))
        return True

    def _apply(self, snap: Snapshot) -> None:
        self.anchor = snap.anchor
        self.people = {p.person_id: p for p in snap.people}
        self.activity_types = {t.id: t for t in snap.activity_types}
        self._activities = {}
        self._rows = snap.activity_rows
        self.scores = {s.evaluation_id: s for s in snap.scores}
        self.score_batches = snap.score_batches
        self.deleted_ids = snap.deleted_ids
        self.teams = {t.id: t for t in snap.teams}

    def _snapshot(self) -> Snapshot:
        rows = self._rows
        if rows is None:
            rows = encode_activities(self._activities.values())
        return Snapshot(
            anchor=self.anchor,
            people=list(self.people.values()),
            activity_types=list(self.activity_types.values()),
            activity_rows=rows,
            scores=list(self.scores.values()),
            score_batches=self.score_batches,
            deleted_ids=self.deleted_ids,
            teams=list(self.teams.values()),
        )

    def _save(self) -> None:
        self._sig = self.file.write(dumps(self._snapshot()))


@dataclass(frozen=True)
class DemoInfo:
    """What the demo data file of a tenant holds."""

    path: Path
    anchor: date | None
    first_day: date | None
    last_day: date | None
    people: int
    agents: int
    activities: int
    scores: int


def _info(path: Path, snap: Snapshot) -> DemoInfo:
    last = snap.anchor + timedelta(days=WEEKS * 7 - 1) if snap.anchor else None
    return DemoInfo(
        path=path,
        anchor=snap.anchor,
        first_day=snap.anchor,
        last_day=last,
        people=len(snap.people),
        agents=sum(1 for p in snap.people if p.agent_id and p.active),
        activities=len(snap.activity_rows),
        scores=len(snap.scores),
    )


def _today() -> date:
    return datetime.now(UTC).date()


def open_demo_backend(
    data_dir: Path,
    tenant: str,
    *,
    today: date | None = None,
    anchor: date | None = None,
    accepted_keys: Iterable[str] | None = None,
) -> PersistentFakeBackend:
    """Load the tenant's fake server, seeding it first if it has no file yet."""
    path = demo_path(data_dir, tenant)
    return PersistentFakeBackend(
        path,
        lambda: seed_snapshot(anchor or demo_anchor(today or _today())),
        accepted_keys=accepted_keys,
    )


def reset_demo(
    data_dir: Path, tenant: str, *, today: date | None = None, anchor: date | None = None
) -> DemoInfo:
    """Restore the seed (anchored at ``anchor`` or at ``demo_anchor(today)``); returns it."""
    path = demo_path(data_dir, tenant)
    snap = seed_snapshot(anchor or demo_anchor(today or _today()))
    file = VersionedFile(path)
    with file.locked():
        file.write(dumps(snap))
    return _info(path, snap)


def demo_info(data_dir: Path, tenant: str) -> DemoInfo | None:
    """Describe the tenant's stored demo data, or None when it was never created."""
    path = demo_path(data_dir, tenant)
    got = VersionedFile(path).read()
    return None if got is None else _info(path, loads(got[0], str(path)))
