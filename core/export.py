"""Use case: export the host's QA scores to the WFM provider, checkpointed and idempotent.

One run, for one tenant, under the lock ``export:<tenant>``:

1. Pending scores (held back earlier because their agent was not mapped) whose agent now maps
   are sent in batches, then released.
2. Scores changed since the checkpoint are streamed page by page (``batch_size`` each, or
   the sink's declared ``batch_limit`` if smaller, so memory never grows with the backlog).
   Each page: unmapped scores are held pending with the reason; a mapped score releases any
   older pending version of itself; the mapped ones are pushed; **only after the provider
   acknowledged** does the checkpoint move to the page's last score.

Why this loses and doubles nothing: the checkpoint only moves past scores that were either
acknowledged or durably held pending; a kill anywhere re-reads at most the unacknowledged page,
whose re-push upserts by evaluation id. A pending version is released before its newer version
is pushed, which is safe because the newer version lies past the checkpoint until it is
acknowledged; so an older version can never be sent after a newer one.

A score endpoint the provider reports as not available (``NotAvailableError``: the account's
plan lacks it, or the configured path does not exist there) is a *standing condition*: it is
recorded (``not_available``) with the provider's score-endpoint configuration
(``ConfiguredSink.sink_config``), and later runs stop at once with the same error, without
calling the provider, until that configuration changes; a successful push clears it.

Provider failures are not retried here: the provider adapter owns the one retry layer and
spends the budget it was built with (the composition root gives the export a provider built
with ``CallBudget.BACKGROUND``). An error that reaches the export therefore means that budget
is spent, or that the failure is not transient: the run records it (``last_error``, the
checkpoint left at the last acknowledged page) and re-raises; the next run resumes there, and
a page that was pushed but never acknowledged is pushed again, which upserts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol, runtime_checkable

from wfm_bridge.core.export_report import ExportReport, UnmappedSample, UnmappedScore, run_record
from wfm_bridge.core.export_state import ExportState
from wfm_bridge.core.score_agents import AgentLookup, ScoreAgents, to_push
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import BusyError, InvalidInputError, NotAvailableError
from wfm_bridge.ports.models import QaScore, ScorePush
from wfm_bridge.ports.score_sink import ScoreSink
from wfm_bridge.ports.scores import ScoreCursor, ScoreSource
from wfm_bridge.ports.state import StateStore

StepHook = Callable[[str], None]
"""Called with a step name ("pushed", "checkpointed", "released"); tests crash runs here."""


@runtime_checkable
class ConfiguredSink(Protocol):
    """Optional for providers: names the configuration of their score endpoint, so a "not
    available" condition can stand until that configuration changes."""

    def sink_config(self) -> str:
        """The score endpoint's configuration, as a comparable string (no secrets)."""
        ...


@dataclass(frozen=True)
class ExportPolicy:
    """Tunables of an export run."""

    batch_size: int = 500
    lock_wait_seconds: float = 0.0  # 0: a second run fails at once with BusyError
    lock_poll_seconds: float = 5.0
    listed_unmapped: int = 100  # how many unmapped scores a report lists (all are counted)
    preview: int = 20  # how many would-be-sent scores a dry run shows

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= 10_000:
            raise InvalidInputError("the export batch size must be between 1 and 10000")


NOT_AVAILABLE = "not_available"  # the standing condition's record


