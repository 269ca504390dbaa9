"""Declared credentials through the host: registration checks, the provider context, the
Bridge handing each provider its declared fields, account labels, and `wfm plugins --json`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from e2e.cli_run import Cli, isolate
from hypothesis import given
from hypothesis import strategies as st
from local.auth_world import (
    CLIENT_ID,
    CLIENT_SECRET,
    GOOD,
    OAuthProviderPlugin,
    StrictProviderPlugin,
    install,
)
from local.vault_world import b64key, legacy_payload, sealed_record
from pydantic import SecretStr

from wfm_bridge import Bridge, Settings
from wfm_bridge.host.plugins import discover_plugins
from wfm_bridge.host.tenant import account_label
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports import hookimpl
from wfm_bridge.ports.credentials import API_KEY, CredentialField
from wfm_bridge.ports.errors import InvalidInputError, MissingKeyError
from wfm_bridge.ports.registry import AdapterRegistry, PortKind, ProviderContext
from wfm_bridge.ports.vault import key_fingerprint

OAUTH = {"client_id": SecretStr(CLIENT_ID), "client_secret": SecretStr(CLIENT_SECRET)}


def settings(home: Path, **changes: Any) -> Settings:
    base = {"data_dir": home, "vault": "memory", "cache": "memory", "state": "memory"}
    return Settings.model_validate({**base, **changes})


def nothing(ctx: Any) -> None:
    return None


# --- registration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("declaration", "words"),
    [
        ({"credentials": (API_KEY, API_KEY)}, "declared twice: api_key"),
        ({"credentials": ("api_key",)}, "CredentialField objects"),
        ({"secret_patterns": ("sk_[",)}, "not a valid regular expression"),
        ({"secret_patterns": ("x*",)}, "matches the empty string"),
        ({"secret_patterns": (b"sk_",)}, "not a string"),
    ],
)
def test_a_malformed_declaration_is_refused_at_registration(
    declaration: dict[str, Any], words: str
) -> None:
    registry = AdapterRegistry()
    with pytest.raises(InvalidInputError, match=words):
        registry.add(PortKind.PROVIDER, "acme", nothing, plugin="acme", **declaration)
    assert registry.names(PortKind.PROVIDER) == []


@pytest.mark.parametrize("name", ["", "Client", "client-id", "1key", "a" * 65, "é"])
def test_a_field_name_that_cannot_be_a_prompt_line_or_record_key_is_refused(name: str) -> None:
    with pytest.raises(InvalidInputError, match="not valid"):
        CredentialField(name)


def test_only_providers_declare_credentials() -> None:
    with pytest.raises(InvalidInputError, match="only providers"):
        AdapterRegistry().add(PortKind.CACHE, "x", nothing, plugin="x", credentials=(API_KEY,))


def test_requires_key_is_the_older_spelling_of_one_api_key_field() -> None:
    registry = AdapterRegistry()
    registry.add(PortKind.PROVIDER, "old", nothing, plugin="old", requires_key=True)
    registry.add(PortKind.PROVIDER, "none", nothing, plugin="none")
    old, none = (registry.get(PortKind.PROVIDER, n) for n in ("old", "none"))
    assert old.credentials == (API_KEY,) and old.requires_key
    assert none.credentials == () and not none.requires_key
    assert CredentialField("client_secret").label == "client secret"  # the default label


def test_a_plugin_with_a_malformed_declaration_is_isolated_and_named() -> None:
    class Careless:
        @hookimpl
        def wfm_register_adapters(self, registry: AdapterRegistry) -> None:
            registry.add(PortKind.PROVIDER, "careless", nothing, plugin="careless",
                         secret_patterns=("",))

    found = discover_plugins(extra_plugins=[Careless()])
    [failure] = found.failures
    assert failure.name == "Careless" and "matches the empty string" in failure.error
    assert "careless" not in found.registry.names(PortKind.PROVIDER)
    assert "assembled" in found.registry.names(PortKind.PROVIDER)


def test_discovery_keeps_every_declaration_and_collects_the_patterns() -> None:
    found = discover_plugins(extra_plugins=[OAuthProviderPlugin()])
    oauth = found.registry.get(PortKind.PROVIDER, "oauth")
    assert oauth.credential_names == ["client_id", "client_secret"]
    assert [f.secret for f in oauth.credentials] == [False, True]
    assert set(oauth.secret_patterns) <= set(found.registry.secret_patterns())
    assembled = found.registry.get(PortKind.PROVIDER, "assembled")
    assert assembled.credentials == (API_KEY,)
    assert found.registry.get(PortKind.PROVIDER, "memory_fake").credentials == ()


# --- the provider context ------------------------------------------------------------------


def test_the_context_gives_the_map_and_api_key_either_way(tmp_path: Path) -> None:
    clock = InMemoryClock()
    old = ProviderContext(tmp_path, "acme", SecretStr(GOOD), clock)
    new = ProviderContext(tmp_path, "acme", None, clock, credentials={"api_key": SecretStr(GOOD)})
    assert old.credentials == new.credentials == {"api_key": SecretStr(GOOD)}
    assert old.api_key == new.api_key == SecretStr(GOOD)
    oauth = ProviderContext(tmp_path, "acme", None, clock, credentials=OAUTH)
    assert oauth.api_key is None and dict(oauth.credentials) == OAUTH
    with pytest.raises(TypeError):
        oauth.credentials["client_id"] = SecretStr("changed")  # type: ignore[index]
    with pytest.raises(InvalidInputError, match="give the credentials once"):
        ProviderContext(tmp_path, "acme", SecretStr("a"), clock,
                        credentials={"api_key": SecretStr("b")})


# --- the Bridge ----------------------------------------------------------------------------


def test_each_provider_gets_exactly_its_declared_fields(tmp_path: Path) -> None:
    plugin = OAuthProviderPlugin()
    seen: list[SecretStr] = []
    with Bridge(settings(tmp_path, provider="oauth"), plugins=[plugin],
                on_secret=seen.append) as bridge:
        with pytest.raises(MissingKeyError, match=r"credentials \(client_id, client_secret\)"):
            bridge.tenant("acme").provider  # noqa: B018 - building it is the point
        bridge.vault.put("acme", "oauth", {"client_id": OAUTH["client_id"]}, bridge.clock.now())
        with pytest.raises(MissingKeyError, match="lack client_secret"):
            bridge.tenant("acme").provider  # noqa: B018
        extra = {**OAUTH, "legacy_token": SecretStr("old-token-value")}
        bridge.vault.put("acme", "oauth", extra, bridge.clock.now())
        bridge.forget("acme")
        assert bridge.tenant("acme").mapping.map_all()
    assert plugin.built == [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}]
    assert seen == [OAUTH["client_secret"]]  # the public client id is never a "secret"


def test_a_one_key_account_keeps_the_label_it_always_had() -> None:
    """Caches are keyed by it: a new formula would throw away every warm cache."""
    key = SecretStr(GOOD)
    old = hashlib.sha256(f"https://x|{key_fingerprint(key)}".encode()).hexdigest()[:16]
    assert account_label("https://x", {"api_key": key}) == old
    assert account_label(None, {}) == hashlib.sha256(b"default|no-key").hexdigest()[:16]


@given(a=st.text(min_size=1, max_size=8), b=st.text(min_size=1, max_size=8))
def test_another_client_id_is_another_account(a: str, b: str) -> None:
    def label(client_id: str) -> str:
        return account_label("https://x", {**OAUTH, "client_id": SecretStr(client_id)})

    assert (label(a) == label(b)) == (a == b)
    assert CLIENT_SECRET not in label(a)


def test_a_bare_key_vault_from_an_older_version_keeps_working(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WFM_MASTER_KEYS", f"k1:{b64key(1)}")
    plugin = StrictProviderPlugin()
    local = settings(tmp_path, provider="strict", vault="local")
    with Bridge(local, plugins=[plugin]) as bridge:
        bridge.vault.put("acme", "strict", {"api_key": SecretStr("placeholder")},
                         bridge.clock.now())
    sealed_record(tmp_path, "k1", 1, "acme", "strict", legacy_payload(GOOD))
    with Bridge(local, plugins=[plugin]) as bridge:
        assert bridge.stored_credentials("acme", "strict") == {"api_key": SecretStr(GOOD)}
        assert bridge.tenant("acme").mapping.map_all()  # the backend accepts only GOOD
    assert plugin.backend.calls["list_people"] == 1  # reached only with the right key


# --- `wfm plugins --json` ------------------------------------------------------------------


def test_plugins_json_lists_credentials_and_capabilities_per_provider(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    isolate(monkeypatch, tmp_path / "home")
    install(monkeypatch, OAuthProviderPlugin())
    result = Cli(capsys)("plugins", "--json")
    assert result.code == 0, result.err
    rows = {row["provider"]: row for row in json.loads(result.out)["providers"]}
    assert rows["assembled"]["credentials"] == ["api_key"]
    assert rows["assembled"]["secret_credentials"] == ["api_key"]
    assert rows["oauth"]["credentials"] == ["client_id", "client_secret"]
    assert rows["oauth"]["secret_credentials"] == ["client_secret"]
    assert rows["memory_fake"]["credentials"] == []
    assert all(isinstance(row["capabilities"], list) for row in rows.values())
    table = Cli(capsys)("plugins")
    assert "client_id, client_secret" in table.out and "api_key" in table.out
