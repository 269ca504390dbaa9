"""One error hierarchy for the whole product.

Every error names its category and says what to do next. Adapters translate library
exceptions into these (``raise X from exc``); the in-memory fakes raise the very same ones.
The CLI prints ``error: <message>`` in one line; exit code 2 for bad input, 1 otherwise.

The exit code says whose fault it is: 2 when the caller's input is wrong, 1 otherwise. A
category says what happened; where one category holds both (a meeting id the user typed
that names nothing vs. a provider record gone), the caller's case is its own subclass with
``exit_code = 2`` (``UnknownIdError``, ``UnmappableError``, ``ReusedKeyError``). They are not
``InvalidInputError``s: code catching "the values were malformed" must not catch them.
"""

from __future__ import annotations

from datetime import datetime


class WfmError(Exception):
    """Root of every error the product raises on purpose."""

    category = "error"
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInputError(WfmError):
    """The caller's input is wrong (dates, ranges, ids, emails...); fix it and try again."""

    category = "validation"
    exit_code = 2


class AuthError(WfmError):
    """The provider refused the credentials (401/403). Never retried."""

    category = "auth"

    @classmethod
    def invalid_key(cls, provider: str) -> AuthError:
        """The one message users get for a bad or expired key."""
        return cls(
            f"the {provider} API key is invalid or expired; generate a new one in {provider} "
            f"and run `wfm auth set-key --provider {provider}` again"
        )


class MissingKeyError(AuthError):
    """No key is stored for this tenant and provider."""


class NotFoundError(WfmError):
    """The thing asked for does not exist."""

    category = "not_found"


class UnknownIdError(NotFoundError):
    """An id the caller gave names nothing (e.g. a meeting id not in the ledger): bad input."""

    exit_code = 2


class UnmappableError(NotFoundError):
    """Nobody the caller named maps to a provider person: bad input (fix the email/mapping)."""

    exit_code = 2


class ConflictError(WfmError):
    """The request conflicts with current state (e.g. a lock is held, an id is reused)."""

    category = "conflict"


class ReusedKeyError(ConflictError):
    """An idempotency key the caller gave was already used for a different request."""

    exit_code = 2


class BusyError(ConflictError):
    """Another process holds the lock for this work (e.g. an export for the same tenant)."""


class UnavailableError(WfmError):
    """The provider or a store is unavailable right now; retrying later may succeed."""

    category = "unavailable"


class RateLimitedError(UnavailableError):
    """The provider is rate limiting us; ``retry_at`` says when to try again, if known."""

    category = "rate_limited"

    def __init__(self, message: str, retry_at: datetime | None = None) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class OutcomeUnknownError(UnavailableError):
    """A write was sent but no answer came back: it may or may not have been applied."""


class ProviderResponseError(WfmError):
    """The provider answered with something we cannot understand (malformed JSON, wrong shape)."""

    category = "provider"


class NotAvailableError(ProviderResponseError):
    """The provider does not offer this to this account as configured (e.g. the plan lacks
    it, or the configured endpoint does not exist there). Retrying cannot help until the
    configuration changes; ``condition`` names the configuration that caused it."""

    category = "not_available"

    def __init__(self, message: str, condition: str = "") -> None:
        super().__init__(message)
        self.condition = condition


class IntegrityError(WfmError):
    """Stored data failed an integrity check (tampered file, wrong master key, broken ledger)."""

    category = "integrity"


class NotSupportedError(WfmError):
    """The operation is not offered by design (modify/bulk meetings, shift sync...)."""

    category = "not_supported"
    exit_code = 2
