"""The one retry policy of every vendor client, as a table, plus budgets, backoff and Retry-After.

``POLICY[(failure, idempotent)]`` says what to do after one failed attempt. "Idempotent" means
repeating the request cannot change the outcome: reads, and the score upsert (keyed by
evaluation id). Creating an activity is not, and neither is deleting one (a repeat would
answer "unknown id" for a delete that worked), so when such a write got no answer the client
raises ``OutcomeUnknownError`` and the caller reads back before trying again.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum

from wfm_bridge.ports.registry import CallBudget


@dataclass(frozen=True)
class RetryBudget:
    """How hard one call tries: attempts, total seconds, Retry-After cap, backoff shape."""

    max_attempts: int
    total_seconds: float
    retry_after_cap: float
    backoff_base: float
    backoff_cap: float
    read_timeout: float

    def for_plan(self, requests: int, rate: float) -> RetryBudget:
        """The budget of each request of a planned read of ``requests`` requests: it may wait
        as long as the whole plan takes at the learned ``rate`` (a slower account gives a
        slower answer, not a failure), and retry 429s while the limiter learns."""
        return replace(
            self,
            max_attempts=max(self.max_attempts, PLAN_ATTEMPTS),
            total_seconds=self.total_seconds + requests / rate,
        )


PLAN_ATTEMPTS = 10  # a planned request may meet several 429s while the limit is learned


BUDGETS: dict[CallBudget, RetryBudget] = {
    CallBudget.INTERACTIVE: RetryBudget(3, 10.0, 5.0, 0.25, 2.0, 15.0),
    CallBudget.BACKGROUND: RetryBudget(8, 300.0, 60.0, 1.0, 30.0, 60.0),
}


class Failure(StrEnum):
    """What went wrong with one attempt."""

    NOT_SENT = "connect error or connect/pool timeout: the request never left"
    NO_ANSWER = "read/write timeout or connection dropped after sending"
    REDIRECT = "3xx"
    BAD_REQUEST = "400"
    AUTH = "401/403"
    NOT_FOUND = "404"
    OTHER_4XX = "other 4xx"
    RATE_LIMITED = "429"
    SERVER_ERROR = "5xx"


class Action(StrEnum):
    """What the client does next."""

    RETRY = "retry after capped exponential backoff with jitter"
    RETRY_AFTER = "retry after Retry-After (capped; longer -> rate-limited error) or backoff"
    FAIL = "raise the failure's error now"
    OUTCOME_UNKNOWN = "raise OutcomeUnknownError: the write may have happened; read back"


_A, _R, _F, _U = Action.RETRY_AFTER, Action.RETRY, Action.FAIL, Action.OUTCOME_UNKNOWN

POLICY: dict[tuple[Failure, bool], Action] = {
    # failure                  idempotent       not idempotent (create/delete)
    (Failure.NOT_SENT, True): _R, (Failure.NOT_SENT, False): _R,
    (Failure.NO_ANSWER, True): _R, (Failure.NO_ANSWER, False): _U,
    (Failure.RATE_LIMITED, True): _A, (Failure.RATE_LIMITED, False): _A,
    (Failure.SERVER_ERROR, True): _R, (Failure.SERVER_ERROR, False): _U,
    (Failure.AUTH, True): _F, (Failure.AUTH, False): _F,
    (Failure.BAD_REQUEST, True): _F, (Failure.BAD_REQUEST, False): _F,
    (Failure.NOT_FOUND, True): _F, (Failure.NOT_FOUND, False): _F,
    (Failure.OTHER_4XX, True): _F, (Failure.OTHER_4XX, False): _F,
    (Failure.REDIRECT, True): _F, (Failure.REDIRECT, False): _F,
}  # fmt: skip


def classify_status(status: int) -> Failure | None:
    """The failure an HTTP status means, or None for success (2xx)."""
    if 200 <= status < 300:
        return None
    if status in (401, 403):
        return Failure.AUTH
    if status == 429:
        return Failure.RATE_LIMITED
    if status == 400:
        return Failure.BAD_REQUEST
    if status == 404:
        return Failure.NOT_FOUND
    if status >= 500:
        return Failure.SERVER_ERROR
    if 300 <= status < 400:
        return Failure.REDIRECT
    return Failure.OTHER_4XX


MAX_RETRY_AFTER = 86400.0  # longer (even "inf") counts as a day: "when" must stay a real date


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """``Retry-After`` as seconds from ``now`` (delta-seconds or HTTP-date), at most a day;
    None if absent or unreadable."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        return _bounded(float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # an HTTP-date is always GMT
        return None
    return _bounded((when - now).total_seconds())


def _bounded(seconds: float) -> float | None:
    return None if math.isnan(seconds) else min(max(0.0, seconds), MAX_RETRY_AFTER)


@dataclass
class Backoff:
    """Capped exponential backoff with "equal jitter": half fixed, half random."""

    budget: RetryBudget
    rng: random.Random

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        ceiling = min(self.budget.backoff_cap, self.budget.backoff_base * 2 ** (attempt - 1))
        return float(ceiling / 2 + self.rng.uniform(0, ceiling / 2))


@dataclass(frozen=True)
class Decision:
    """Outcome of consulting the policy: wait this long, or give up (``give_up`` says why)."""

    wait: float = 0.0
    give_up: str | None = None
    retry_at: datetime | None = None


def decide(
    action: Action,
    *,
    attempt: int,
    elapsed: float,
    retry_after: float | None,
    budget: RetryBudget,
    backoff: Backoff,
    now: datetime,
) -> Decision:
    """For a retrying action: how long to wait, or why to stop (cap, attempts, time budget)."""
    wait = backoff.delay(attempt)
    if action is Action.RETRY_AFTER and retry_after is not None:
        if retry_after > budget.retry_after_cap:
            return Decision(
                give_up="retry_after_cap",
                retry_at=now + timedelta(seconds=retry_after),
            )
        wait = retry_after
    if attempt >= budget.max_attempts:
        return Decision(give_up="attempts", retry_at=now + timedelta(seconds=wait))
    if elapsed + wait > budget.total_seconds:
        return Decision(give_up="time_budget", retry_at=now + timedelta(seconds=wait))
    return Decision(wait=wait)
