"""The local key vault under tampering: truncated, bit-flipped, overwritten and swapped records,
wrong or swapped master keys. Every operation that needs the whole vault (list, rotate, a put
for another tenant, pruning master keys) raises IntegrityError with a clear message; a read
of one record gives its own credentials, nothing (its name was changed) or IntegrityError,
never another record's; and no failed operation changes a byte of the vault or of the master
key file. The seeded vault holds a one-key record, a two-field record and a record sealed as
a bare key by an older version (read back as an ``api_key`` map).
"""

from __future__ import annotations

import base64
import json
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from local.vault_world import legacy_payload, sealed_record
from pydantic import SecretStr

from wfm_bridge.plugins.local.master_keys import EnvMasterKeys, FileMasterKeys
from wfm_bridge.plugins.local.vault import AesGcmKeyVault
from wfm_bridge.ports.errors import IntegrityError

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
RECORDS = {
    ("acme", "assembled"): {"api_key": SecretStr("sk_live_" + "Acme1234" * 4)},
    ("globex", "assembled"): {"api_key": SecretStr("sk_live_" + "Globex56" * 4)},
    ("acme", "other"): {
        "client_id": SecretStr("other-client-0042"),
        "client_secret": SecretStr("cs_" + "Other789" * 4),
    },
}
LEGACY = ("globex", "assembled")  # sealed as a bare key, as older versions did
FRESH = ("initech", "assembled")  # a tenant with no record: a put for it must open the others
NEW = {"api_key": SecretStr("sk_live_new")}


def master(seed: int) -> str:
    """A deterministic 32-byte master key in base64."""
    return base64.b64encode(bytes([seed]) * 32).decode()


def env_vault(home: Path, text: str = f"k1:{master(1)}") -> AesGcmKeyVault:
    return AesGcmKeyVault(home, EnvMasterKeys.from_text(text))


def seeded(home: Path) -> AesGcmKeyVault:
    vault = env_vault(home)
    for (tenant, provider), credentials in RECORDS.items():
        vault.put(tenant, provider, credentials, T0)
    bare = RECORDS[LEGACY]["api_key"].get_secret_value()
    sealed_record(home, "k1", 1, *LEGACY, legacy_payload(bare, T0))
    return vault


def snapshot(home: Path) -> dict[str, bytes]:
    """Every file's bytes (vault, master keys), to prove failed operations changed nothing."""
    return {p.name: p.read_bytes() for p in sorted(home.iterdir()) if p.is_file()
            and not p.name.endswith(".lock")}


def whole_vault_operations(vault: AesGcmKeyVault) -> dict[str, Callable[[], Any]]:
    """Operations that must open every record before they answer or write."""
    return {
        "list": vault.list,
        "rotate": vault.rotate,
        "put another tenant": lambda: vault.put(*FRESH, NEW, T0),
    }


def assert_tamper_detected(home: Path, vault: AesGcmKeyVault, moved: set[tuple[str, str]]) -> None:
    """The whole-vault operations refuse; single reads never return another record's key;
    nothing is written. ``moved``: names that may legitimately read as absent."""
    before = snapshot(home)
    for name, operation in whole_vault_operations(vault).items():
        with pytest.raises(IntegrityError) as caught:
            operation()
        message = str(caught.value)
        assert "vault" in message or "master key" in message, (name, message)
        assert any(word in message for word in ("restore", "set", "remove", "add")), message
        assert snapshot(home) == before, f"{name} wrote after a failure"
    for (tenant, provider), credentials in RECORDS.items():
        try:
            got = vault.get(tenant, provider)
        except IntegrityError:
            continue
        assert got == credentials or (got is None and (tenant, provider) in moved), (
            tenant, provider,
        )
    assert snapshot(home) == before


def names_in(path: Path) -> set[tuple[str, str]]:
    """The (tenant, provider) names a vault file holds, as far as it parses."""
    try:
        doc = json.loads(path.read_bytes())
        return {(r["tenant"], r["provider"]) for r in doc["records"]}
    except Exception:
        return set()


