"""Logging for the CLI: one stderr handler, and a filter that redacts secrets everywhere.

The filter removes every secret registered with ``register_secret`` (and its base64 forms,
as sent in HTTP Basic auth), any ``Authorization`` header value, ``Basic``/``Bearer``
credentials, and anything matching a pattern registered with ``register_patterns`` (the
command line registers the secret patterns every discovered provider declares, such as the
shape of Assembled's live and test keys), from messages, exception text and stack traces.
It is attached to every root handler, so records from any library (httpx, httpcore...) pass
through it. The host knows no vendor's key shape itself.
"""

from __future__ import annotations

import base64
import logging
import os
import re
import sys
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # kept import-light: the CLI configures logging before anything else
    from pydantic import SecretStr

ENV_VAR = "WFM_LOG_LEVEL"
DEFAULT_LEVEL = "WARNING"
MASK = "[REDACTED]"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_PATTERNS = (
    (re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)[^\r\n'\",}]+"), rf"\g<1>{MASK}"),
    (re.compile(r"(?i)\b(basic|bearer)\s+[A-Za-z0-9+/=._~-]{4,}"), rf"\g<1> {MASK}"),
)
_provider_patterns: dict[str, re.Pattern[str]] = {}  # declared by providers, by source text


def secret_forms(value: str) -> set[str]:
    """The key and the encodings it travels in (base64 of ``key:`` for Basic auth, etc.)."""
    forms = {value}
    for raw in (f"{value}:".encode(), value.encode()):
        forms.add(base64.b64encode(raw).decode())
        forms.add(base64.urlsafe_b64encode(raw).decode())
    return {f for f in forms if len(f) >= 4}  # tiny strings would mask ordinary text


def register_secret(value: SecretStr | str | None) -> None:
    """Make the filter redact ``value`` (and its Basic-auth forms) from now on."""
    if value is None:
        return
    plain = value if isinstance(value, str) else value.get_secret_value()
    if plain:
        with _secrets_lock:
            _secrets.update(secret_forms(plain))


def register_patterns(patterns: Iterable[str]) -> None:
    """Make the filter redact whatever matches these regular expressions from now on (the
    secret patterns providers declare: ``AdapterRegistry.secret_patterns()``)."""
    compiled = {p: re.compile(p) for p in patterns}  # checked at registration already
    with _secrets_lock:
        _provider_patterns.update(compiled)


def redact(text: str) -> str:
    """``text`` with every known secret and credential pattern masked."""
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)  # longest first: no partial leftovers
        declared = list(_provider_patterns.values())
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    for declared_pattern in declared:
        text = declared_pattern.sub(MASK, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record so no handler ever sees a secret."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the message, exception text and stack; always keep the record."""
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _CliHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler the CLI installs (recognised so reconfiguring replaces it).

    Without an explicit stream it writes to whatever ``sys.stderr`` is at emit time, so a
    stderr swapped and closed since (test capture, embedding hosts) never breaks logging from
    threads that outlive the command."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream)
        self._fixed = stream

    def emit(self, record: logging.LogRecord) -> None:
        """Write to the fixed stream, or to the current ``sys.stderr``."""
        self.stream = self._fixed if self._fixed is not None else sys.stderr
        super().emit(record)


def parse_level(level: str | None) -> int:
    """A logging level from a name (``--log-level``/``WFM_LOG_LEVEL``), default WARNING."""
    name = (level or os.environ.get(ENV_VAR) or DEFAULT_LEVEL).strip().upper()
    if name not in LEVELS:
        from wfm_bridge.ports.errors import InvalidInputError

        raise InvalidInputError(f"unknown log level {name!r}; use one of {', '.join(LEVELS)}")
    return int(logging.getLevelName(name))


def configure_logging(level: str | None = None, stream: TextIO | None = None) -> None:
    """Log to stderr at ``level`` and put the redacting filter on every root handler."""
    root = logging.getLogger()
    numeric = parse_level(level)
    for handler in list(root.handlers):
        if isinstance(handler, _CliHandler):
            root.removeHandler(handler)
    handler = _CliHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(numeric)
    for existing in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in existing.filters):
            existing.addFilter(RedactingFilter())
