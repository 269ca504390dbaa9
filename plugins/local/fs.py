"""Private files on local disk: owner-only directories, atomic replace, and flock locks.

The project's one copy of these mechanisms: the local adapters and the memory_fake demo store
(``plugins/memory_fake/versioned_file.py``) both write and lock through here.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from wfm_bridge.ports.errors import BusyError, UnavailableError

T = TypeVar("T")

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if missing; a new leaf directory is owner-only."""
    try:
        path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    except OSError as exc:
        raise UnavailableError(
            f"cannot create the data directory {path}: {exc.strerror}; "
            "check its permissions or choose another one with --home / WFM_HOME"
        ) from exc
    return path


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so a crash leaves either the old or the new file.

    Writes a private temporary file in the same directory, fsyncs it, renames it over the
    target, then fsyncs the directory so the rename itself is durable.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), PRIVATE_FILE)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    """Make renames inside ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _open_lock_file(path: Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)


@contextlib.contextmanager
def file_lock(path: Path, *, shared: bool = False) -> Iterator[None]:
    """Hold a blocking flock on ``path`` for the block (shared for readers).

    flock locks belong to the open file, so the kernel drops them when the holder dies,
    even by SIGKILL; the lock file itself is never deleted (deleting it would race).
    """
    fd = _open_lock_file(path)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextlib.contextmanager
def locked_json_file(
    path: Path,
    load: Callable[[dict[str, object]], T],
    dump: Callable[[T], object],
    *,
    write: bool,
    holds: str,
    if_unreadable: str,
) -> Iterator[T]:
    """A private JSON file as one table for the block: loaded under its lock (``<path>.lock``,
    shared when not ``write``), and when ``write`` written back atomically (compact JSON of
    ``dump(table)``) as the block ends without an error.

    ``load`` gets the file's JSON object (``{}`` for a missing file or one holding no object);
    a file that cannot be read or parsed is an ``UnavailableError`` naming what it ``holds``
    and what to do (``if_unreadable``), and is left as it is.
    """
    ensure_private_dir(path.parent)
    with file_lock(path.with_suffix(".lock"), shared=not write):
        try:
            raw = json.loads(path.read_bytes())
        except FileNotFoundError:
            raw = {}
        except (OSError, ValueError) as exc:
            raise UnavailableError(f"cannot read {path} ({holds}): {exc}; {if_unreadable}") from exc
        table = load(raw if isinstance(raw, dict) else {})
        yield table
        if write:
            atomic_write(path, json.dumps(dump(table), separators=(",", ":")).encode())


@contextlib.contextmanager
def try_file_lock(path: Path, what: str) -> Iterator[None]:
    """Hold an exclusive flock on ``path`` for the block, or raise ``BusyError`` at once."""
    fd = _open_lock_file(path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BusyError(
                f"{what} is already running (lock held by another process or task); "
                "wait for it to finish and try again"
            ) from exc
        yield
    finally:
        os.close(fd)
