"""AesGcmKeyVault: provider credentials sealed with AES-256-GCM in one private file.

Each record (one tenant and provider) seals the credential map as one JSON object with the
newest master key; the tenant, provider and master key id are the associated data, so a
ciphertext moved to another tenant or relabelled fails to open. The file is rewritten
atomically under an flock; before any write every record that stays is opened, so a wrong
master key or a tampered file is reported and nothing is overwritten.

Records written before credentials were maps hold a bare key (``{"key": ...}``): they read
back as ``{"api_key": key}``, and are sealed again as a map by the next ``put`` (which opens
every record anyway) or ``rotate`` — with their own master key by ``put``, so only rotation
ever moves a record to a newer master key.
"""

from __future__ import annotations

import base64
import binascii
import builtins
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import SecretStr

from wfm_bridge.plugins.local.fs import atomic_write, ensure_private_dir, file_lock
from wfm_bridge.plugins.local.master_keys import MasterKey
from wfm_bridge.ports.credentials import check_credentials
from wfm_bridge.ports.errors import IntegrityError, InvalidInputError
from wfm_bridge.ports.vault import KeyInfo, RotationReport

FORMAT = "wfm-vault/1"
VAULT_FILE = "vault.json"
LOCK_FILE = "vault.lock"


class MasterKeySource(Protocol):
    """Where master keys come from (configuration or a generated key file)."""

    self_managed: bool

    def load(self) -> list[MasterKey]:
        """Keys, newest first (may be empty)."""
        ...

    def ensure(self) -> list[MasterKey]:
        """Keys, newest first, never empty."""
        ...

    def add(self) -> str | None:
        """Add a new newest key if the source is ours to edit; its id, or None."""
        ...

    def drop(self, ids: list[str]) -> list[str]:
        """Remove keys if the source is ours to edit; the ids removed."""
        ...


@dataclass(frozen=True)
class _Sealed:
    tenant: str
    provider: str
    master_key_id: str
    nonce: bytes
    ciphertext: bytes

    def to_json(self) -> dict[str, str]:
        return {
            "tenant": self.tenant,
            "provider": self.provider,
            "master_key_id": self.master_key_id,
            "nonce": base64.b64encode(self.nonce).decode(),
            "ciphertext": base64.b64encode(self.ciphertext).decode(),
        }


@dataclass(frozen=True)
class _Opened:
    credentials: dict[str, SecretStr]
    validated_at: datetime | None
    legacy: bool = False  # sealed as a bare key by an older version: re-seal as a map


def _aad(tenant: str, provider: str, master_key_id: str) -> bytes:
    return json.dumps([FORMAT, tenant, provider, master_key_id]).encode()


def _check_names(tenant: str, provider: str) -> None:
    if not tenant.strip() or not provider.strip():
        raise InvalidInputError("tenant and provider must be non-empty names")


