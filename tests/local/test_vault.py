"""AesGcmKeyVault: sealing, binding to tenant/provider, tampering, wrong keys, atomic writes."""

from __future__ import annotations

import base64
import os
import threading
import traceback
from datetime import timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from local.vault_world import (
    KEY,
    T0,
    all_bytes,
    api_key,
    edit_vault_file,
    env_vault,
    file_vault,
    legacy_payload,
    mode,
    opened_payload,
    sealed_record,
)
from wfm_bridge.plugins.local.master_keys import FileMasterKeys
from wfm_bridge.ports.errors import IntegrityError, InvalidInputError
from wfm_bridge.ports.vault import credentials_fingerprint, key_fingerprint

OAUTH = {"client_id": SecretStr("acme-client-17"), "client_secret": SecretStr("cs_" + "Zq9" * 8)}


def test_round_trip_and_info(tmp_path: Path) -> None:
    vault = env_vault(tmp_path, ("k1", 1))
    paris = timezone(timedelta(hours=1))
    info = vault.put("acme", "assembled", api_key(KEY), T0.astimezone(paris))
    assert info.fingerprint == key_fingerprint(KEY)
    assert info.fingerprint.startswith("sha256:") and len(info.fingerprint) == 19
    assert info.validated_at == T0 and info.validated_at.utcoffset() == timedelta(0)
    assert info.master_key_id == "k1"
    assert vault.get("acme", "assembled") == api_key(KEY)
    assert vault.info("acme", "assembled") == info
    assert vault.get("acme", "other") is None and vault.info("other", "assembled") is None
    assert vault.remove("acme", "assembled") is True
    assert vault.remove("acme", "assembled") is False
    assert vault.get("acme", "assembled") is None


def test_put_replaces_and_list_is_sorted(tmp_path: Path) -> None:
    vault = env_vault(tmp_path, ("k1", 1))
    vault.put("zeta", "assembled", api_key("one"), T0)
    vault.put("acme", "memory_fake", api_key("two"), T0)
    vault.put("acme", "assembled", api_key("three"), T0)
    vault.put("acme", "assembled", api_key("four"), T0 + timedelta(days=1))
    assert [(i.tenant, i.provider) for i in vault.list()] == [
        ("acme", "assembled"), ("acme", "memory_fake"), ("zeta", "assembled"),
    ]
    assert vault.get("acme", "assembled") == api_key("four")
    assert vault.info("acme", "assembled").validated_at == T0 + timedelta(days=1)  # type: ignore[union-attr]


def test_bad_input_is_refused(tmp_path: Path) -> None:
    vault = env_vault(tmp_path, ("k1", 1))
    with pytest.raises(InvalidInputError):
        vault.put("acme", "assembled", api_key(""), T0)
    with pytest.raises(InvalidInputError):
        vault.put(" ", "assembled", api_key(KEY), T0)
    with pytest.raises(InvalidInputError):
        vault.put("acme", "assembled", api_key(KEY), T0.replace(tzinfo=None))
    assert not (tmp_path / "vault.json").exists()


def test_generated_key_file_and_vault_file_are_owner_only(tmp_path: Path) -> None:
    home = tmp_path / "home"
    vault = file_vault(home)
    vault.put("acme", "assembled", api_key(KEY), T0)
    assert mode(home) == 0o700
    assert mode(home / "master.keys") == 0o600
    assert mode(home / "vault.json") == 0o600
    assert KEY.get_secret_value().encode() not in all_bytes(home)
    assert file_vault(home).get("acme", "assembled") == api_key(KEY)  # a new process reads it back


def test_ciphertext_moved_to_another_tenant_does_not_open(tmp_path: Path) -> None:
    vault = env_vault(tmp_path, ("k1", 1))
    vault.put("acme", "assembled", api_key(KEY), T0)
    vault.put("globex", "assembled", api_key("globex-key"), T0)

    def swap(doc: dict) -> None:  # type: ignore[type-arg]
        acme, globex = doc["records"]
        globex["nonce"], globex["ciphertext"] = acme["nonce"], acme["ciphertext"]

    edit_vault_file(tmp_path, swap)
    assert vault.get("acme", "assembled") == api_key(KEY)
    with pytest.raises(IntegrityError, match="globex"):
        vault.get("globex", "assembled")


