"""A vendor's string options (``ProviderContext.options``) read and checked, with errors that
name the vendor, the option and what it must be; unknown names are refused so a typo never
goes unnoticed."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping

from wfm_bridge.plugins.vendor_http.retry import RetryBudget
from wfm_bridge.ports.errors import InvalidInputError


class Options:
    """``options`` of vendor ``vendor``, which knows the option names ``known``."""

    def __init__(self, vendor: str, options: Mapping[str, str], known: Collection[str]) -> None:
        unknown = sorted(set(options) - set(known))
        if unknown:
            raise InvalidInputError(
                f"unknown {vendor} option(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}"
            )
        self.vendor = vendor
        self._options = options

    def number(self, name: str, default: float, *, positive: bool = False) -> float:
        """A finite number >= 0 (> 0 when ``positive``), or ``default`` when not given."""
        raw = self._options.get(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise self._bad(name, raw, "must be a number") from None
        if not math.isfinite(value) or value < 0 or (positive and value == 0):
            raise self._bad(name, raw, "must be a positive number")
        return value

    def integer(self, name: str, default: int, low: int, high: int | None = None) -> int:
        """An integer in ``low..high`` (no upper end when ``high`` is None), or ``default``."""
        raw = self._options.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise self._bad(name, raw, "must be an integer") from None
        if value < low or (high is not None and value > high):
            wanted = f"at least {low}" if high is None else f"{low}-{high}"
            raise self._bad(name, raw, f"must be {wanted}")
        return value

    def retry(self, base: RetryBudget, max_attempts: int | None = None) -> RetryBudget:
        """``base`` with the options every vendor's retry takes: max_attempts, retry_budget,
        retry_after_cap and timeout (seconds per attempt)."""
        return RetryBudget(
            max_attempts=self.integer("max_attempts", base.max_attempts, 1, max_attempts),
            total_seconds=self.number("retry_budget", base.total_seconds),
            retry_after_cap=self.number("retry_after_cap", base.retry_after_cap),
            backoff_base=base.backoff_base,
            backoff_cap=base.backoff_cap,
            read_timeout=self.number("timeout", base.read_timeout, positive=True),
        )

    def _bad(self, name: str, raw: str, wanted: str) -> InvalidInputError:
        return InvalidInputError(f"{self.vendor} option {name}={raw!r} {wanted}")


RETRY_OPTIONS = ("timeout", "max_attempts", "retry_budget", "retry_after_cap")
