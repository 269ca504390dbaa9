"""The KeyVault port: provider API keys per (tenant, provider), encrypted at rest."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Protocol, runtime_checkable

from pydantic import AwareDatetime, SecretStr

from wfm_bridge.ports.models import Dto


def key_fingerprint(key: SecretStr) -> str:
    """A short, non-reversible label for a key (``sha256:`` + 12 hex digits) to show users."""
    digest = hashlib.sha256(key.get_secret_value().encode()).hexdigest()
    return f"sha256:{digest[:12]}"


class KeyInfo(Dto):
    """What may be shown about a stored key: never the key itself."""

    tenant: str
    provider: str
    fingerprint: str
    validated_at: AwareDatetime | None = None
    master_key_id: str | None = None


class RotationReport(Dto):
    """Outcome of re-encrypting every record with the newest master key."""

    new_master_key_id: str
    reencrypted: int
    already_current: int


@runtime_checkable
class KeyVault(Protocol):
    """Stores API keys encrypted at rest; nothing stores them in clear.

    Writes are atomic: a crash never loses the previous key. A tampered store or a record
    sealed with a master key that is no longer configured raises ``IntegrityError`` naming
    the problem; nothing is overwritten.
    """

    def put(self, tenant: str, provider: str, key: SecretStr, validated_at: datetime) -> KeyInfo:
        """Store (or replace) the key for ``(tenant, provider)``."""
        ...

    def get(self, tenant: str, provider: str) -> SecretStr | None:
        """The key, or None when none is stored."""
        ...

    def info(self, tenant: str, provider: str) -> KeyInfo | None:
        """Fingerprint and metadata of the stored key, or None."""
        ...

    def list(self) -> list[KeyInfo]:
        """Every stored key's info, sorted by (tenant, provider)."""
        ...

    def remove(self, tenant: str, provider: str) -> bool:
        """Delete the key; True if one was stored."""
        ...

    def rotate(self) -> RotationReport:
        """Re-encrypt every record with the newest master key; safe to re-run."""
        ...
