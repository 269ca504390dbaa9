"""VersionedFile: one file whose every version readers can tell apart, written under a lock.

Writing and locking are ``plugins.local.fs`` (the one atomic replace and the one flock of the
project): writers hold the exclusive lock file next to the data file and replace the file
atomically, so readers (who need no lock) always see a whole version and a process killed at
any point leaves the old or the new file; the lock dies with its holder, even by SIGKILL.
What this module adds is the version *signature* (inode, mtime, size), which changes on every
replace, so a reader reloads only when another process wrote.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from wfm_bridge.plugins.local.fs import atomic_write, ensure_private_dir, file_lock
from wfm_bridge.ports.errors import UnavailableError

Signature = tuple[int, int, int]  # (inode, mtime_ns, size): changes on every replace


class VersionedFile:
    """One file replaced atomically, guarded by an exclusive lock file next to it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_suffix(".lock")

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the exclusive cross-process lock (blocks while another process holds it)."""
        ensure_private_dir(self.path.parent)
        with ExitStack() as stack:
            try:
                stack.enter_context(file_lock(self.lock_path))
            except OSError as exc:
                raise self._unavailable(exc) from exc
            yield

    def signature(self) -> Signature | None:
        """Identity of the current file version (changes on every replace), None if absent."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def read(self) -> tuple[bytes, Signature] | None:
        """The file's bytes and the signature of exactly that version, None if absent."""
        try:
            with open(self.path, "rb") as f:
                st = os.fstat(f.fileno())
                return f.read(), (st.st_ino, st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self._unavailable(exc) from exc

    def write(self, data: bytes) -> Signature:
        """Replace the file atomically with ``data``; the signature of the new version."""
        try:
            atomic_write(self.path, data)
        except OSError as exc:
            raise self._unavailable(exc) from exc
        sig = self.signature()
        if sig is None:  # only if someone removed the directory under our feet
            raise UnavailableError(f"{self.path} vanished right after it was written; retry")
        return sig

    def _unavailable(self, exc: OSError) -> UnavailableError:
        return UnavailableError(
            f"cannot use the demo data in {self.path.parent} ({exc.strerror or exc}); "
            "check that WFM_HOME points to a writable directory"
        )