class ExportScores:
    """Send new and changed QA scores of one tenant to the provider (see module docstring)."""

    def __init__(
        self,
        source: ScoreSource,
        provider: ScoreSink,
        mapper: AgentLookup,
        state: StateStore,
        clock: Clock,
        tenant: str,
        policy: ExportPolicy | None = None,
        on_step: StepHook | None = None,
    ) -> None:
        self._source = source
        self._provider = provider
        self._mapper = mapper
        self._clock = clock
        self._policy = policy or ExportPolicy()
        # the sink's declared limit bounds every batch (and so every page read)
        self._batch = max(1, min(self._policy.batch_size, provider.batch_limit))
        self._records = ExportState(state, tenant)
        self._state = state
        self._on_step = on_step or (lambda step: None)
        self.tenant = tenant

    def run(
        self, *, dry_run: bool = False, should_stop: Callable[[], bool] | None = None
    ) -> ExportReport:
        """Export once; a dry run computes what would be sent and changes nothing."""
        stop = should_stop or (lambda: False)
        if dry_run:
            return _Pass(self, dry_run=True).execute(stop)
        with self._lock():
            config = self._sink_config()
            self._check_available(config)
            started = self._clock.now().isoformat()
            self._records.record("last_run", {"started_at": started, "outcome": "running"})
            run = _Pass(self, dry_run=False)
            try:
                report = run.execute(stop)
            except NotAvailableError as exc:
                self._record_not_available(exc, config)
                self._record_failure(run.report, exc)
                raise
            except Exception as exc:
                self._record_failure(run.report, exc)
                raise
            if report.batches:
                self._records.clear(NOT_AVAILABLE)  # the endpoint acknowledged: it exists
            self._records.record("last_run", run_record(report, self._clock.now()))
            if not report.stopped_early:
                self._records.record("last_success", run_record(report, self._clock.now()))
            return report

    def _sink_config(self) -> str | None:
        provider = self._provider
        return provider.sink_config() if isinstance(provider, ConfiguredSink) else None

    def _check_available(self, config: str | None) -> None:
        """Stop at once while a "not available" condition stands for this configuration."""
        standing = self._records.read(NOT_AVAILABLE)
        if standing is None:
            return
        if config is None or standing.get("config") != config:
            self._records.clear(NOT_AVAILABLE)  # the configuration changed: try again
            return
        raise NotAvailableError(
            f"{standing.get('message')} (since {standing.get('since')}; not retried until "
            "the configuration changes)",
            condition=config,
        )

    def _record_not_available(self, exc: NotAvailableError, config: str | None) -> None:
        self._records.record(
            NOT_AVAILABLE,
            {
                "message": str(exc),
                "config": config or exc.condition,
                "since": self._clock.now().isoformat(),
            },
        )

    def _record_failure(self, report: ExportReport, exc: Exception) -> None:
        """Best effort: the original error matters more than a failing record of it."""
        try:
            report.checkpoint = self._records.checkpoint()
            now = self._clock.now()
            self._records.record("last_error", report.failed(exc, now))
            self._records.record("last_run", run_record(report, now, exc))
        except Exception:  # the run's own error is re-raised by the caller
            pass

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """Hold the tenant's export lock, waiting up to the policy's lock wait."""
        deadline = self._clock.now() + timedelta(seconds=self._policy.lock_wait_seconds)
        with ExitStack() as stack:
            while True:
                try:
                    stack.enter_context(self._state.lock(self._records.lock_name))
                    break
                except BusyError as exc:
                    if self._clock.now() >= deadline:
                        waited = self._policy.lock_wait_seconds
                        hint = f"waited {waited:g} s; " if waited else ""
                        raise BusyError(
                            f"another export for tenant {self.tenant!r} is running ({hint}it "
                            "holds the export lock); let it finish, then run again, or use --wait"
                        ) from exc
                    self._clock.sleep(self._policy.lock_poll_seconds)
            yield