def test_tampered_record_is_reported_and_nothing_is_overwritten(tmp_path: Path) -> None:
    vault = env_vault(tmp_path, ("k1", 1))
    vault.put("acme", "assembled", api_key(KEY), T0)

    def flip(doc: dict) -> None:  # type: ignore[type-arg]
        raw = bytearray(base64.b64decode(doc["records"][0]["ciphertext"]))
        raw[3] ^= 1
        doc["records"][0]["ciphertext"] = base64.b64encode(bytes(raw)).decode()

    edit_vault_file(tmp_path, flip)
    before = (tmp_path / "vault.json").read_bytes()
    for call in (
        lambda: vault.get("acme", "assembled"),
        lambda: vault.info("acme", "assembled"),
        vault.list,
        vault.rotate,
        lambda: vault.put("globex", "assembled", api_key(KEY), T0),
    ):
        with pytest.raises(IntegrityError, match="does not verify"):
            call()
    assert (tmp_path / "vault.json").read_bytes() == before


@pytest.mark.parametrize(
    "content", [b"{not json", b"[]", b'{"format": "other"}', b'{"format": "wfm-vault/1"}',
                b'{"format": "wfm-vault/1", "records": [{"tenant": 1}]}', b"\xff\xfe"],
)
def test_damaged_file_is_an_integrity_error(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "vault.json").write_bytes(content)
    vault = env_vault(tmp_path, ("k1", 1))
    with pytest.raises(IntegrityError, match="damaged"):
        vault.put("acme", "assembled", api_key(KEY), T0)
    assert (tmp_path / "vault.json").read_bytes() == content


def test_wrong_master_key_under_the_same_id(tmp_path: Path) -> None:
    env_vault(tmp_path, ("k1", 1)).put("acme", "assembled", api_key(KEY), T0)
    before = (tmp_path / "vault.json").read_bytes()
    wrong = env_vault(tmp_path, ("k1", 2))
    with pytest.raises(IntegrityError, match="'k1'"):
        wrong.get("acme", "assembled")
    with pytest.raises(IntegrityError):
        wrong.put("globex", "assembled", api_key(KEY), T0)  # would mix keys: refused
    assert (tmp_path / "vault.json").read_bytes() == before


def test_record_sealed_by_unconfigured_key_names_it(tmp_path: Path) -> None:
    env_vault(tmp_path, ("old", 1)).put("acme", "assembled", api_key(KEY), T0)
    vault = env_vault(tmp_path, ("new", 2))
    with pytest.raises(IntegrityError, match="master key 'old', which is not configured"):
        vault.get("acme", "assembled")
    with pytest.raises(IntegrityError, match="'old'"):
        vault.list()
    with pytest.raises(IntegrityError, match="'old'"):
        vault.rotate()
    # the way out the message offers: remove it (or set it again), without the old key
    vault.put("acme", "assembled", api_key("fresh"), T0)
    assert vault.get("acme", "assembled") == api_key("fresh")
    assert vault.remove("acme", "assembled") is True


def test_rotation_with_configured_keys(tmp_path: Path) -> None:
    old = env_vault(tmp_path, ("k1", 1))
    for tenant in ("a", "b", "c"):
        old.put(tenant, "assembled", api_key(f"key-{tenant}"), T0)
    both = env_vault(tmp_path, ("k2", 2), ("k1", 1))
    assert both.unused_master_keys() == []
    report = both.rotate()
    assert (report.new_master_key_id, report.reencrypted, report.already_current) == ("k2", 3, 0)
    again = both.rotate()
    assert (again.reencrypted, again.already_current) == (0, 3)
    assert both.unused_master_keys() == ["k1"]
    assert both.prune_master_keys() == [] and both.add_master_key() is None  # not ours to edit
    only_new = env_vault(tmp_path, ("k2", 2))
    assert [only_new.get(t, "assembled") for t in "abc"] == [
        api_key("key-a"), api_key("key-b"), api_key("key-c"),
    ]
    assert {i.master_key_id for i in only_new.list()} == {"k2"}


