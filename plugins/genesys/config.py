"""GenesysConfig: the plugin's options (``ProviderContext.options``), parsed and checked.

Every option is a string (``--base-url`` / ``WFM_BASE_URL`` set ``base_url``;
``WFM_OPTION_<NAME>`` sets any option); unknown names are refused.

==================  =================  =====================================================
option              default            meaning
==================  =================  =====================================================
region              us-east-1          region id or domain (regions.py), e.g. mypurecloud.ie
base_url            (from region)      API base URL override, e.g. the emulator's; https only
rate                4.5                client-side requests per second per token
burst               20                 burst of the client's token bucket
page_size           500                users per ``GET /api/v2/users`` page (max 500)
token_margin        60                 refresh the token this many seconds before it expires
timeout             budget             read timeout per attempt, seconds
connect_timeout     5                  connect timeout per attempt, seconds
max_attempts        budget             attempts per call, first one included
retry_budget        budget             total seconds one call may spend retrying
retry_after_cap     budget             longer ``Retry-After`` -> rate-limited error
search_days         42                 longest window of one schedule search, days
search_users        500                most agents in one schedule search
concurrency         4                  schedule searches in flight at once
metric              QA score           external metric for scores whose scorecard has none
==================  =================  =====================================================

Genesys allows about 300 requests per minute per token: 4.5/s with a burst of 20 stays
under it in any 60 s (20 + 60 x 4.5 = 290). "budget" values depend on
``ProviderContext.budget`` as for Assembled (interactive: give up fast; background: persist).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from wfm_bridge.plugins.assembled.config import BUDGETS, RetryBudget
from wfm_bridge.plugins.genesys.regions import DEFAULT_REGION, Hosts, domain_of, hosts_for
from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.registry import CallBudget


@dataclass(frozen=True)
class GenesysConfig:
    """Validated options of one Genesys client."""

    region: str = DEFAULT_REGION
    base_url: str | None = None
    rate: float = 4.5
    burst: int = 20
    page_size: int = 500
    token_margin: float = 60.0
    connect_timeout: float = 5.0
    search_days: int = 42
    search_users: int = 500
    concurrency: int = 4
    metric: str = "QA score"
    retry: RetryBudget = BUDGETS[CallBudget.INTERACTIVE]

    @property
    def hosts(self) -> Hosts:
        """The API and login hosts (the base URL wins over the region)."""
        return hosts_for(self.region, self.base_url)

    @classmethod
    def from_options(
        cls, options: Mapping[str, str], budget: CallBudget = CallBudget.INTERACTIVE
    ) -> GenesysConfig:
        """Parse the string options; ``InvalidInputError`` names a bad or unknown option."""
        unknown = sorted(set(options) - _KNOWN)
        if unknown:
            raise InvalidInputError(
                f"unknown genesys option(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(_KNOWN))}"
            )
        base = BUDGETS[budget]
        retry = RetryBudget(
            max_attempts=_int(options, "max_attempts", base.max_attempts, 1, 100),
            total_seconds=_float(options, "retry_budget", base.total_seconds),
            retry_after_cap=_float(options, "retry_after_cap", base.retry_after_cap),
            backoff_base=base.backoff_base,
            backoff_cap=base.backoff_cap,
            read_timeout=_float(options, "timeout", base.read_timeout, positive=True),
        )
        region = options.get("region", DEFAULT_REGION)
        domain_of(region)  # refuse an unknown region even when a base URL overrides it
        config = cls(
            region=region,
            base_url=options.get("base_url") or None,
            rate=_float(options, "rate", cls.rate, positive=True),
            burst=_int(options, "burst", cls.burst, 1, 10_000),
            page_size=_int(options, "page_size", cls.page_size, 1, 500),
            token_margin=_float(options, "token_margin", cls.token_margin),
            connect_timeout=_float(options, "connect_timeout", cls.connect_timeout, positive=True),
            search_days=_int(options, "search_days", cls.search_days, 1, 42),
            search_users=_int(options, "search_users", cls.search_users, 1, 500),
            concurrency=_int(options, "concurrency", cls.concurrency, 1, 32),
            metric=options.get("metric", cls.metric).strip() or cls.metric,
            retry=retry,
        )
        config.hosts  # noqa: B018  (checks the base URL now, not at the first request)
        return config


_KNOWN = {
    "region",
    "base_url",
    "rate",
    "burst",
    "page_size",
    "token_margin",
    "timeout",
    "connect_timeout",
    "max_attempts",
    "retry_budget",
    "retry_after_cap",
    "search_days",
    "search_users",
    "concurrency",
    "metric",
}


def _float(
    options: Mapping[str, str], name: str, default: float, *, positive: bool = False
) -> float:
    raw = options.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInputError(f"genesys option {name}={raw!r} must be a number") from None
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise InvalidInputError(f"genesys option {name}={raw!r} must be a positive number")
    return value


def _int(options: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = options.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInputError(f"genesys option {name}={raw!r} must be an integer") from None
    if not low <= value <= high:
        raise InvalidInputError(f"genesys option {name}={raw!r} must be {low}-{high}")
    return value
