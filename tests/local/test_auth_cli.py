"""`wfm auth`: set-key (validated, never from an argument), status, remove, rotate-master-key."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from local.auth_world import BAD, GOOD, SHIFT, Result, StrictProviderPlugin, install, wfm
from wfm_bridge.host.cli.auth_cmd import read_key
from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend
from wfm_bridge.ports.errors import AuthError, InvalidInputError, UnavailableError

Cli = Callable[..., Result]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WFM_HOME", str(tmp_path))
    for var in ("WFM_VAULT", "WFM_CACHE", "WFM_STATE", "WFM_CLOCK", "WFM_MASTER_KEYS"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


@pytest.fixture
def strict(home: Path, monkeypatch: pytest.MonkeyPatch) -> StrictProviderPlugin:
    plugin = StrictProviderPlugin()
    install(monkeypatch, plugin)
    return plugin


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    def run(*args: str, stdin: str = "") -> Result:
        return wfm(capsys, monkeypatch, *args, stdin=stdin)

    return run


def _status(cli: Cli, *extra: str) -> list[dict[str, Any]]:
    result = cli("auth", "status", "--json", *extra)
    assert result.code == 0, result.err
    return json.loads(result.out)["items"]  # type: ignore[no-any-return]


def test_set_key_validates_stores_and_status_shows_it(
    strict: StrictProviderPlugin, cli: Cli
) -> None:
    result = cli("auth", "set-key", "--tenant", "acme", "--provider", "strict", stdin=f" {GOOD}\n")
    assert result.code == 0, result.err
    assert strict.backend.calls["check_credentials"] == 1
    [row] = _status(cli, "--tenant", "acme", "--provider", "strict")
    assert row["fingerprint"] in result.out and row["fingerprint"].startswith("sha256:")
    assert row["tenant"] == "acme" and row["provider"] == "strict"
    assert row["validated_at"] is not None and row["meeting_type_exists"] is True
    table = cli("--tenant", "acme", "--provider", "strict", "auth", "status")
    assert row["fingerprint"] in table.out and "yes" in table.out


def test_an_invalid_key_gets_the_one_message_is_not_retried_and_not_stored(
    strict: StrictProviderPlugin, cli: Cli
) -> None:
    assert cli("--provider", "strict", "auth", "set-key", stdin=GOOD).code == 0
    before = _status(cli, "--provider", "strict")
    checks = strict.backend.calls["check_credentials"]
    result = cli("--provider", "strict", "auth", "set-key", stdin=BAD)
    assert result.code == 1
    assert result.err == f"error: {AuthError.invalid_key('strict').message}\n"
    assert strict.backend.calls["check_credentials"] == checks + 1  # one call, never retried
    assert _status(cli, "--provider", "strict") == before  # old key kept


def test_the_key_is_never_taken_from_an_argument(
    strict: StrictProviderPlugin, cli: Cli
) -> None:
    result = cli("--provider", "strict", "auth", "set-key", GOOD)
    assert result.code == 2 and GOOD not in result.err and "shell history" in result.err
    assert strict.backend.calls["check_credentials"] == 0


def test_empty_input_is_refused(
    strict: StrictProviderPlugin, cli: Cli
) -> None:
    result = cli("--provider", "strict", "auth", "set-key", stdin="\n")
    assert result.code == 2 and "no API key was given" in result.err


def test_read_key_prompts_hidden_on_a_terminal_and_reads_stdin_otherwise() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert read_key(Terminal("ignored"), lambda: f" {GOOD} ").get_secret_value() == GOOD
    assert read_key(io.StringIO(f"{GOOD}\n"), lambda: "unused").get_secret_value() == GOOD
    with pytest.raises(InvalidInputError, match="single word"):
        read_key(io.StringIO("two words"), lambda: "")
    assert GOOD not in repr(read_key(io.StringIO(GOOD), lambda: ""))


def test_status_reports_a_missing_meeting_type_and_a_failing_provider(
    home: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin = StrictProviderPlugin(FakeWfmBackend(activity_types=[SHIFT], accepted_keys=[GOOD]))
    install(monkeypatch, plugin)
    assert cli("--provider", "strict", "auth", "set-key", stdin=GOOD).code == 0
    [row] = _status(cli, "--provider", "strict")
    assert row["meeting_type_exists"] is False and "Meeting" in row["meeting_type"]
    plugin.backend.fail_next("list_activity_types", UnavailableError("provider is down"))
    [row] = _status(cli, "--provider", "strict")
    assert row["meeting_type_exists"] is None
    assert row["meeting_type"] == "unknown: provider is down"
    assert row["fingerprint"] is not None


def test_status_without_a_key_and_remove(
    strict: StrictProviderPlugin, cli: Cli
) -> None:
    [row] = _status(cli, "--provider", "strict")
    assert row["fingerprint"] is None and "set-key" in row["meeting_type"]
    assert cli("--provider", "strict", "auth", "set-key", stdin=GOOD).code == 0
    removed = cli("--provider", "strict", "auth", "remove")
    assert removed.code == 0 and removed.out.startswith("removed")
    again = cli("--provider", "strict", "auth", "remove")
    assert again.code == 0 and again.out.startswith("no key was stored")
    assert _status(cli, "--provider", "strict")[0]["fingerprint"] is None


def test_status_all_lists_every_tenant(
    strict: StrictProviderPlugin, cli: Cli
) -> None:
    for tenant in ("globex", "acme"):
        args = ("--provider", "strict", "--tenant", tenant, "auth", "set-key")
        assert cli(*args, stdin=GOOD).code == 0
    assert cli("auth", "set-key", stdin="any-key-will-do").code == 0  # memory_fake
    rows = _status(cli, "--all")
    assert [(r["tenant"], r["provider"]) for r in rows] == [
        ("acme", "strict"), ("default", "memory_fake"), ("globex", "strict"),
    ]
    assert all(r["meeting_type_exists"] is True for r in rows)


def test_rotate_master_key_with_the_generated_key_file(
    strict: StrictProviderPlugin, cli: Cli
) -> None:
    assert cli("--provider", "strict", "auth", "set-key", stdin=GOOD).code == 0
    old = _status(cli, "--provider", "strict")[0]["master_key_id"]
    first = json.loads(cli("auth", "rotate-master-key", "--json").out)
    assert first["generated"] == first["new_master_key_id"] != old
    assert (first["reencrypted"], first["already_current"]) == (1, 0)
    assert first["dropped_master_keys"] == [old]
    rerun = cli("auth", "rotate-master-key", "--no-new-key")
    assert rerun.code == 0 and "re-encrypted 0 key(s)" in rerun.out
    assert "1 already current" in rerun.out
    [row] = _status(cli, "--provider", "strict")
    assert row["master_key_id"] == first["new_master_key_id"] and row["meeting_type_exists"]


def test_rotate_master_key_with_configured_keys_and_a_dropped_key(
    strict: StrictProviderPlugin, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    k1, k2 = (base64.b64encode(bytes([n]) * 32).decode() for n in (1, 2))
    monkeypatch.setenv("WFM_MASTER_KEYS", f"one:{k1}")
    assert cli("--provider", "strict", "auth", "set-key", stdin=GOOD).code == 0
    monkeypatch.setenv("WFM_MASTER_KEYS", f"two:{k2},one:{k1}")
    result = cli("auth", "rotate-master-key")
    assert result.code == 0, result.err
    assert "re-encrypted 1 key(s) with master key two" in result.out
    assert "remove them from WFM_MASTER_KEYS" in result.out and "one" in result.out
    monkeypatch.setenv("WFM_MASTER_KEYS", f"two:{k2}")  # the old key is dropped: still reads
    assert _status(cli, "--provider", "strict")[0]["meeting_type_exists"] is True
    monkeypatch.setenv("WFM_MASTER_KEYS", f"three:{k1}")  # sealed with an unconfigured key
    broken = cli("--provider", "strict", "auth", "status")
    assert broken.code == 1 and "master key 'two', which is not configured" in broken.err
