"""Declared credentials: the fields a provider's credential is made of, and their checks.

A provider declares its fields at registration (``registry.add(..., credentials=(...),
secret_patterns=(...))``): Assembled has one secret ``api_key``; an OAuth vendor has a
``client_id`` and a secret ``client_secret``. Secret fields are read from a hidden prompt,
fingerprinted (never shown) and redacted from logs; every field is stored sealed in the key
vault as one map per tenant and provider. ``secret_patterns`` are regular expressions for what
the vendor's secrets look like, so the command line redacts them even before it knows them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydantic import SecretStr

from wfm_bridge.ports.errors import InvalidInputError

Credentials = Mapping[str, SecretStr]
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


def check_field_name(name: object) -> str:
    """``name`` if it is a valid field name (lower-case letters, digits, ``_``)."""
    if not isinstance(name, str) or not _FIELD_NAME.fullmatch(name):
        raise InvalidInputError(
            f"credential field name {name!r} is not valid; use lower-case letters, digits and "
            "underscores, starting with a letter (e.g. client_secret)"
        )
    return name


@dataclass(frozen=True)
class CredentialField:
    """One field of a provider's credential; ``secret`` ones are hidden, fingerprinted and
    redacted. ``label`` is what the prompt and messages call it (default: the name)."""

    name: str
    secret: bool = True
    label: str = ""

    def __post_init__(self) -> None:
        check_field_name(self.name)
        if not isinstance(self.secret, bool):
            raise InvalidInputError(f"credential field {self.name!r}: secret must be True/False")
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("_", " "))


API_KEY = CredentialField("api_key", secret=True, label="API key")
"""The one-word credential most providers have (what ``requires_key=True`` declares)."""


def check_declaration(
    fields: Iterable[CredentialField], patterns: Iterable[str]
) -> tuple[tuple[CredentialField, ...], tuple[str, ...]]:
    """The declared fields and secret patterns as tuples, or ``InvalidInputError`` naming the
    problem (a field declared twice, a pattern that is no regular expression or matches
    nothing but would mask every text, such as an empty one)."""
    declared = tuple(fields)
    for field in declared:
        if not isinstance(field, CredentialField):
            raise InvalidInputError(
                f"credentials must be CredentialField objects, not {type(field).__name__}"
            )
    names = [f.name for f in declared]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InvalidInputError(f"credential field(s) declared twice: {', '.join(twice)}")
    checked: list[str] = []
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise InvalidInputError(f"secret pattern {pattern!r} is not a string")
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise InvalidInputError(
                f"secret pattern {pattern!r} is not a valid regular expression ({exc})"
            ) from None
        if compiled.search("") is not None:
            raise InvalidInputError(
                f"secret pattern {pattern!r} matches the empty string and would mask every "
                "text; make it match only the secret's shape (e.g. tok_[A-Za-z0-9]{20,})"
            )
        checked.append(pattern)
    return declared, tuple(checked)


def check_credentials(credentials: object) -> dict[str, SecretStr]:
    """A copy of a credential map to store, or ``InvalidInputError``: a non-empty mapping of
    valid field names to non-empty ``SecretStr`` values."""
    if isinstance(credentials, SecretStr) or not isinstance(credentials, Mapping):
        raise InvalidInputError(
            "credentials are a map of field name to SecretStr, e.g. "
            "{'api_key': SecretStr(...)}; pass the map, not a bare key"
        )
    if not credentials:
        raise InvalidInputError("no credential fields were given; give at least one")
    checked: dict[str, SecretStr] = {}
    for name, value in credentials.items():
        check_field_name(name)
        if not isinstance(value, SecretStr):
            raise InvalidInputError(f"credential field {name!r} must be a SecretStr")
        if not value.get_secret_value():
            raise InvalidInputError(f"credential field {name!r} is empty; give its whole value")
        checked[name] = value
    return checked
