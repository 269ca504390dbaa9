"""Test aids for the score export: a sink that logs every version it received, and crashes.

``ScoreSink`` is a ``FakeWfmBackend`` that also remembers each (evaluation id, updated_at)
it applied, in order, so tests can count pushes per version (a duplicate is a version sent
again after it was settled; a stale write is an older version applied after a newer one).
``SimulatedCrash`` is a ``BaseException``: like a kill, nothing in the product catches or
records it. ``CrashAt`` raises it at a chosen export step (the use case's ``on_step`` hook);
``ScoreSink.crash_next_push`` raises it inside the sink, before or after applying.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend
from wfm_bridge.ports.errors import WfmError
from wfm_bridge.ports.models import ProviderPerson, ScorePush


class SimulatedCrash(BaseException):
    """Stands for the process dying at this point (never caught by the product)."""


class CrashAt:
    """An ``on_step`` hook that crashes at the ``nth`` occurrence of ``step`` (1-based)."""

    def __init__(self, step: str, nth: int = 1) -> None:
        self.step = step
        self.remaining = nth
        self.fired = False

    def __call__(self, step: str) -> None:
        """Count ``step``; crash when the chosen occurrence arrives."""
        if step != self.step or self.fired:
            return
        self.remaining -= 1
        if self.remaining <= 0:
            self.fired = True
            raise SimulatedCrash(f"simulated crash at {step}")


class ScoreSink(FakeWfmBackend):
    """A fake WFM backend that logs every score version it applied."""

    def __init__(self, people: Iterable[ProviderPerson] = ()) -> None:
        super().__init__(people=people)
        self.received: list[tuple[str, datetime]] = []
        self._crash: bool | None = None  # None: no crash; else crash after applying?
        self._outage: tuple[int, int | None, WfmError] | None = None
        self.attempts = 0  # pushes tried, including refused ones

    def crash_next_push(self, *, after_apply: bool) -> None:
        """Make the next push die (SimulatedCrash) before or after the sink applies it."""
        self._crash = after_apply

    def outage(self, error: WfmError, *, after: int = 0, pushes: int | None = None) -> None:
        """Refuse ``pushes`` pushes (None: all) with ``error``, once ``after`` more succeeded."""
        self._outage = (self.attempts + after, pushes, error)

    def heal(self) -> None:
        """Cancel every injected failure (outage, crash, queued faults, key refusal)."""
        self._outage = None
        self._crash = None
        self._faults.clear()
        self.accepted_keys = None

    def receive_scores(self, scores: Sequence[ScorePush]) -> None:
        """Upsert like the backend; log applied versions; fail or crash if told to."""
        self.attempts += 1
        if self._outage is not None:
            start, count, error = self._outage
            if self.attempts > start and (count is None or self.attempts <= start + count):
                raise error
        crash, self._crash = self._crash, None
        if crash is False:
            raise SimulatedCrash("simulated crash before the sink applied the push")
        applied_before = len(self.score_batches)
        try:
            super().receive_scores(scores)
        finally:
            if len(self.score_batches) > applied_before:
                self.received.extend((s.evaluation_id, s.updated_at) for s in scores)
        if crash:
            raise SimulatedCrash("simulated crash after the sink applied the push")

    def pushes_per_version(self) -> Counter[tuple[str, datetime]]:
        """How many times each (evaluation id, updated_at) was applied."""
        return Counter(self.received)

    def stale_writes(self) -> list[tuple[str, datetime, datetime]]:
        """Every applied version older than one already applied for the same evaluation."""
        newest: dict[str, datetime] = {}
        stale: list[tuple[str, datetime, datetime]] = []
        for evaluation_id, version in self.received:
            seen = newest.get(evaluation_id)
            if seen is not None and version < seen:
                stale.append((evaluation_id, version, seen))
            else:
                newest[evaluation_id] = version
        return stale
