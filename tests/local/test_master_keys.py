"""WFM_MASTER_KEYS parsing: a clear format, clear errors that never echo key material."""

from __future__ import annotations

import base64

import pytest

from wfm_bridge.plugins.local.master_keys import (
    EnvMasterKeys,
    MasterKey,
    format_master_keys,
    generate_master_key,
    parse_master_keys,
)
from wfm_bridge.ports.errors import InvalidInputError

SECRET = base64.b64encode(b"s" * 32).decode()


def test_parses_newest_first_with_commas_newlines_and_urlsafe_base64() -> None:
    urlsafe = base64.urlsafe_b64encode(b"\xfb" * 32).decode()
    keys = parse_master_keys(f" new:{urlsafe} ,\nold:{SECRET}\n", "test")
    assert [k.id for k in keys] == ["new", "old"]
    assert keys[0].secret == b"\xfb" * 32 and keys[1].secret == b"s" * 32


def test_file_form_round_trips() -> None:
    keys = [generate_master_key(), generate_master_key()]
    assert parse_master_keys(format_master_keys(keys), "file") == keys


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (SECRET, "no valid id"),
        (f"bad id:{SECRET}", "no valid id"),
        ("k1:not*base64", "not valid base64"),
        (f"k1:{base64.b64encode(b'short').decode()}", "not 32"),
        (f"k1:{SECRET},k1:{SECRET}", "appears twice"),
    ],
)
def test_format_errors_are_clear_and_never_echo_the_key(text: str, problem: str) -> None:
    with pytest.raises(InvalidInputError, match=problem) as caught:
        parse_master_keys(text, "WFM_MASTER_KEYS")
    assert SECRET not in str(caught.value) and str(caught.value).startswith("WFM_MASTER_KEYS")


def test_empty_configuration_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="holds no keys"):
        EnvMasterKeys.from_text(" , ")


def test_repr_hides_the_secret() -> None:
    key = MasterKey("k1", b"s" * 32)
    assert "sss" not in repr(key) and "k1" in repr(key)
