"""Secrets never leak: not in logs, exception text, reprs, or any file under the data dir.

A known key is set and every auth command runs with logging at DEBUG, through a provider that
logs its credentials the way a careless HTTP library would; then every captured byte is
searched for the key, its Basic-auth form and its other base64 forms. The same for a two-field
provider (a public client id and a client secret), whose declared secret pattern also catches
a token nobody registered. Redaction patterns come from the providers, not from host/.
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import traceback
from datetime import UTC, datetime
from pathlib import Path

import pytest
from local.auth_world import (
    BAD,
    CLIENT_ID,
    CLIENT_SECRET,
    GOOD,
    TOKEN,
    WRONG_SECRET,
    OAuthProviderPlugin,
    StrictProviderPlugin,
    basic_auth,
    install,
    wfm,
)
from pydantic import SecretStr

from wfm_bridge.host.logging_setup import (
    MASK,
    configure_logging,
    redact,
    register_patterns,
    register_secret,
    secret_forms,
)
from wfm_bridge.host.plugins import discover_plugins
from wfm_bridge.plugins.local.master_keys import EnvMasterKeys, FileMasterKeys
from wfm_bridge.plugins.local.vault import AesGcmKeyVault
from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend
from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
from wfm_bridge.ports import hookimpl
from wfm_bridge.ports.errors import WfmError
from wfm_bridge.ports.registry import AdapterRegistry, PortKind, ProviderContext


def forms(key: str) -> set[str]:
    """Every way the key could appear: itself and its base64 encodings (with and without ':')."""
    return secret_forms(key) | {basic_auth(key)}


def assert_clean(text: str | bytes, *keys: str) -> None:
    """Fail if any form of any key appears in ``text``."""
    data = text.encode() if isinstance(text, str) else text
    for key in keys:
        for form in forms(key):
            assert form.encode() not in data, f"a form of the key leaked: {form[:6]}..."


def all_bytes(home: Path) -> bytes:
    """Every byte of every file under ``home`` (vault, key file, cache, state, demo data)."""
    return b"".join(p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file())


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WFM_HOME", str(tmp_path))
    for var in ("WFM_VAULT", "WFM_CACHE", "WFM_STATE", "WFM_CLOCK", "WFM_MASTER_KEYS"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def test_every_auth_command_at_debug_leaks_nothing(
    home: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    install(monkeypatch, StrictProviderPlugin(noisy=True))
    caplog.set_level(logging.DEBUG)
    p = ("--log-level", "DEBUG", "--provider", "strict")
    runs = [
        wfm(capsys, monkeypatch, *p, "auth", "set-key", stdin=GOOD),
        wfm(capsys, monkeypatch, *p, "auth", "status"),
        wfm(capsys, monkeypatch, *p, "auth", "status", "--json", "--all"),
        wfm(capsys, monkeypatch, *p, "--debug", "auth", "set-key", stdin=BAD),
        wfm(capsys, monkeypatch, *p, "auth", "set-key", BAD),
        wfm(capsys, monkeypatch, *p, "auth", "rotate-master-key"),
        wfm(capsys, monkeypatch, *p, "auth", "rotate-master-key", "--no-new-key", "--json"),
        wfm(capsys, monkeypatch, *p, "--tenant", "other", "auth", "set-key", stdin=GOOD),
        wfm(capsys, monkeypatch, *p, "--tenant", "other", "auth", "remove"),
    ]
    assert [r.code for r in runs] == [0, 0, 0, 1, 2, 0, 0, 0, 0]
    captured = "".join(r.out + r.err for r in runs) + caplog.text
    assert MASK in captured  # the noisy provider really logged its credentials...
    assert "Authorization: [REDACTED]" in captured and "Traceback" in captured
    assert_clean(captured, GOOD, BAD)  # ...and none of them got through
    for record in caplog.records:
        assert_clean(record.getMessage() + (record.exc_text or ""), GOOD, BAD)
    assert_clean(all_bytes(home), GOOD, BAD)
    assert len(all_bytes(home)) > 0


def test_vault_errors_reprs_and_files_never_carry_the_key(tmp_path: Path) -> None:
    master = base64.b64encode(b"m" * 32).decode()
    vault = AesGcmKeyVault(tmp_path, EnvMasterKeys.from_text(f"k1:{master}"))
    key = SecretStr(GOOD)
    info = vault.put("acme", "assembled", {"api_key": key}, datetime(2025, 1, 1, tzinfo=UTC))
    texts = [repr(vault), repr(info), str(info), repr(vault.get("acme", "assembled")),
             repr(vault.list()), json.dumps(info.model_dump(mode="json")), str(key)]
    # every failure mode of the vault: tampered file, wrong master key, unknown master key
    doc = json.loads((tmp_path / "vault.json").read_text())
    doc["records"][0]["ciphertext"] = doc["records"][0]["ciphertext"][::-1]
    (tmp_path / "tampered").mkdir()
    (tmp_path / "tampered" / "vault.json").write_text(json.dumps(doc))
    wrong = base64.b64encode(b"w" * 32).decode()
    failing = [
        AesGcmKeyVault(tmp_path / "tampered", EnvMasterKeys.from_text(f"k1:{master}")),
        AesGcmKeyVault(tmp_path, EnvMasterKeys.from_text(f"k1:{wrong}")),
        AesGcmKeyVault(tmp_path, EnvMasterKeys.from_text(f"k2:{master}")),
    ]
    for broken in failing:
        for call in (functools.partial(broken.get, "acme", "assembled"), broken.rotate):
            with pytest.raises(WfmError) as caught:
                call()
            texts += [str(caught.value), repr(caught.value),
                      "".join(traceback.format_exception(caught.value))]
    for text in texts:
        assert_clean(text, GOOD)
        assert master not in text and wrong not in text
    assert_clean(all_bytes(tmp_path), GOOD)


def test_the_key_file_never_holds_the_api_key(tmp_path: Path) -> None:
    vault = AesGcmKeyVault(tmp_path, FileMasterKeys(tmp_path / "master.keys"))
    vault.put("acme", "assembled", {"api_key": SecretStr(GOOD)}, datetime(2025, 1, 1, tzinfo=UTC))
    vault.add_master_key()
    vault.rotate()
    assert_clean(all_bytes(tmp_path), GOOD)


def test_the_filter_redacts_headers_basic_credentials_and_registered_keys() -> None:
    register_patterns(discover_plugins().registry.secret_patterns())  # as the CLI does
    register_secret(SecretStr("registered-secret-value"))
    raw = (
        "Authorization: Bearer abc.def.ghi | authorization=Basic Zm9vOmJhcg== | "
        "{'Authorization': 'Basic c2tfbGl2ZV94eHg6'} | sk_test_abcdefghij | "
        f"registered-secret-value | {basic_auth('registered-secret-value')}"
    )
    clean = redact(raw)
    for leaked in ("abc.def.ghi", "Zm9vOmJhcg==", "c2tfbGl2ZV94eHg6", "sk_test_abcdefghij",
                   "registered-secret-value", basic_auth("registered-secret-value")):
        assert leaked not in clean
    assert redact("an ordinary line: 42 scores exported") == "an ordinary line: 42 scores exported"


def test_configure_logging_installs_the_filter_on_every_root_handler(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    register_secret("another-known-key-123")
    configure_logging("DEBUG")
    logging.getLogger("some.library").debug("sending another-known-key-123")
    assert "another-known-key-123" not in caplog.text and MASK in caplog.text
    assert "another-known-key-123" not in capsys.readouterr().err
    configure_logging("WARNING")


def test_a_two_field_provider_at_debug_leaks_no_secret(
    home: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    install(monkeypatch, OAuthProviderPlugin(noisy=True))
    caplog.set_level(logging.DEBUG)
    p = ("--log-level", "DEBUG", "--provider", "oauth")
    good, wrong = f"{CLIENT_ID}\n{CLIENT_SECRET}\n", f"{CLIENT_ID}\n{WRONG_SECRET}\n"
    runs = [
        wfm(capsys, monkeypatch, *p, "auth", "set-key", stdin=good),
        wfm(capsys, monkeypatch, *p, "auth", "status"),
        wfm(capsys, monkeypatch, *p, "auth", "status", "--json", "--all"),
        wfm(capsys, monkeypatch, *p, "--debug", "auth", "set-key", stdin=wrong),
        wfm(capsys, monkeypatch, *p, "auth", "set-key", CLIENT_ID, CLIENT_SECRET),
        wfm(capsys, monkeypatch, *p, "auth", "rotate-master-key", "--json"),
        wfm(capsys, monkeypatch, *p, "--tenant", "other", "auth", "set-key", stdin=good),
        wfm(capsys, monkeypatch, *p, "--tenant", "other", "auth", "remove"),
    ]
    assert [r.code for r in runs] == [0, 0, 0, 1, 2, 0, 0, 0]
    captured = "".join(r.out + r.err for r in runs) + caplog.text
    assert "client_secret=[REDACTED]" in captured and "'access_token': '[REDACTED]'" in captured
    assert CLIENT_ID in captured  # public: logged as it is, never masked
    assert_clean(captured, CLIENT_SECRET, WRONG_SECRET, TOKEN)
    for record in caplog.records:
        assert_clean(record.getMessage() + (record.exc_text or ""), CLIENT_SECRET, TOKEN)
    assert_clean(all_bytes(home), CLIENT_SECRET, WRONG_SECRET, CLIENT_ID)  # all sealed


def test_test_keys_are_redacted_like_live_ones_in_a_cli_run(
    home: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Keys nobody registered (a colleague's test key quoted by a library) are masked by the
    pattern the Assembled plugin declares, live or test alike."""
    live, test = "sk_live_" + "Hq4" * 10, "sk_test_" + "Wm7" * 10

    class Quoting:
        @hookimpl
        def wfm_register_adapters(self, registry: AdapterRegistry) -> None:
            def build(ctx: ProviderContext) -> InMemoryProvider:
                logging.getLogger("some.library").warning("rejected keys %s and %s", live, test)
                return InMemoryProvider(FakeWfmBackend())

            registry.add(
                PortKind.PROVIDER, "quoting", build, plugin="quoting",
                capabilities=("schedules", "one_to_ones"),
            )

    install(monkeypatch, Quoting())
    caplog.set_level(logging.DEBUG)
    run = wfm(capsys, monkeypatch, "--log-level", "DEBUG", "--provider", "quoting", "auth",
              "status")
    assert run.code == 0, run.err
    assert "rejected keys [REDACTED] and [REDACTED]" in run.err + caplog.text
    assert live not in run.err + caplog.text and test not in run.err + caplog.text


def test_the_host_knows_no_vendor_key_shape() -> None:
    """The redaction patterns are declared by the providers: none is written in host/."""
    import wfm_bridge.host as host

    sources = "\n".join(p.read_text() for p in Path(host.__file__).parent.rglob("*.py"))
    assert "sk_(" not in sources and "sk_(?:" not in sources
    assert discover_plugins().registry.get(PortKind.PROVIDER, "assembled").secret_patterns
