"""AssembledConfig: the plugin's options (``ProviderContext.options``), parsed and checked.

Every option is a string in the options mapping (``--base-url`` / ``WFM_BASE_URL`` set
``base_url``; ``WFM_OPTION_<NAME>`` sets any option, e.g. ``WFM_OPTION_TIMEOUT=20``); unknown
names are refused so a typo never goes unnoticed.

==================  ===============================  ==========================================
option              default                          meaning
==================  ===============================  ==========================================
base_url            https://api.assembledhq.com      HTTPS only; plain http only for loopback
api_version         2019-06-20                       sent as the ``API-Version`` header
rate                5                                requests per second per key to start from
burst               20                               burst to start from (both are learned)
slice_days          7                                schedule requests cover at most this many
max_url_bytes       8000                             agents per request are grouped below this
concurrency         4                                schedule requests in flight at once
page_size           500                              people per ``/v0/people`` page
timeout             budget (15 s / 60 s)             read timeout per attempt, seconds
connect_timeout     5                                connect timeout per attempt, seconds
max_attempts        budget (3 / 8)                   attempts per call, first one included
retry_budget        budget (10 s / 300 s)            total seconds one call may spend retrying
retry_after_cap     budget (5 s / 60 s)              longer ``Retry-After`` -> rate-limited error
scores_path         /v0/qa_scores/bulk               QA score endpoint (**unverified**, see doc)
scores_envelope     qa_scores                        top-level key of the score batch body
scores_fields       see ``DEFAULT_SCORE_FIELDS``     ``wire=source`` pairs, comma separated
scores_batch_limit  10000                            most scores per request (**unverified**)
scores_time_format  unix                             times in the score payload: ``unix``
                                                     (seconds), ``unix_ms`` or ``iso8601``
==================  ===============================  ==========================================

"budget" values depend on ``ProviderContext.budget``: interactive calls (someone waiting) give
up quickly, background calls (hourly export) keep trying longer. The requests of a planned
read (a schedule) get more: as long as the whole plan takes at the learned rate
(``RetryBudget.for_plan``). ``rate``/``burst`` are where the per-key adaptive limiter starts;
it learns the account's real limit from 429s (``WFM_RATE_LIMITER``, ports/ratelimit.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from wfm_bridge.plugins.vendor_http.options import RETRY_OPTIONS, Options
from wfm_bridge.plugins.vendor_http.retry import BUDGETS, RetryBudget
from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.registry import CallBudget

DEFAULT_BASE_URL = "https://api.assembledhq.com"
DEFAULT_API_VERSION = "2019-06-20"
# The QA-score endpoint is not public (assembled-api.md, "Unknown"): the default follows the one
# unofficial spec; ``evaluation_id`` travels as the external id so re-sends upsert.
DEFAULT_SCORE_FIELDS = (
    "conversation_external_id=evaluation_id,agent_id=agent_id,score=score,"
    "max_score=max_score,scored_at=evaluated_at,rubric=scorecard,source='evaluagent'"
)


@dataclass(frozen=True)
class AssembledConfig:
    """Validated options of one AssembledProvider."""

    base_url: str = DEFAULT_BASE_URL
    api_version: str = DEFAULT_API_VERSION
    rate: float = 5.0
    burst: int = 20
    slice_days: float = 7.0
    max_url_bytes: int = 8000
    concurrency: int = 4
    page_size: int = 500
    connect_timeout: float = 5.0
    retry: RetryBudget = BUDGETS[CallBudget.INTERACTIVE]
    scores_path: str = "/v0/qa_scores/bulk"
    scores_envelope: str = "qa_scores"
    scores_fields: str = DEFAULT_SCORE_FIELDS
    scores_batch_limit: int = 10_000
    scores_time_format: str = "unix"

    @classmethod
    def from_options(
        cls, options: Mapping[str, str], budget: CallBudget = CallBudget.INTERACTIVE
    ) -> AssembledConfig:
        """Parse the string options; ``InvalidInputError`` names a bad or unknown option."""
        read = Options("assembled", options, _KNOWN)
        retry = read.retry(BUDGETS[budget])
        scores_path = options.get("scores_path", cls.scores_path)
        if not scores_path.startswith("/"):
            raise InvalidInputError(f"scores_path {scores_path!r} must start with '/'")
        return cls(
            base_url=options.get("base_url", DEFAULT_BASE_URL).rstrip("/"),
            api_version=options.get("api_version", DEFAULT_API_VERSION),
            rate=read.number("rate", cls.rate, positive=True),
            burst=read.integer("burst", cls.burst, 1),
            slice_days=read.number("slice_days", cls.slice_days, positive=True),
            max_url_bytes=read.integer("max_url_bytes", cls.max_url_bytes, 256),
            concurrency=read.integer("concurrency", cls.concurrency, 1),
            page_size=read.integer("page_size", cls.page_size, 1),
            connect_timeout=read.number("connect_timeout", cls.connect_timeout, positive=True),
            retry=retry,
            scores_path=scores_path,
            scores_envelope=options.get("scores_envelope", cls.scores_envelope),
            scores_fields=options.get("scores_fields", cls.scores_fields),
            scores_batch_limit=read.integer("scores_batch_limit", cls.scores_batch_limit, 1),
            scores_time_format=options.get("scores_time_format", cls.scores_time_format),
        )


_KNOWN = {
    *RETRY_OPTIONS,
    "base_url",
    "api_version",
    "rate",
    "burst",
    "slice_days",
    "max_url_bytes",
    "concurrency",
    "page_size",
    "connect_timeout",
    "scores_path",
    "scores_envelope",
    "scores_fields",
    "scores_batch_limit",
    "scores_time_format",
}

