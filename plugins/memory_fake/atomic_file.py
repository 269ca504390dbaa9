"""AtomicFile: one file replaced atomically, guarded by an exclusive fcntl lock file.

Writers take the lock, write a temporary file in the same directory, fsync it and rename it
over the old one, so readers (who need no lock) always see a whole version and a process
killed at any point leaves the old or the new file. The lock is released when its holder
exits, even by SIGKILL.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from wfm_bridge.ports.errors import UnavailableError

Signature = tuple[int, int, int]  # (inode, mtime_ns, size): changes on every replace


class AtomicFile:
    """One file replaced atomically, guarded by an exclusive lock file next to it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_suffix(".lock")

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the exclusive cross-process lock (blocks while another process holds it)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise self._unavailable(exc) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

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
        """Replace the file atomically with ``data`` (write a temp file, fsync, rename)."""
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
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
