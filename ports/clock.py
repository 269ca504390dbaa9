"""The Clock port: the only source of time and of waiting in the product."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """Wall-clock time and sleeping.

    ``now()`` is always timezone-aware UTC and never goes backwards within one process.
    ``sleep()`` waits (a fake clock advances its time instead, so no test sleeps).
    """

    def now(self) -> datetime:
        """Current time, timezone-aware, in UTC."""
        ...

    def sleep(self, seconds: float) -> None:
        """Block for ``seconds`` (a fake clock advances instead). Negative values are 0."""
        ...