class AesGcmKeyVault:
    """The KeyVault port on local disk, sealed with AES-GCM master keys."""

    def __init__(self, data_dir: Path, master_keys: MasterKeySource) -> None:
        self._dir = data_dir
        self.path = data_dir / VAULT_FILE
        self._master_keys = master_keys

    # --- the KeyVault port -------------------------------------------------------------

    def put(
        self,
        tenant: str,
        provider: str,
        credentials: Mapping[str, SecretStr],
        validated_at: datetime,
    ) -> KeyInfo:
        """Seal and store the credential map for ``(tenant, provider)``, replacing any
        previous one; records still holding a bare key are sealed again as maps."""
        _check_names(tenant, provider)
        fields = check_credentials(credentials)
        if validated_at.tzinfo is None:
            raise InvalidInputError("validated_at must be timezone-aware")
        opened = _Opened(fields, validated_at.astimezone(UTC))
        with self._locked(shared=False):
            records = self._load()
            keys = self._master_keys.load()
            for name, other in records.items():
                if name != (tenant, provider):
                    old = self._open(other, keys)
                    if old.legacy:  # same master key: moving keys is rotation's job
                        master = next(k for k in keys if k.id == other.master_key_id)
                        records[name] = self._seal(*name, old, master)
            keys = keys or self._master_keys.ensure()
            sealed = self._seal(tenant, provider, opened, keys[0])
            records[(tenant, provider)] = sealed
            self._save(records)
        return self._info(sealed, opened)

    def get(self, tenant: str, provider: str) -> dict[str, SecretStr] | None:
        """The credential map, or None when none is stored."""
        with self._locked(shared=True):
            sealed = self._load().get((tenant, provider))
            if sealed is None:
                return None
            return self._open(sealed, self._master_keys.load()).credentials

    def info(self, tenant: str, provider: str) -> KeyInfo | None:
        """Fingerprint and metadata (the record is opened, so tampering is reported)."""
        with self._locked(shared=True):
            sealed = self._load().get((tenant, provider))
            if sealed is None:
                return None
            return self._info(sealed, self._open(sealed, self._master_keys.load()))

    def list(self) -> list[KeyInfo]:
        """Every stored key's info, sorted by (tenant, provider)."""
        with self._locked(shared=True):
            keys = self._master_keys.load()
            records = self._load()
            return [self._info(s, self._open(s, keys)) for _, s in sorted(records.items())]

    def remove(self, tenant: str, provider: str) -> bool:
        """Delete the key (even one that no longer opens); True if one was stored."""
        with self._locked(shared=False):
            records = self._load()
            if records.pop((tenant, provider), None) is None:
                return False
            self._save(records)
            return True

    def rotate(self) -> RotationReport:
        """Re-seal every record with the newest master key (and every bare-key record as a
        map); re-running is harmless."""
        with self._locked(shared=False):
            records = self._load()
            keys = self._master_keys.load()
            opened = {name: self._open(s, keys) for name, s in records.items()}
            newest = (keys or self._master_keys.ensure())[0]
            stale = [
                name
                for name, s in records.items()
                if s.master_key_id != newest.id or opened[name].legacy
            ]
            for name in stale:
                records[name] = self._seal(*name, opened[name], newest)
            if stale:
                self._save(records)
            return RotationReport(
                new_master_key_id=newest.id,
                reencrypted=len(stale),
                already_current=len(records) - len(stale),
            )

    # --- master key management (beyond the port) ----------------------------------------

    @property
    def self_managed_keys(self) -> bool:
        """True when master keys live in the generated key file (not in WFM_MASTER_KEYS)."""
        return self._master_keys.self_managed

    def add_master_key(self) -> str | None:
        """Generate a new newest master key in the key file; None when keys are configured."""
        with self._locked(shared=False):
            return self._master_keys.add()

    def unused_master_keys(self) -> builtins.list[str]:
        """Ids of configured keys, other than the newest, that seal no record."""
        with self._locked(shared=True):
            return self._unused(self._load())

    def prune_master_keys(self) -> builtins.list[str]:
        """Drop unused old keys from the key file (configured keys are left alone).

        Every record is opened first: a relabelled record would make the key that really
        seals it look unused, and dropping it would lose that record for good."""
        with self._locked(shared=False):
            records = self._load()
            if self._master_keys.self_managed:
                keys = self._master_keys.load()
                for sealed in records.values():
                    self._open(sealed, keys)
            return self._master_keys.drop(self._unused(records))

    # --- internals --------------------------------------------------------------------

    def _unused(self, records: dict[tuple[str, str], _Sealed]) -> builtins.list[str]:
        in_use = {s.master_key_id for s in records.values()}
        return [k.id for k in self._master_keys.load()[1:] if k.id not in in_use]

    @contextmanager
    def _locked(self, *, shared: bool) -> Iterator[None]:
        ensure_private_dir(self._dir)
        with file_lock(self._dir / LOCK_FILE, shared=shared):
            yield

    def _damaged(self, why: str) -> IntegrityError:
        return IntegrityError(
            f"the key vault file {self.path} is damaged ({why}); restore it from a backup, "
            "or move it away and set the keys again with `wfm auth set-key`"
        )

    def _load(self) -> dict[tuple[str, str], _Sealed]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        try:
            doc = json.loads(raw)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # deep nesting: recursion
            raise self._damaged("not valid JSON") from exc
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise self._damaged(f"not a {FORMAT} file")
        items = doc.get("records")
        if not isinstance(items, list):
            raise self._damaged("no record list")
        records: dict[tuple[str, str], _Sealed] = {}
        for item in items:
            sealed = self._parse_record(item)
            name = (sealed.tenant, sealed.provider)
            if name in records:
                raise self._damaged(f"two records for tenant {name[0]!r} / {name[1]!r}")
            records[name] = sealed
        return records

    def _parse_record(self, item: object) -> _Sealed:
        fields = ("tenant", "provider", "master_key_id", "nonce", "ciphertext")
        if not isinstance(item, dict) or not all(isinstance(item.get(f), str) for f in fields):
            raise self._damaged("a record is malformed")
        try:
            nonce = base64.b64decode(item["nonce"], validate=True)
            ciphertext = base64.b64decode(item["ciphertext"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise self._damaged("a record is not valid base64") from exc
        # Only the form we write: base64 ignores the spare bits of its last character, so
        # without this some edits of the file would decode to the same bytes, unnoticed.
        if (base64.b64encode(nonce).decode(), base64.b64encode(ciphertext).decode()) != (
            item["nonce"],
            item["ciphertext"],
        ):
            raise self._damaged("a record is not in canonical base64")
        return _Sealed(item["tenant"], item["provider"], item["master_key_id"], nonce, ciphertext)

    def _save(self, records: dict[tuple[str, str], _Sealed]) -> None:
        doc = {"format": FORMAT, "records": [s.to_json() for _, s in sorted(records.items())]}
        atomic_write(self.path, (json.dumps(doc, indent=1) + "\n").encode())

    def _seal(self, tenant: str, provider: str, opened: _Opened, master: MasterKey) -> _Sealed:
        payload = {
            "credentials": {n: v.get_secret_value() for n, v in opened.credentials.items()},
            "validated_at": opened.validated_at.isoformat() if opened.validated_at else None,
        }
        nonce = os.urandom(12)
        aad = _aad(tenant, provider, master.id)
        ciphertext = AESGCM(master.secret).encrypt(nonce, json.dumps(payload).encode(), aad)
        return _Sealed(tenant, provider, master.id, nonce, ciphertext)

    def _open(self, sealed: _Sealed, keys: builtins.list[MasterKey]) -> _Opened:
        where = f"the key for tenant {sealed.tenant!r} / provider {sealed.provider!r}"
        master = next((k for k in keys if k.id == sealed.master_key_id), None)
        if master is None:
            raise IntegrityError(
                f"{where} is sealed with master key {sealed.master_key_id!r}, which is not "
                "configured; add that key back (WFM_MASTER_KEYS or the master key file) or run "
                f"`wfm auth remove --tenant {sealed.tenant} --provider {sealed.provider}` and "
                "set the key again"
            )
        aad = _aad(sealed.tenant, sealed.provider, sealed.master_key_id)
        try:
            plain = AESGCM(master.secret).decrypt(sealed.nonce, sealed.ciphertext, aad)
        except (InvalidTag, ValueError) as exc:
            raise IntegrityError(
                f"{where} does not verify with master key {sealed.master_key_id!r}: the vault "
                "file was modified or that master key is wrong; restore the vault file or the "
                "right master key from a backup"
            ) from exc
        return self._decode(plain, where)

    def _decode(self, plain: bytes, where: str) -> _Opened:
        unreadable = IntegrityError(f"{where} has an unreadable payload; set it again")
        try:
            payload = json.loads(plain)
            legacy = "credentials" not in payload
            values = {"api_key": payload["key"]} if legacy else payload["credentials"]
            stamp = payload["validated_at"]
            validated_at = None if stamp is None else datetime.fromisoformat(stamp)
        except (ValueError, KeyError, TypeError):
            # never chain the parser's message: it could quote the plaintext
            raise unreadable from None
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            raise unreadable
        try:
            credentials = check_credentials({n: SecretStr(v) for n, v in values.items()})
        except InvalidInputError:  # not chained either: the message may quote a field name
            raise unreadable from None
        return _Opened(credentials, validated_at, legacy)

    @staticmethod
    def _info(sealed: _Sealed, opened: _Opened) -> KeyInfo:
        return KeyInfo.describe(
            sealed.tenant,
            sealed.provider,
            opened.credentials,
            opened.validated_at,
            sealed.master_key_id,
        )
