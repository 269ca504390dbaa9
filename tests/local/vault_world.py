"""Builders for vault tests: a local vault in a temp dir with env or file master keys."""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr

from wfm_bridge.plugins.local.master_keys import EnvMasterKeys, FileMasterKeys
from wfm_bridge.plugins.local.vault import AesGcmKeyVault

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
KEY = SecretStr("sk_live_" + "A1b2C3d4" * 4)


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
