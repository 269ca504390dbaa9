"""Where the activities this plugin created live (agent and time), to read a delete back.

The bulk endpoint's delete action was documented as beta, and a 400 from it does not prove
the activity is gone (assembled-api.md). Assembled has no read by id, only by agent and
window, so the plugin remembers, for every activity it creates, its agent and times: after an
answer that does not prove the deletion, ``AssembledProvider.delete_activity`` reads that
window back. No schedule is stored: only the place of our own activities, dropped once they
are deleted, and at most ``LIMIT`` of them (the oldest go first).

With a ``path`` (the provider factory gives one in the data directory, per tenant and key
fingerprint) the record is shared by the processes of one host, so a cancel in another
process than the booking can still read back; without one it lives in this process only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

LIMIT = 5000


@dataclass(frozen=True)
class Location:
    """An activity's agent and times (unix seconds)."""

    agent_id: str
    start: int
    end: int


class ActivityLocations:
    """id -> Location for the activities created here; thread- and process-safe."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._memory: dict[str, Location] = {}
        self._lock = threading.Lock()

    def remember(self, activity_id: str, where: Location) -> None:
        """Record where a new activity lives."""
        with self._lock, self._file() as table:
            table.pop(activity_id, None)
            table[activity_id] = where
            while len(table) > LIMIT:
                del table[next(iter(table))]

    def get(self, activity_id: str) -> Location | None:
        """Where ``activity_id`` lives, if this plugin created it."""
        with self._lock, self._file(write=False) as table:
            return table.get(activity_id)

    def forget(self, activity_id: str) -> None:
        """The activity is gone."""
        with self._lock, self._file() as table:
            table.pop(activity_id, None)

    @contextmanager
    def _file(self, *, write: bool = True) -> Iterator[dict[str, Location]]:
        """The table for one operation: the file's, under its lock, or the in-memory one."""
        if self._path is None:
            yield self._memory
            return
        from wfm_bridge.plugins.local.fs import locked_json_file

        with locked_json_file(
            self._path,
            _load,
            _dump,
            write=write,
            holds="where this plugin's activities live",
            if_unreadable="delete the file to start over (cancels then trust Assembled's answer)",
        ) as table:
            yield table


def _dump(table: dict[str, Location]) -> dict[str, list[object]]:
    return {k: [v.agent_id, v.start, v.end] for k, v in table.items()}


def _load(raw: dict[str, object]) -> dict[str, Location]:
    return {
        str(k): Location(str(v[0]), int(v[1]), int(v[2]))
        for k, v in raw.items()
        if isinstance(v, list) and len(v) == 3
    }