@given(data=st.data())
def test_any_bit_flip_anywhere_in_the_file_is_detected(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        vault = seeded(home)
        path = home / "vault.json"
        raw = bytearray(path.read_bytes())
        flips = data.draw(st.lists(st.tuples(st.integers(0, len(raw) - 1), st.integers(0, 7)),
                                   min_size=1, max_size=3, unique_by=lambda f: f[0]))
        for position, bit in flips:
            raw[position] ^= 1 << bit
        path.write_bytes(bytes(raw))
        assert_tamper_detected(home, vault, set(RECORDS) - names_in(path))


@given(data=st.data())
def test_a_truncated_or_overwritten_file_is_detected(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        vault = seeded(home)
        path = home / "vault.json"
        raw = path.read_bytes()
        how = data.draw(st.sampled_from(["truncate", "overwrite", "insert"]))
        if how == "truncate":  # drop at least one byte of the document itself
            raw = raw[: data.draw(st.integers(0, len(raw.rstrip()) - 1))]
        else:
            at = data.draw(st.integers(0, len(raw) - 2))
            chunk = data.draw(st.binary(min_size=1, max_size=16))
            if how == "overwrite":
                chunk = bytes(c if c != raw[at + i] else c ^ 1
                              for i, c in enumerate(chunk[: len(raw) - at]))
                raw = raw[:at] + chunk + raw[at + len(chunk):]
            else:
                raw = raw[:at] + chunk + raw[at:]
                if raw.strip() == path.read_bytes().strip():  # only whitespace was inserted
                    raw = raw[:-1]
        path.write_bytes(raw)
        assert_tamper_detected(home, vault, set(RECORDS) - names_in(path))


SWAPS = {
    # another tenant's sealed key moved into this record
    "nonce and ciphertext": ("nonce", "ciphertext"),
    "ciphertext only": ("ciphertext",),
    "nonce only": ("nonce",),
    # the labels moved instead: each sealed key now claims the other's name
    "names": ("tenant", "provider"),
    "tenant only": ("tenant",),
}


@given(
    pair=st.permutations(range(len(RECORDS))).map(lambda p: (p[0], p[1])),
    swap=st.sampled_from(sorted(SWAPS)),
    both_ways=st.booleans(),
)
def test_swapped_records_are_detected(pair: tuple[int, int], swap: str, both_ways: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        vault = seeded(home)
        path = home / "vault.json"
        doc = json.loads(path.read_text())
        a, b = (doc["records"][i] for i in pair)
        for field in SWAPS[swap]:
            if both_ways:
                a[field], b[field] = b[field], a[field]
            else:
                a[field] = b[field]  # copied over: b's sealed key now also claims a's name
        assume(doc != json.loads(path.read_text()))  # e.g. one acme tenant copied over another
        path.write_text(json.dumps(doc))
        names = [(r["tenant"], r["provider"]) for r in doc["records"]]
        if len(set(names)) < len(names):  # two records claim one name: the file is damaged
            with pytest.raises(IntegrityError, match="two records"):
                vault.list()
            return
        assert_tamper_detected(home, vault, set(RECORDS) - set(names))


@given(seed=st.integers(2, 255), same_id=st.booleans())
def test_a_wrong_master_key_is_detected_and_nothing_is_written(seed: int, same_id: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        seeded(home)
        wrong = env_vault(home, f"{'k1' if same_id else 'k2'}:{master(seed)}")
        assert_tamper_detected(home, wrong, set())
        for name in RECORDS:
            with pytest.raises(IntegrityError, match="k1"):
                wrong.get(*name)


def test_a_replaced_master_key_file_is_detected_and_left_alone() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        vault = AesGcmKeyVault(home, FileMasterKeys(home / "master.keys"))
        for (tenant, provider), credentials in RECORDS.items():
            vault.put(tenant, provider, credentials, T0)
        keys = home / "master.keys"
        other = Path(tmp) / "other"
        other.mkdir()
        FileMasterKeys(other / "master.keys").ensure()  # someone else's key file
        keys.write_bytes((other / "master.keys").read_bytes())
        assert_tamper_detected(home, vault, set())


@given(cut=st.integers(0, 43))
def test_a_truncated_master_key_file_is_an_integrity_error(cut: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        vault = AesGcmKeyVault(home, FileMasterKeys(home / "master.keys"))
        vault.put("acme", "assembled", RECORDS[("acme", "assembled")], T0)
        keys = home / "master.keys"
        line = keys.read_bytes()
        keys.write_bytes(line[: line.index(b":") + 1 + cut])
        before = snapshot(home)
        with pytest.raises(IntegrityError, match="master key file"):
            vault.get("acme", "assembled")
        with pytest.raises(IntegrityError):
            vault.put(*FRESH, NEW, T0)
        assert snapshot(home) == before


def test_pruning_master_keys_verifies_the_vault_first() -> None:
    """A record relabelled with the newest key id made its real (older) key look unused, and
    pruning deleted it from the key file: the record could then never be opened again, even
    from a backup of the vault."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        vault = AesGcmKeyVault(home, FileMasterKeys(home / "master.keys"))
        vault.put("acme", "assembled", RECORDS[("acme", "assembled")], T0)
        backup = (home / "vault.json").read_bytes()
        newest = vault.add_master_key()  # the record is still sealed by the older key
        doc = json.loads(backup)
        doc["records"][0]["master_key_id"] = newest
        (home / "vault.json").write_text(json.dumps(doc))
        before = snapshot(home)
        with pytest.raises(IntegrityError):
            vault.prune_master_keys()
        assert snapshot(home) == before
        (home / "vault.json").write_bytes(backup)  # the backup still opens
        assert vault.get("acme", "assembled") == RECORDS[("acme", "assembled")]


@pytest.mark.parametrize("depth", [10_000, 1_000_000])
def test_a_deeply_nested_file_is_an_integrity_error(depth: int) -> None:
    """json.loads raised RecursionError: not a WfmError."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        (home / "vault.json").write_bytes(b"[" * depth + b"]" * depth)
        with pytest.raises(IntegrityError, match="damaged"):
            env_vault(home).list()