class _Pass:
    """One pass over pending and new scores; live or dry (dry: no writes, no pushes)."""

    def __init__(self, owner: ExportScores, *, dry_run: bool) -> None:
        self.o = owner
        self.dry = dry_run
        self.checkpoint = owner._records.checkpoint()
        self.report = ExportReport(
            tenant=owner.tenant,
            dry_run=dry_run,
            started_at=owner._clock.now(),
            checkpoint=self.checkpoint,
        )
        self._agents = ScoreAgents(owner._mapper)
        self._unmapped: set[str] = set()  # evaluation ids pending after this pass
        self._sample = UnmappedSample(owner._policy.listed_unmapped)  # dry run's listing

    def execute(self, stop: Callable[[], bool]) -> ExportReport:
        """Retry pending scores, then stream the backlog; returns the report."""
        finished = self._retry_pending(stop) and self._stream(stop)
        report = self.report
        report.stopped_early = not finished
        report.pending_unmapped = (
            len(self._unmapped) if self.dry else self.o._records.pending_count()
        )
        report.unmapped = self._listed_unmapped()
        report.checkpoint = self.checkpoint if self.dry else self.o._records.checkpoint()
        report.finished_at = self.o._clock.now()
        return report

    def _retry_pending(self, stop: Callable[[], bool]) -> bool:
        """Send pending scores whose agent now maps; False if stopped before the end."""
        records = self.o._records
        ids = [p.score.evaluation_id for p in records.pending()]
        batch: list[ScorePush] = []
        for index, evaluation_id in enumerate(ids):
            pending = records.get_pending(evaluation_id)
            if pending is None:
                continue
            agent_id, reason = self._agents.resolve(pending.score.agent_email)
            if agent_id is None:
                self._unmapped.add(evaluation_id)
                if reason != pending.reason and not self.dry:
                    records.hold(pending.score, reason, self.o._clock.now())
                continue
            batch.append(to_push(pending.score, agent_id))
            if len(batch) >= self.o._batch:
                self._send_pending(batch)
                batch = []
                if stop():
                    self._unmapped.update(ids[index + 1 :])  # unvisited: still pending
                    return False
        if batch:
            self._send_pending(batch)
        return True

    def _send_pending(self, batch: list[ScorePush]) -> None:
        self._push(batch)
        self.report.sent_from_pending += len(batch)
        if self.dry:
            return
        for push in batch:
            self.o._records.release(push.evaluation_id)
        self.o._on_step("released")

    def _stream(self, stop: Callable[[], bool]) -> bool:
        """Export the backlog page by page; False if stopped before the end."""
        size = self.o._batch
        while not stop():
            page = self.o._source.changed_since(self.checkpoint, size)
            if not page:
                return True
            pushes: list[ScorePush] = []
            for score in page:
                agent_id, reason = self._agents.resolve(score.agent_email)
                if agent_id is None:
                    self._hold(score, reason)
                    continue
                if score.evaluation_id in self._unmapped:
                    # the newer version supersedes the pending one; it lies past the
                    # checkpoint until acknowledged, so releasing first loses nothing
                    self._unmapped.discard(score.evaluation_id)
                    self._sample.discard(score.evaluation_id)
                    if not self.dry:
                        self.o._records.release(score.evaluation_id)
                pushes.append(to_push(score, agent_id))
            if pushes:
                self._push(pushes)
            last = page[-1]
            self.checkpoint = ScoreCursor(
                updated_at=last.updated_at, evaluation_id=last.evaluation_id
            )
            if not self.dry:
                self.o._records.advance(self.checkpoint)
                self.o._on_step("checkpointed")
            if len(page) < size:
                return True
        return False

    def _hold(self, score: QaScore, reason: str) -> None:
        self._unmapped.add(score.evaluation_id)
        if self.dry:
            self._sample.add(UnmappedScore.of(score, reason))
        else:
            self.o._records.hold(score, reason, self.o._clock.now())

    def _push(self, batch: Sequence[ScorePush]) -> None:
        """Send one batch (the provider retries it) and count it once acknowledged (dry: only
        count it)."""
        if self.dry:
            room = self.o._policy.preview - len(self.report.preview)
            self.report.preview.extend(batch[: max(0, room)])
        else:
            self.o._provider.push(batch)
        self.report.batches += 1
        self.report.sent += len(batch)
        if not self.dry:
            self.o._on_step("pushed")

    def _listed_unmapped(self) -> list[UnmappedScore]:
        """The first held-back scores by evaluation id (dry: as a real run would leave them)."""
        limit = self.o._policy.listed_unmapped
        if not self.dry:
            return [u for _, u in zip(range(limit), self._pending_views(), strict=False)]
        added = 0
        for view in self._pending_views():
            if added >= limit:
                break  # pending is in id order: the rest cannot be among the first ones
            if view.evaluation_id in self._unmapped and view.evaluation_id not in self._sample:
                self._sample.add(view)
                added += 1
        return self._sample.items()

    def _pending_views(self) -> Iterator[UnmappedScore]:
        return (UnmappedScore.of(p.score, p.reason) for p in self.o._records.pending())