def test_rotation_with_the_key_file(tmp_path: Path) -> None:
    vault = file_vault(tmp_path)
    vault.put("a", "assembled", api_key(KEY), T0)
    first = vault.info("a", "assembled").master_key_id  # type: ignore[union-attr]
    added = vault.add_master_key()
    assert added is not None and added != first
    report = vault.rotate()
    assert (report.new_master_key_id, report.reencrypted, report.already_current) == (added, 1, 0)
    assert vault.prune_master_keys() == [first]
    assert [k.id for k in FileMasterKeys(tmp_path / "master.keys").load()] == [added]
    assert mode(tmp_path / "master.keys") == 0o600
    assert file_vault(tmp_path).get("a", "assembled") == api_key(KEY)


def test_interrupted_write_keeps_the_previous_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = env_vault(tmp_path, ("k1", 1))
    vault.put("acme", "assembled", api_key(KEY), T0)

    def crash(src: str, dst: str) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(os, "replace", crash)  # what fs.atomic_write renames with
    with pytest.raises(OSError):
        vault.put("acme", "assembled", api_key("new-key"), T0)
    with pytest.raises(OSError):
        env_vault(tmp_path, ("k2", 2), ("k1", 1)).rotate()
    monkeypatch.undo()
    assert vault.get("acme", "assembled") == api_key(KEY)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vault.json", "vault.lock"]  # no temp
    assert env_vault(tmp_path, ("k2", 2), ("k1", 1)).rotate().reencrypted == 1  # re-run works


def test_loose_key_file_permissions_are_refused(tmp_path: Path) -> None:
    vault = file_vault(tmp_path)
    vault.put("acme", "assembled", api_key(KEY), T0)
    os.chmod(tmp_path / "master.keys", 0o644)
    with pytest.raises(IntegrityError, match="chmod 600"):
        vault.get("acme", "assembled")


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            env_vault(tmp_path, ("k1", 1)).put(f"t{n}", "assembled", api_key(f"k{n}"), T0)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    vault = env_vault(tmp_path, ("k1", 1))
    assert [vault.get(f"t{n}", "assembled") for n in range(8)] == [
        api_key(f"k{n}") for n in range(8)
    ]


def test_a_field_map_is_sealed_as_one_record(tmp_path: Path) -> None:
    vault = env_vault(tmp_path, ("k1", 1))
    info = vault.put("acme", "genesys", OAUTH, T0)
    assert vault.get("acme", "genesys") == OAUTH
    assert info.fingerprints == {n: key_fingerprint(v) for n, v in OAUTH.items()}
    assert info.fingerprint == credentials_fingerprint(OAUTH)
    assert info.fingerprint not in info.fingerprints.values()
    assert [i.fingerprints for i in vault.list()] == [info.fingerprints]
    doc = (tmp_path / "vault.json").read_text()
    assert doc.count('"tenant"') == 1  # one record, not one per field
    for value in OAUTH.values():
        assert value.get_secret_value().encode() not in all_bytes(tmp_path)
    assert opened_payload(tmp_path, 1, "acme", "genesys") == {
        "credentials": {n: v.get_secret_value() for n, v in OAUTH.items()},
        "validated_at": T0.isoformat(),
    }


def test_a_single_key_keeps_the_fingerprint_it_always_had(tmp_path: Path) -> None:
    info = env_vault(tmp_path, ("k1", 1)).put("acme", "assembled", api_key(KEY), T0)
    assert info.fingerprint == info.fingerprints["api_key"] == key_fingerprint(KEY)


@pytest.mark.parametrize(
    ("credentials", "words"),
    [
        (KEY, "not a bare key"),
        ({}, "at least one"),
        ({"API-Key": KEY}, "not valid"),
        ({"api_key": "plain text"}, "SecretStr"),
        ({"api_key": SecretStr("")}, "empty"),
        ({"client_id": SecretStr("x"), "client_secret": SecretStr("")}, "client_secret"),
    ],
)
def test_a_malformed_field_map_is_refused_and_nothing_is_written(
    tmp_path: Path, credentials: object, words: str
) -> None:
    from wfm_bridge.plugins.memory_fake.vault import InMemoryKeyVault

    for vault in (env_vault(tmp_path, ("k1", 1)), InMemoryKeyVault()):
        with pytest.raises(InvalidInputError, match=words):
            vault.put("acme", "assembled", credentials, T0)  # type: ignore[arg-type]
        assert vault.list() == []
    assert not (tmp_path / "vault.json").exists()


