"""The KeyVault port: provider credentials per (tenant, provider), encrypted at rest.

A record is the provider's credential map (field name -> value, e.g. ``{"api_key": ...}`` or
``{"client_id": ..., "client_secret": ...}``), sealed as one object.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Protocol, runtime_checkable

from pydantic import AwareDatetime, SecretStr

from wfm_bridge.ports.models import Dto


def key_fingerprint(key: SecretStr) -> str:
    """A short, non-reversible label for a key (``sha256:`` + 12 hex digits) to show users."""
    digest = hashlib.sha256(key.get_secret_value().encode()).hexdigest()
    return f"sha256:{digest[:12]}"


def credentials_fingerprint(credentials: Mapping[str, SecretStr]) -> str:
    """One fingerprint for a whole credential map: a single field's own fingerprint (so a
    one-key record keeps the label it always had), else that of every field and value."""
    if len(credentials) == 1:
        return key_fingerprint(next(iter(credentials.values())))
    canonical = json.dumps(
        sorted((name, value.get_secret_value()) for name, value in credentials.items())
    )
    return key_fingerprint(SecretStr(canonical))


class KeyInfo(Dto):
    """What may be shown about stored credentials: never a value, only fingerprints.

    ``fingerprints`` has one entry per stored field; ``fingerprint`` is the record's (for a
    single field, that field's)."""

    tenant: str
    provider: str
    fingerprint: str
    fingerprints: dict[str, str] = {}
    validated_at: AwareDatetime | None = None
    master_key_id: str | None = None

    @classmethod
    def describe(
        cls,
        tenant: str,
        provider: str,
        credentials: Mapping[str, SecretStr],
        validated_at: datetime | None,
        master_key_id: str | None,
    ) -> KeyInfo:
        """The info of one record (how every vault fills it in)."""
        return cls(
            tenant=tenant,
            provider=provider,
            fingerprint=credentials_fingerprint(credentials),
            fingerprints={n: key_fingerprint(v) for n, v in sorted(credentials.items())},
            validated_at=validated_at,
            master_key_id=master_key_id,
        )


class RotationReport(Dto):
    """Outcome of re-encrypting every record with the newest master key."""

    new_master_key_id: str
    reencrypted: int
    already_current: int


@runtime_checkable
class KeyVault(Protocol):
    """Stores credential maps encrypted at rest; nothing stores them in clear.

    ``put`` refuses (``InvalidInputError``) anything but a non-empty map of field names to
    non-empty ``SecretStr`` values (``ports.credentials.check_credentials``). Writes are
    atomic: a crash never loses the previous record. A tampered store or a record sealed with
    a master key that is no longer configured raises ``IntegrityError`` naming the problem;
    nothing is overwritten. A record an older version stored as a bare key reads back as
    ``{"api_key": key}``.
    """

    def put(
        self,
        tenant: str,
        provider: str,
        credentials: Mapping[str, SecretStr],
        validated_at: datetime,
    ) -> KeyInfo:
        """Store (or replace) the credential map for ``(tenant, provider)``."""
        ...

    def get(self, tenant: str, provider: str) -> dict[str, SecretStr] | None:
        """The credential map, or None when none is stored."""
        ...

    def info(self, tenant: str, provider: str) -> KeyInfo | None:
        """Fingerprints and metadata of the stored credentials, or None."""
        ...

    def list(self) -> list[KeyInfo]:
        """Every stored record's info, sorted by (tenant, provider)."""
        ...

    def remove(self, tenant: str, provider: str) -> bool:
        """Delete the record; True if one was stored."""
        ...

    def rotate(self) -> RotationReport:
        """Re-encrypt every record with the newest master key; safe to re-run."""
        ...
