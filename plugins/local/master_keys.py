"""Master keys that seal the key vault: from ``WFM_MASTER_KEYS`` or a generated key file.

Format (the same in the variable and in the file): entries ``id:base64key``, newest first,
separated by commas or newlines; each key is 32 random bytes (AES-256) in standard or
URL-safe base64, e.g. ``2025-06:q0V...=,2024-01:Zm9v...=``. Ids are letters, digits, ``._-``.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from wfm_bridge.plugins.local.fs import PRIVATE_FILE, atomic_write
from wfm_bridge.ports.errors import IntegrityError, InvalidInputError

ENV_VAR = "WFM_MASTER_KEYS"
KEY_BYTES = 32
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
FORMAT_HELP = (
    "expected comma-separated `id:base64key` entries, newest first, each key 32 random bytes "
    "in base64 (e.g. from `openssl rand -base64 32`), ids made of letters, digits, `._-`"
)


@dataclass(frozen=True)
class MasterKey:
    """One master key: its public id and its secret bytes (never shown in reprs)."""

    id: str
    secret: bytes = field(repr=False)


def parse_master_keys(text: str, source: str) -> list[MasterKey]:
    """Parse ``id:base64key`` entries (newest first); errors never echo key material."""
    keys: list[MasterKey] = []
    entries = [e.strip() for e in re.split(r"[,\n]", text) if e.strip()]
    for position, entry in enumerate(entries, start=1):
        key_id, sep, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not sep or not _ID.match(key_id):
            raise InvalidInputError(f"{source}: entry {position} has no valid id; {FORMAT_HELP}")
        try:
            normalised = encoded.strip().replace("-", "+").replace("_", "/")
            secret = base64.b64decode(normalised, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidInputError(
                f"{source}: the key of entry {key_id!r} is not valid base64; {FORMAT_HELP}"
            ) from exc
        if len(secret) != KEY_BYTES:
            raise InvalidInputError(
                f"{source}: the key of entry {key_id!r} is {len(secret)} bytes, not "
                f"{KEY_BYTES}; {FORMAT_HELP}"
            )
        if any(k.id == key_id for k in keys):
            raise InvalidInputError(
                f"{source}: master key id {key_id!r} appears twice; give each key its own id"
            )
        keys.append(MasterKey(key_id, secret))
    return keys


def format_master_keys(keys: Iterable[MasterKey]) -> str:
    """The file form of ``keys``: one ``id:base64key`` line each, newest first."""
    return "".join(f"{k.id}:{base64.b64encode(k.secret).decode()}\n" for k in keys)


def generate_master_key(taken: Iterable[str] = ()) -> MasterKey:
    """A fresh random master key with an unused id."""
    used = set(taken)
    while True:
        key_id = f"mk-{secrets.token_hex(4)}"
        if key_id not in used:
            return MasterKey(key_id, secrets.token_bytes(KEY_BYTES))


class EnvMasterKeys:
    """Master keys from configuration (a secret manager): fixed for the process, read-only."""

    self_managed = False

    def __init__(self, keys: list[MasterKey]) -> None:
        if not keys:
            raise InvalidInputError(f"{ENV_VAR} is set but holds no keys; {FORMAT_HELP}")
        self._keys = list(keys)

    @classmethod
    def from_text(cls, text: str) -> EnvMasterKeys:
        """Parse the value of ``WFM_MASTER_KEYS``."""
        return cls(parse_master_keys(text, ENV_VAR))

    def load(self) -> list[MasterKey]:
        """The configured keys, newest first."""
        return list(self._keys)

    def ensure(self) -> list[MasterKey]:
        """The configured keys (never empty)."""
        return self.load()

    def add(self) -> str | None:
        """Nothing to do: the operator adds keys to ``WFM_MASTER_KEYS`` themselves."""
        return None

    def drop(self, ids: Iterable[str]) -> list[str]:
        """Nothing to do: configuration is not ours to edit."""
        return []


class FileMasterKeys:
    """Master keys in an owner-only file next to the data, generated on first use."""

    self_managed = True

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> list[MasterKey]:
        """The keys in the file, newest first ([] when there is no file yet)."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return []
        with os.fdopen(fd, "rb") as handle:
            mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
            if mode & 0o077:
                raise IntegrityError(
                    f"the master key file {self.path} is accessible to other users "
                    f"(mode {mode:o}); run `chmod 600 {self.path}` and check who read it"
                )
            raw = handle.read()
        try:
            return parse_master_keys(raw.decode("ascii"), str(self.path))
        except (UnicodeDecodeError, InvalidInputError) as exc:
            raise IntegrityError(
                f"the master key file {self.path} is damaged; restore it from a backup"
            ) from exc

    def ensure(self) -> list[MasterKey]:
        """The keys, generating the first one (and the file) when there are none."""
        keys = self.load()
        if not keys:
            self.add()
            keys = self.load()
        return keys

    def add(self) -> str | None:
        """Generate a new newest key; every older key stays so every record still opens."""
        keys = self.load()
        new = generate_master_key(k.id for k in keys)
        self._write([new, *keys])
        return new.id

    def drop(self, ids: Iterable[str]) -> list[str]:
        """Remove these keys from the file (never the newest); return the ids removed."""
        keys = self.load()
        unwanted = set(ids) - {keys[0].id} if keys else set()
        dropped = [k.id for k in keys if k.id in unwanted]
        if dropped:
            self._write([k for k in keys if k.id not in unwanted])
        return dropped

    def _write(self, keys: list[MasterKey]) -> None:
        atomic_write(self.path, format_master_keys(keys).encode("ascii"))
        os.chmod(self.path, PRIVATE_FILE)