def test_a_bare_key_record_reads_back_as_an_api_key_map(tmp_path: Path) -> None:
    vault = env_vault(tmp_path, ("k1", 1))
    vault.put("acme", "assembled", api_key("placeholder"), T0)
    sealed_record(tmp_path, "k1", 1, "acme", "assembled", legacy_payload(KEY.get_secret_value()))
    assert vault.get("acme", "assembled") == api_key(KEY)
    info = vault.info("acme", "assembled")
    assert info is not None and info.fingerprint == key_fingerprint(KEY)
    assert info.validated_at == T0 and info.fingerprints == {"api_key": key_fingerprint(KEY)}
    assert "key" in opened_payload(tmp_path, 1, "acme", "assembled")  # reads change nothing


def test_the_next_put_reseals_a_bare_key_record_as_a_map_with_its_own_master_key(
    tmp_path: Path,
) -> None:
    env_vault(tmp_path, ("old", 1)).put("acme", "assembled", api_key("placeholder"), T0)
    sealed_record(tmp_path, "old", 1, "acme", "assembled", legacy_payload(KEY.get_secret_value()))
    vault = env_vault(tmp_path, ("new", 2), ("old", 1))
    vault.put("globex", "assembled", api_key("globex-key"), T0)
    assert opened_payload(tmp_path, 1, "acme", "assembled") == {
        "credentials": {"api_key": KEY.get_secret_value()}, "validated_at": T0.isoformat(),
    }
    assert vault.info("acme", "assembled").master_key_id == "old"  # type: ignore[union-attr]
    assert vault.get("acme", "assembled") == api_key(KEY)


def test_rotation_reseals_a_bare_key_record_even_under_the_newest_master_key(
    tmp_path: Path,
) -> None:
    vault = env_vault(tmp_path, ("k1", 1))
    vault.put("acme", "assembled", api_key("placeholder"), T0)
    vault.put("globex", "assembled", api_key("globex-key"), T0)
    sealed_record(tmp_path, "k1", 1, "acme", "assembled", legacy_payload(KEY.get_secret_value()))
    report = vault.rotate()
    assert (report.reencrypted, report.already_current) == (1, 1)
    assert "credentials" in opened_payload(tmp_path, 1, "acme", "assembled")
    assert (vault.rotate().reencrypted, vault.get("acme", "assembled")) == (0, api_key(KEY))


@pytest.mark.parametrize(
    "payload",
    [
        {"credentials": "sk_live_x", "validated_at": None},
        {"credentials": {}, "validated_at": None},
        {"credentials": {"api_key": 7}, "validated_at": None},
        {"credentials": {"Bad Name": "sk_live_secretvalue"}, "validated_at": None},
        {"credentials": {"api_key": ""}, "validated_at": None},
        {"key": ["sk_live_secretvalue"], "validated_at": None},
        {"validated_at": None},
        ["sk_live_secretvalue"],
        "sk_live_secretvalue",
    ],
)
def test_a_sealed_payload_of_the_wrong_shape_is_an_integrity_error_quoting_nothing(
    tmp_path: Path, payload: object
) -> None:
    vault = env_vault(tmp_path, ("k1", 1))
    vault.put("acme", "assembled", api_key(KEY), T0)
    sealed_record(tmp_path, "k1", 1, "acme", "assembled", payload)
    with pytest.raises(IntegrityError, match="unreadable payload") as caught:
        vault.get("acme", "assembled")
    told = "".join(traceback.format_exception(caught.value))  # chained causes included
    assert "secretvalue" not in told and "Bad Name" not in told


field_names = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
field_values = st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF), min_size=1)


@given(st.dictionaries(field_names, field_values, min_size=1, max_size=4))
def test_any_field_map_round_trips_and_is_never_stored_in_clear(values: dict[str, str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        credentials = {n: SecretStr(v) for n, v in values.items()}
        info = env_vault(home, ("k1", 1)).put("acme", "vendor", credentials, T0)
        assert env_vault(home, ("k1", 1)).get("acme", "vendor") == credentials
        assert sorted(info.fingerprints) == sorted(values)
        raw = all_bytes(home)
        for value in values.values():
            assert len(value) < 16 or value.encode() not in raw  # shorter: chance matches
