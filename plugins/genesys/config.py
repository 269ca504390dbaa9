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

from collections.abc import Mapping
from dataclasses import dataclass

from wfm_bridge.plugins.genesys.regions import DEFAULT_REGION, Hosts, domain_of, hosts_for
from wfm_bridge.plugins.vendor_http.options import RETRY_OPTIONS, Options
from wfm_bridge.plugins.vendor_http.retry import BUDGETS, RetryBudget
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
        read = Options("genesys", options, _KNOWN)
        retry = read.retry(BUDGETS[budget], max_attempts=100)
        region = options.get("region", DEFAULT_REGION)
        domain_of(region)  # refuse an unknown region even when a base URL overrides it
        config = cls(
            region=region,
            base_url=options.get("base_url") or None,
            rate=read.number("rate", cls.rate, positive=True),
            burst=read.integer("burst", cls.burst, 1, 10_000),
            page_size=read.integer("page_size", cls.page_size, 1, 500),
            token_margin=read.number("token_margin", cls.token_margin),
            connect_timeout=read.number("connect_timeout", cls.connect_timeout, positive=True),
            search_days=read.integer("search_days", cls.search_days, 1, 42),
            search_users=read.integer("search_users", cls.search_users, 1, 500),
            concurrency=read.integer("concurrency", cls.concurrency, 1, 32),
            metric=options.get("metric", cls.metric).strip() or cls.metric,
            retry=retry,
        )
        config.hosts  # noqa: B018  (checks the base URL now, not at the first request)
        return config


_KNOWN = {
    *RETRY_OPTIONS,
    "region",
    "base_url",
    "rate",
    "burst",
    "page_size",
    "token_margin",
    "connect_timeout",
    "search_days",
    "search_users",
    "concurrency",
    "metric",
}

