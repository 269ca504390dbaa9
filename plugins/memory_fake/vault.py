"""InMemoryKeyVault: the KeyVault port in a dict, with the local vault's master-key semantics.

Nothing is encrypted, but each record remembers which master key "sealed" it, so rotation,
pruning and a forgotten master key behave exactly as in the encrypted vault.
"""

from __future__ import annotations

import builtins
import itertools
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import SecretStr

from wfm_bridge.ports.credentials import check_credentials
from wfm_bridge.ports.errors import IntegrityError, InvalidInputError
from wfm_bridge.ports.vault import KeyInfo, RotationReport


@dataclass(frozen=True)
class _Record:
    credentials: dict[str, SecretStr]
    validated_at: datetime
    master_key_id: str


class InMemoryKeyVault:
    """Fake KeyVault. ``self_managed`` mirrors a generated key file (True) or configured
    keys (False); ``forget_master_key`` simulates a master key that is no longer configured."""

    def __init__(self, master_key_ids: Sequence[str] = (), *, self_managed: bool = True) -> None:
        if not self_managed and not master_key_ids:
            raise InvalidInputError("configured master keys cannot be empty")
        self._master_ids = list(master_key_ids)  # newest first
        self.self_managed_keys = self_managed
        self._records: dict[tuple[str, str], _Record] = {}
        self._counter = itertools.count(1)
        self._lock = threading.RLock()

    # --- the KeyVault port -------------------------------------------------------------

    def put(
        self,
        tenant: str,
        provider: str,
        credentials: Mapping[str, SecretStr],
        validated_at: datetime,
    ) -> KeyInfo:
        """Store (or replace) the credential map; every other record must still open."""
        if not tenant.strip() or not provider.strip():
            raise InvalidInputError("tenant and provider must be non-empty names")
        fields = check_credentials(credentials)
        if validated_at.tzinfo is None:
            raise InvalidInputError("validated_at must be timezone-aware")
        with self._lock:
            for name, other in self._records.items():
                if name != (tenant, provider):
                    self._open(name, other)
            newest = self._ensure_newest()
            record = _Record(fields, validated_at.astimezone(UTC), newest)
            self._records[(tenant, provider)] = record
            return self._info((tenant, provider), record)

    def get(self, tenant: str, provider: str) -> dict[str, SecretStr] | None:
        """The credential map (a copy), or None."""
        with self._lock:
            record = self._records.get((tenant, provider))
            if record is None:
                return None
            return dict(self._open((tenant, provider), record).credentials)

    def info(self, tenant: str, provider: str) -> KeyInfo | None:
        """Fingerprint and metadata, or None."""
        with self._lock:
            record = self._records.get((tenant, provider))
            if record is None:
                return None
            return self._info((tenant, provider), self._open((tenant, provider), record))

    def list(self) -> list[KeyInfo]:
        """Every key's info, sorted by (tenant, provider)."""
        with self._lock:
            return [
                self._info(name, self._open(name, r)) for name, r in sorted(self._records.items())
            ]

    def remove(self, tenant: str, provider: str) -> bool:
        """Delete the key; True if one was stored."""
        with self._lock:
            return self._records.pop((tenant, provider), None) is not None

    def rotate(self) -> RotationReport:
        """Re-seal every record with the newest master key."""
        with self._lock:
            for name, record in self._records.items():
                self._open(name, record)
            newest = self._ensure_newest()
            stale = [n for n, r in self._records.items() if r.master_key_id != newest]
            for name in stale:
                old = self._records[name]
                self._records[name] = _Record(old.credentials, old.validated_at, newest)
            return RotationReport(
                new_master_key_id=newest,
                reencrypted=len(stale),
                already_current=len(self._records) - len(stale),
            )

    # --- master key management (same extras as the local vault) -------------------------

    def add_master_key(self) -> str | None:
        """A new newest master key id; None when keys are configured elsewhere."""
        if not self.self_managed_keys:
            return None
        with self._lock:
            new = self._new_id()
            self._master_ids.insert(0, new)
            return new

    def unused_master_keys(self) -> builtins.list[str]:
        """Ids of keys, other than the newest, that seal no record."""
        with self._lock:
            in_use = {r.master_key_id for r in self._records.values()}
            return [k for k in self._master_ids[1:] if k not in in_use]

    def prune_master_keys(self) -> builtins.list[str]:
        """Drop unused old keys when they are ours to manage."""
        if not self.self_managed_keys:
            return []
        with self._lock:
            for name, record in self._records.items():  # as the local vault: verify first
                self._open(name, record)
            dropped = self.unused_master_keys()
            self._master_ids = [k for k in self._master_ids if k not in dropped]
            return dropped

    def forget_master_key(self, master_key_id: str) -> None:
        """Test hook: behave as if this master key were no longer configured."""
        with self._lock:
            self._master_ids = [k for k in self._master_ids if k != master_key_id]

    @property
    def master_key_ids(self) -> builtins.list[str]:
        """Configured master key ids, newest first."""
        return list(self._master_ids)

    # --- internals --------------------------------------------------------------------

    def _new_id(self) -> str:
        while True:
            candidate = f"memory-{next(self._counter)}"
            if candidate not in self._master_ids:
                return candidate

    def _ensure_newest(self) -> str:
        if not self._master_ids:
            self._master_ids.append(self._new_id())
        return self._master_ids[0]

    def _open(self, name: tuple[str, str], record: _Record) -> _Record:
        if record.master_key_id not in self._master_ids:
            raise IntegrityError(
                f"the key for tenant {name[0]!r} / provider {name[1]!r} is sealed with master "
                f"key {record.master_key_id!r}, which is not configured; add that key back or "
                f"run `wfm auth remove --tenant {name[0]} --provider {name[1]}` and set it again"
            )
        return record

    @staticmethod
    def _info(name: tuple[str, str], record: _Record) -> KeyInfo:
        return KeyInfo.describe(
            name[0], name[1], record.credentials, record.validated_at, record.master_key_id
        )
