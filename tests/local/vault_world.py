"""Builders for vault tests: a local vault in a temp dir with env or file master keys."""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from wfm_bridge.plugins.local.master_keys import EnvMasterKeys, FileMasterKeys
from wfm_bridge.plugins.local.vault import AesGcmKeyVault

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
KEY = SecretStr("sk_live_" + "A1b2C3d4" * 4)


def api_key(value: str | SecretStr) -> dict[str, SecretStr]:
    """The credential map of a one-key provider such as Assembled."""
    return {"api_key": value if isinstance(value, SecretStr) else SecretStr(value)}


def b64key(seed: int) -> str:
    """A deterministic 32-byte master key in base64 (distinct per seed)."""
    return base64.b64encode(bytes([seed]) * 32).decode()


def env_vault(home: Path, *entries: tuple[str, int]) -> AesGcmKeyVault:
    """A vault whose master keys come from a WFM_MASTER_KEYS-style value."""
    text = ",".join(f"{key_id}:{b64key(seed)}" for key_id, seed in entries)
    return AesGcmKeyVault(home, EnvMasterKeys.from_text(text))


def file_vault(home: Path) -> AesGcmKeyVault:
    """A vault whose master keys live in ``home/master.keys`` (generated on first use)."""
    return AesGcmKeyVault(home, FileMasterKeys(home / "master.keys"))


def edit_vault_file(home: Path, edit) -> None:  # type: ignore[no-untyped-def]
    """Rewrite vault.json through ``edit(doc)`` (to play an attacker or a bad disk)."""
    path = home / "vault.json"
    doc = json.loads(path.read_text())
    edit(doc)
    path.write_text(json.dumps(doc))


def all_bytes(home: Path) -> bytes:
    """Every byte of every file under ``home``."""
    return b"".join(p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file())


def mode(path: Path) -> int:
    """Permission bits of ``path``."""
    return os.stat(path).st_mode & 0o777


def sealed_record(
    home: Path, master_id: str, seed: int, tenant: str, provider: str, payload: object
) -> None:
    """Replace the record of (tenant, provider) in ``home``'s vault with ``payload`` sealed
    under master key ``master_id`` (``b64key(seed)``), the way the vault's file format says:
    AES-GCM, associated data ``[format, tenant, provider, master key id]``. With
    ``{"key": ..., "validated_at": ...}`` it is a record as versions before credential maps
    wrote it."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from wfm_bridge.plugins.local.vault import FORMAT

    aad = json.dumps([FORMAT, tenant, provider, master_id]).encode()
    nonce = os.urandom(12)
    secret = base64.b64decode(b64key(seed))
    ciphertext = AESGCM(secret).encrypt(nonce, json.dumps(payload).encode(), aad)

    def replace(doc: dict) -> None:  # type: ignore[type-arg]
        for record in doc["records"]:
            if (record["tenant"], record["provider"]) == (tenant, provider):
                record["master_key_id"] = master_id
                record["nonce"] = base64.b64encode(nonce).decode()
                record["ciphertext"] = base64.b64encode(ciphertext).decode()

    edit_vault_file(home, replace)


def opened_payload(home: Path, seed: int, tenant: str, provider: str) -> Any:
    """The plaintext JSON of one record (to check what the vault sealed)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from wfm_bridge.plugins.local.vault import FORMAT

    doc = json.loads((home / "vault.json").read_text())
    [record] = [r for r in doc["records"] if (r["tenant"], r["provider"]) == (tenant, provider)]
    aad = json.dumps([FORMAT, tenant, provider, record["master_key_id"]]).encode()
    plain = AESGCM(base64.b64decode(b64key(seed))).decrypt(
        base64.b64decode(record["nonce"]), base64.b64decode(record["ciphertext"]), aad
    )
    return json.loads(plain)


def legacy_payload(key: str, validated_at: datetime = T0) -> dict[str, str]:
    """What versions before credential maps sealed: the bare key."""
    return {"key": key, "validated_at": validated_at.isoformat()}
