"""`wfm auth`: set-key (each declared field, validated, never from an argument), status (a
fingerprint per secret field), remove, rotate-master-key."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from local.auth_world import (
    BAD,
    CLIENT_ID,
    CLIENT_SECRET,
    GOOD,
    OAUTH_FIELDS,
    SHIFT,
    WRONG_SECRET,
    OAuthProviderPlugin,
    Result,
    StrictProviderPlugin,
    install,
    wfm,
)
from wfm_bridge.host.cli.auth_fields import read_credentials
from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend
from wfm_bridge.ports.credentials import API_KEY, CredentialField
from wfm_bridge.ports.errors import AuthError, InvalidInputError, UnavailableError
from wfm_bridge.ports.vault import key_fingerprint

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
    assert row["validated_at"] is not None and row["one_to_ones_ready"] is True
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


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _plain(values: dict[str, Any]) -> dict[str, str]:
    return {n: v.get_secret_value() for n, v in values.items()}


def test_read_credentials_prompts_on_a_terminal_and_reads_stdin_otherwise() -> None:
    one = [API_KEY]
    asked: list[str] = []

    def prompt(field: CredentialField) -> str:
        asked.append(field.name)
        return f" {field.name}-value "

    assert _plain(read_credentials(Terminal("ignored"), OAUTH_FIELDS, prompt)) == {
        "client_id": "client_id-value", "client_secret": "client_secret-value",
    }
    assert asked == ["client_id", "client_secret"]  # in the declared order
    assert _plain(read_credentials(io.StringIO(f"{GOOD}\n"), one, prompt)) == {"api_key": GOOD}
    piped = io.StringIO(f"\n {CLIENT_ID}\r\n\n{CLIENT_SECRET}\n\n")  # blank lines skipped
    assert _plain(read_credentials(piped, OAUTH_FIELDS, prompt)) == {
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
    }
    with pytest.raises(InvalidInputError, match="single word"):
        read_credentials(io.StringIO("two words"), one, prompt)
    assert GOOD not in repr(read_credentials(io.StringIO(GOOD), one, prompt))


@pytest.mark.parametrize(
    ("stdin", "words"),
    [
        ("", "no client ID was given"),
        (f"{CLIENT_ID}\n", "no client secret was given"),
        (f"{CLIENT_ID}\n{CLIENT_SECRET}\nextra\n", "got 3 lines"),
        (f"{CLIENT_ID}\nsecret with spaces\n", "client secret must be a single word"),
    ],
)
def test_piped_fields_are_one_line_each_and_errors_name_the_field(
    stdin: str, words: str
) -> None:
    with pytest.raises(InvalidInputError, match=words) as caught:
        read_credentials(io.StringIO(stdin), OAUTH_FIELDS, lambda f: "")
    assert CLIENT_SECRET not in str(caught.value) and "spaces" not in str(caught.value)
    if "no client" in words:
        assert "one line per field: client_id, client_secret" in str(caught.value)


def test_a_second_line_for_a_one_key_provider_is_refused(
    strict: StrictProviderPlugin, cli: Cli
) -> None:
    result = cli("--provider", "strict", "auth", "set-key", stdin=f"{GOOD}\n{GOOD}\n")
    assert result.code == 2 and "got 2 lines for the API key" in result.err
    assert strict.backend.calls["check_credentials"] == 0


@pytest.fixture
def oauth(home: Path, monkeypatch: pytest.MonkeyPatch) -> OAuthProviderPlugin:
    plugin = OAuthProviderPlugin()
    install(monkeypatch, plugin)
    return plugin


def test_set_key_reads_each_declared_field_and_status_fingerprints_the_secret_ones(
    oauth: OAuthProviderPlugin, cli: Cli
) -> None:
    result = cli("--provider", "oauth", "auth", "set-key", stdin=f"{CLIENT_ID}\n{CLIENT_SECRET}\n")
    assert result.code == 0, result.err
    assert oauth.built == [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}]
    secret_print = key_fingerprint(SecretStr(CLIENT_SECRET))
    assert "credentials (client_id, client_secret)" in result.out
    assert f"client_secret {secret_print}" in result.out
    assert key_fingerprint(SecretStr(CLIENT_ID)) not in result.out  # public: not listed
    [row] = _status(cli, "--provider", "oauth")
    assert row["fields"] == ["client_id", "client_secret"]
    assert row["fingerprints"] == {"client_secret": secret_print}
    assert row["fingerprint"] not in (None, secret_print)  # the record's, over both fields
    assert row["one_to_ones_ready"] is True
    assert oauth.built[-1] == {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    table = cli("--provider", "oauth", "auth", "status")
    assert f"client_secret {secret_print}" in table.out


def test_a_wrong_second_field_is_refused_and_the_old_credentials_stay(
    oauth: OAuthProviderPlugin, cli: Cli
) -> None:
    assert cli("--provider", "oauth", "auth", "set-key",
               stdin=f"{CLIENT_ID}\n{CLIENT_SECRET}").code == 0
    before = _status(cli, "--provider", "oauth")
    result = cli("--provider", "oauth", "auth", "set-key", stdin=f"{CLIENT_ID}\n{WRONG_SECRET}")
    assert result.code == 1 and result.err == f"error: {AuthError.invalid_key('oauth')}\n"
    assert _status(cli, "--provider", "oauth") == before


def test_on_a_terminal_each_field_is_prompted_and_only_secrets_are_hidden(
    oauth: OAuthProviderPlugin, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    import typer

    prompts: list[tuple[str, bool]] = []
    answers = iter([CLIENT_ID, CLIENT_SECRET])

    def fake_prompt(text: str, hide_input: bool = False, **_: Any) -> str:
        prompts.append((text, hide_input))
        return next(answers)

    monkeypatch.setattr(typer, "prompt", fake_prompt)
    from wfm_bridge.host.cli.app import run

    monkeypatch.setattr(sys, "stdin", Terminal(""))
    assert run(["--provider", "oauth", "auth", "set-key"]) == 0
    assert prompts == [("oauth client ID", False), ("oauth client secret (hidden)", True)]
    assert oauth.built == [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}]


def test_a_provider_that_declares_no_credentials_has_nothing_to_store(
    home: Path, cli: Cli
) -> None:
    result = cli("auth", "set-key", stdin="any-key-will-do")  # memory_fake
    assert result.code == 2 and "declares no credentials" in result.err
    assert "any-key-will-do" not in result.err
    assert _status(cli, "--all") == []


def test_status_reports_a_missing_meeting_type_and_a_failing_provider(
    home: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin = StrictProviderPlugin(FakeWfmBackend(activity_types=[SHIFT], accepted_keys=[GOOD]))
    install(monkeypatch, plugin)
    assert cli("--provider", "strict", "auth", "set-key", stdin=GOOD).code == 0
    [row] = _status(cli, "--provider", "strict")
    assert row["one_to_ones_ready"] is False and "Meeting" in row["one_to_ones"]
    plugin.backend.fail_next("list_activity_types", UnavailableError("provider is down"))
    [row] = _status(cli, "--provider", "strict")
    assert row["one_to_ones_ready"] is None
    assert row["one_to_ones"] == "unknown: provider is down"
    assert row["fingerprint"] is not None


def test_status_without_a_key_and_remove(
    strict: StrictProviderPlugin, cli: Cli
) -> None:
    [row] = _status(cli, "--provider", "strict")
    assert row["fingerprint"] is None and "set-key" in row["one_to_ones"]
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
    rows = _status(cli, "--all")
    assert [(r["tenant"], r["provider"]) for r in rows] == [
        ("acme", "strict"), ("globex", "strict"),
    ]
    assert all(r["one_to_ones_ready"] is True for r in rows)
    assert all(r["fingerprints"] == {"api_key": r["fingerprint"]} for r in rows)


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
    assert row["master_key_id"] == first["new_master_key_id"] and row["one_to_ones_ready"]


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
    assert _status(cli, "--provider", "strict")[0]["one_to_ones_ready"] is True
    monkeypatch.setenv("WFM_MASTER_KEYS", f"three:{k1}")  # sealed with an unconfigured key
    broken = cli("--provider", "strict", "auth", "status")
    assert broken.code == 1 and "master key 'two', which is not configured" in broken.err
