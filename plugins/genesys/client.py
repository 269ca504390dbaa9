"""GenesysClient: one call to Genesys Cloud = rate limit + OAuth bearer + attempts under the
retry table (plugins/vendor_http/retry.py, the product's one retry policy).

The access token comes from ``TokenSource`` (token.py): fetched with client credentials,
cached until shortly before it expires. A 401 refreshes the token once and repeats the call;
a second 401 is the one ``AuthError``. HTTPS only (plain http for loopback alone), redirects
never followed. The client secret and tokens never appear in logs, reprs or error messages.

``pages`` walks an entity listing to its last page; ``search_schedules`` follows the
asynchronous schedule search to its result (inline or via its ``downloadUrl``, fetched
without the bearer token: download links are pre-signed).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

import httpx
from pydantic import SecretStr

from wfm_bridge.plugins.genesys.config import GenesysConfig
from wfm_bridge.plugins.genesys.regions import check_url
from wfm_bridge.plugins.genesys.token import PROVIDER, TokenSource, auth_error
from wfm_bridge.plugins.genesys.wire import (
    AgentSchedules,
    Page,
    ScheduleSearch,
    SearchAnswer,
    parse,
)
from wfm_bridge.plugins.local.ratelimit import AdaptiveLimiter
from wfm_bridge.plugins.vendor_http.attempts import AGAIN, Attempts, detail, status
from wfm_bridge.plugins.vendor_http.retry import Backoff, Failure
from wfm_bridge.plugins.vendor_http.tls import tls_context
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import (
    AuthError,
    InvalidInputError,
    NotFoundError,
    ProviderResponseError,
    UnavailableError,
    WfmError,
)
from wfm_bridge.ports.ratelimit import RateLimit, RateLimiter
from wfm_bridge.ports.vault import key_fingerprint

log = logging.getLogger("wfm.genesys")

W = TypeVar("W")
Params = Mapping[str, str | int] | None
MAX_PAGES = 10_000


class GenesysClient:
    """Sends requests to one Genesys Cloud organisation for one OAuth client."""

    def __init__(
        self,
        config: GenesysConfig,
        client_id: str,
        client_secret: SecretStr,
        clock: Clock,
        *,
        transport: httpx.BaseTransport | None = None,
        limiter: RateLimiter | None = None,
        rng: random.Random | None = None,
    ) -> None:
        hosts = config.hosts
        self.config = config
        backoff = Backoff(config.retry, rng or random.Random())
        self._attempts = Attempts("Genesys Cloud", "this OAuth client", clock, backoff, log)
        self._http = httpx.Client(
            verify=tls_context(),
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(config.retry.read_timeout, connect=config.connect_timeout),
            headers={"Accept": "application/json", "User-Agent": "wfm-bridge"},
        )
        self.api = hosts.api
        self.tokens = TokenSource(
            self, hosts.login, client_id, client_secret, clock, margin=config.token_margin
        )
        self.limiter = limiter or AdaptiveLimiter(RateLimit(config.rate, config.burst), clock)
        self._fingerprint = key_fingerprint(client_secret)

    def __repr__(self) -> str:
        return f"GenesysClient(api={str(self.api)!r}, secret={self._fingerprint})"

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> GenesysClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- typed helpers -----------------------------------------------------------------

    def get(self, model: type[W], path: str, params: Params = None) -> W:
        """GET a JSON resource (idempotent, retried) and validate it as ``model``."""
        response = self.request("GET", path, params=params, idempotent=True)
        return parse(model, response.content, f"GET {path}")

    def send(self, model: type[W], method: str, path: str, body: Any, *, idempotent: bool) -> W:
        """POST/PUT/DELETE ``body`` and validate the answer as ``model``."""
        response = self.request(method, path, json=body, idempotent=idempotent)
        return parse(model, response.content, f"{method} {path}")

    def pages(self, item: type[W], path: str, params: Params = None) -> Iterator[list[W]]:
        """Every page of an entity listing, in order (``pageNumber`` 1 to ``pageCount``)."""
        number = 1
        while True:
            query = {**(params or {}), "pageNumber": number}
            page: Page[W] = self.get(Page[item], path, query)  # type: ignore[valid-type]
            yield list(page.entities)
            more = (
                page.next_uri is not None if page.page_count is None else (number < page.page_count)
            )
            if not more or not page.entities:
                return
            number += 1
            if number > MAX_PAGES:
                raise ProviderResponseError(
                    f"Genesys Cloud kept answering GET {path} with more pages after "
                    f"{MAX_PAGES}; report it"
                )

    def search_schedules(self, business_unit_id: str, search: ScheduleSearch) -> AgentSchedules:
        """The published schedules a search asks for, followed to the result: inline, or
        downloaded from its ``downloadUrl``."""
        path = f"/api/v2/workforcemanagement/businessunits/{business_unit_id}/agentschedules/search"
        answer: SearchAnswer = self.send(SearchAnswer, "POST", path, search.body(), idempotent=True)
        if answer.status == "Complete" and answer.result is not None:
            return answer.result
        if answer.status == "Complete" and answer.download_url:
            return self.download(AgentSchedules, answer.download_url, f"POST {path}")
        if answer.status == "Processing":
            raise UnavailableError(
                f"Genesys Cloud answered POST {path} asynchronously (operation "
                f"{answer.operation_id}); its result is only announced on the notification "
                "channel, which this client does not listen to yet: try a shorter window or "
                "fewer agents"
            )
        raise ProviderResponseError(
            f"Genesys Cloud ended the schedule search with status {answer.status}; try again, "
            "and report it if it persists"
        )

    def download(self, model: type[W], url: str, endpoint: str) -> W:
        """GET a download link (https, or loopback http) without the bearer token."""
        target = check_url(url, "download URL")
        response = self.request("GET", str(target), idempotent=True, bearer=False)
        return parse(model, response.content, f"the download of {endpoint}")

    # --- the attempt loop --------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        idempotent: bool,
        bearer: bool = True,
        headers: Mapping[str, str] | None = None,
        base: httpx.URL | None = None,
    ) -> httpx.Response:
        """Send one logical call: attempts under ``POLICY``; returns the 2xx response.

        ``bearer`` API calls go through the rate limiter and carry the access token (a 401
        refreshes it once); the token request itself passes ``headers`` (Basic) instead.
        """
        url = (base or self.api).join(path) if not path.startswith("http") else httpx.URL(path)
        endpoint = f"{method} {url.path}"
        token: SecretStr | None = None
        refreshed = False

        def send() -> httpx.Response:
            nonlocal token
            send_headers = dict(headers or {})
            if bearer:
                token = self.tokens.bearer()
                send_headers["Authorization"] = f"Bearer {token.get_secret_value()}"
            return self._http.request(
                method, url, params=params, json=json, data=data, headers=send_headers
            )

        def check(response: httpx.Response) -> str | None:
            nonlocal refreshed
            if not bearer or response.status_code not in (401, 403):
                return None
            if response.status_code == 403:
                raise AuthError(
                    f"the Genesys Cloud OAuth client may not {endpoint} (403: "
                    f"{self._detail(response) or 'no detail'}); grant its role the "
                    "permission in Genesys Cloud Admin > Roles"
                )
            if refreshed or token is None:
                raise auth_error()
            refreshed = True
            self.tokens.invalidate(token)
            log.info("%s answered 401: refreshing the access token once", endpoint)
            return AGAIN

        def final_error(failure: Failure, response: httpx.Response | None) -> WfmError:
            return self._final_error(failure, endpoint, response)

        return self._attempts.run(
            endpoint, send, idempotent=idempotent, budget=self.config.retry,
            limiter=self.limiter if bearer else None, final_error=final_error, check=check,
        )

    # --- internals -----------------------------------------------------------------------

    def _detail(self, response: httpx.Response | None) -> str:
        return detail(response, self.tokens.redact)

    def _final_error(
        self, failure: Failure, endpoint: str, response: httpx.Response | None
    ) -> WfmError:
        detail = self._detail(response) or "no detail"
        if failure is Failure.AUTH:
            return auth_error()
        if failure is Failure.BAD_REQUEST:
            return InvalidInputError(
                f"Genesys Cloud refused {endpoint} (400: {detail}); check the ids and values sent"
            )
        if failure is Failure.NOT_FOUND:
            return NotFoundError(
                f"Genesys Cloud has no {endpoint} (404: {detail}); check the ids, the region "
                "and the base URL"
            )
        if failure is Failure.REDIRECT:
            where = response.headers.get("Location", "?") if response is not None else "?"
            return ProviderResponseError(
                f"Genesys Cloud redirected {endpoint} to {where}; redirects are not followed, "
                "check the region and the base URL"
            )
        return ProviderResponseError(
            f"Genesys Cloud refused {endpoint} with HTTP {status(response)} ({detail}); "
            f"report it if it persists ({PROVIDER} plugin)"
        )

