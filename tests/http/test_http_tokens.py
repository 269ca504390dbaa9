"""Tenant tokens: bound to one tenant, stored hashed, shown once, revocable; any other text
is refused with TokenError, never another exception."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wfm_bridge.host.http.errors import TokenError
from wfm_bridge.host.http.tokens import NAMESPACE, TokenStore
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.memory_fake.state import InMemoryStateStore
from wfm_bridge.ports.errors import InvalidInputError, NotFoundError


def _store() -> tuple[TokenStore, InMemoryStateStore]:
    state = InMemoryStateStore()
    return TokenStore(state, InMemoryClock(datetime(2025, 6, 2, 9, tzinfo=UTC))), state


def test_a_token_verifies_as_its_tenant_and_only_its_hash_is_stored() -> None:
    tokens, state = _store()
    token, info = tokens.create(" acme ", label="ops dashboard")
    assert info.tenant == "acme" and tokens.verify(token) == info
    secret = token.rsplit("_", 1)[1]
    stored = json.dumps(list(state.scan(NAMESPACE)))
    assert secret not in stored and token not in stored
    assert [t.id for t in tokens.list()] == [info.id]


def test_revoking_by_id_or_by_token_stops_it() -> None:
    tokens, _ = _store()
    first, one = tokens.create("acme")
    second, _ = tokens.create("acme")
    assert tokens.revoke(one.id).id == one.id
    with pytest.raises(TokenError):
        tokens.verify(first)
    tokens.revoke(second)
    with pytest.raises(TokenError):
        tokens.verify(second)
    with pytest.raises(NotFoundError):
        tokens.revoke(one.id)
    with pytest.raises(InvalidInputError):
        tokens.revoke("not an id")


def test_a_tampered_secret_is_refused() -> None:
    tokens, _ = _store()
    token, _ = tokens.create("acme")
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(TokenError):
        tokens.verify(flipped)


@pytest.mark.parametrize("tenant", ["", "   ", "a\nb", "x" * 201])
def test_a_token_needs_a_tenant_name(tenant: str) -> None:
    with pytest.raises(InvalidInputError):
        _store()[0].create(tenant)


@given(st.text(max_size=120))
def test_any_other_text_is_a_token_error(text: str) -> None:
    tokens, _ = _store()
    tokens.create("acme")
    with pytest.raises(TokenError):
        tokens.verify(text)
