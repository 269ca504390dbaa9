"""The credential fields of `wfm auth`: reading them (prompt or stdin), naming them in
messages, and the fingerprints of the secret ones that may be shown."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from pydantic import SecretStr

    from wfm_bridge.host.bridge import Bridge
    from wfm_bridge.ports.credentials import CredentialField
    from wfm_bridge.ports.vault import KeyInfo


def read_credentials(
    stdin: TextIO,
    fields: Sequence[CredentialField],
    prompt: Callable[[CredentialField], str],
) -> dict[str, SecretStr]:
    """Each field's value, in order: from ``prompt(field)`` on a terminal (the caller hides
    secret fields), else one non-blank line per field from ``stdin``; each trimmed, one word."""
    from pydantic import SecretStr

    from wfm_bridge.ports.errors import InvalidInputError

    what = _what(fields)
    try:  # a pipe may decode bad bytes as surrogates (surrogateescape) or raise
        if stdin.isatty():
            texts = [prompt(field) for field in fields]
        else:
            texts = [line for line in stdin.read().split("\n") if line.strip()]
        for text in texts:
            text.encode("utf-8")
    except UnicodeError:  # not chained: the error quotes a byte of what may be the key
        raise InvalidInputError(
            f"the {what} piped in is not UTF-8 text; save it as plain UTF-8 and pipe it again"
        ) from None
    one_per_line = "" if len(fields) == 1 else f", one line per field: {_names(fields)}"
    if len(texts) > len(fields):
        raise InvalidInputError(
            f"got {len(texts)} lines for the {what}; pipe only {len(fields)}{one_per_line}"
        )
    values: dict[str, SecretStr] = {}
    for position, field in enumerate(fields):
        value = texts[position].strip() if position < len(texts) else ""
        if not value:
            raise InvalidInputError(
                f"no {field.label} was given; paste it at the prompt, or pipe it in"
                f"{one_per_line}: `wfm auth set-key < {_file_hint(fields)}`"
            )
        if any(c.isspace() for c in value):
            raise InvalidInputError(
                f"the {field.label} must be a single word; paste only the {field.label}"
            )
        values[field.name] = SecretStr(value)
    return values


def _names(fields: Sequence[CredentialField]) -> str:
    return ", ".join(f.name for f in fields)


def _what(fields: Sequence[CredentialField]) -> str:
    """How messages name the credential: its one field's label, or every field's name."""
    return fields[0].label if len(fields) == 1 else f"credentials ({_names(fields)})"


def _file_hint(fields: Sequence[CredentialField]) -> str:
    return "key.txt" if len(fields) == 1 else "credentials.txt"


def prompt_text(provider: str, field: CredentialField) -> str:
    """What the terminal prompt for ``field`` says (secret fields are typed hidden)."""
    return f"{provider} {field.label}" + (" (hidden)" if field.secret else "")


def declared_fields(bridge: Bridge, provider: str) -> list[CredentialField]:
    """The credential fields ``provider`` declares; ``InvalidInputError`` when it declares
    none (there is nothing to store for it)."""
    from wfm_bridge.ports.errors import InvalidInputError
    from wfm_bridge.ports.registry import PortKind

    fields = list(bridge.registry.get(PortKind.PROVIDER, provider).credentials)
    if not fields:
        raise InvalidInputError(
            f"the {provider} provider declares no credentials: there is nothing to store "
            f"for it; choose another provider with --provider"
        )
    return fields


def secret_fingerprints(bridge: Bridge, info: KeyInfo) -> dict[str, str]:
    """The fingerprint of each secret field of a stored record (every field when the
    provider is not installed: nothing says which are public)."""
    from wfm_bridge.ports.errors import WfmError
    from wfm_bridge.ports.registry import PortKind

    try:
        spec = bridge.registry.get(PortKind.PROVIDER, info.provider)
    except WfmError:
        return dict(info.fingerprints)
    public = {f.name for f in spec.credentials if not f.secret}
    return {n: fp for n, fp in info.fingerprints.items() if n not in public}


def stored_line(info: KeyInfo, fields: Sequence[CredentialField], prints: dict[str, str]) -> str:
    """What set-key says once the credentials are stored (fingerprints, never values)."""
    shown = (
        f"fingerprint {info.fingerprint}"
        if len(fields) == 1
        else "fingerprints " + ", ".join(f"{n} {fp}" for n, fp in prints.items())
    )
    stamp = info.validated_at.isoformat() if info.validated_at else "never"
    return (
        f"stored the {info.provider} {_what(fields)} for tenant {info.tenant!r} "
        f"({shown}, validated {stamp})"
    )


def fingerprint_cell(row: Mapping[str, Any]) -> str:
    """The status table's fingerprint cell: the one key's, or one line per secret field."""
    prints: dict[str, str] = row["fingerprints"]
    if not prints:
        return row["fingerprint"] or "-"
    if len(row["fields"]) == 1:
        return str(row["fingerprint"])
    return "\n".join(f"{name} {fp}" for name, fp in prints.items())


def stored_what(bridge: Bridge, provider: str) -> str:
    """How `auth remove` names what it removes (the credentials of an unknown provider)."""
    from wfm_bridge.ports.errors import WfmError
    from wfm_bridge.ports.registry import PortKind

    try:
        fields = bridge.registry.get(PortKind.PROVIDER, provider).credentials
    except WfmError:
        return "credentials"
    return _what(fields) if fields else "credentials"
