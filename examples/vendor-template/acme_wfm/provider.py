"""AcmeProvider: wfm-bridge's ScheduleSource and ScoreSink over Acme's REST API (httpx).

Acme pages people (``?page=``) and activities (``next_page``) and returns activities
unclipped; this adapter clips them to the window and yields one batch per page. Acme errors
become wfm-bridge's typed errors; the client secret travels only in the Basic auth header.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import SecretStr

from wfm_bridge.ports.errors import (
    AuthError,
    InvalidInputError,
    ProviderResponseError,
    UnavailableError,
)
from wfm_bridge.ports.models import Activity, ActivityBatch, ActivityType, ProviderPerson, ScorePush
from wfm_bridge.ports.score_sink import Cadence


class AcmeProvider:
    """One tenant's Acme account."""

    name = "acme"
    batch_limit = 100  # Acme takes at most 100 scores per request
    cadence: Cadence = "daily"

    def __init__(self, base_url: str, credentials: Mapping[str, SecretStr]) -> None:
        client_id, secret = credentials.get("client_id"), credentials.get("client_secret")
        if client_id is None or secret is None:
            raise AuthError(
                "acme needs a client id and a client secret; run `wfm auth set-key --provider acme`"
            )
        auth = httpx.BasicAuth(client_id.get_secret_value(), secret.get_secret_value())
        self._http = httpx.Client(base_url=base_url, auth=auth, timeout=10.0)

    def __repr__(self) -> str:
        return f"AcmeProvider({self._http.base_url})"

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise UnavailableError(
                f"acme is unreachable ({type(exc).__name__}); try again later"
            ) from None
        if response.status_code in (401, 403):
            raise AuthError.invalid_key(self.name)
        if response.status_code >= 500:
            raise UnavailableError(f"acme answered {response.status_code}; try again later")
        if response.status_code >= 400:
            raise ProviderResponseError(
                f"acme refused {method} {path} ({response.status_code}); check the request"
            )
        return response.json()

    # --- ScheduleSource -------------------------------------------------------------------

    def check_credentials(self) -> None:
        """Raise AuthError unless Acme accepts the credentials."""
        self._call("GET", "/whoami")

    def list_people(self) -> list[ProviderPerson]:
        """Every person, from every page."""
        people: list[ProviderPerson] = []
        page: int | None = 1
        while page is not None:
            body = self._call("GET", "/people", params={"page": page})
            people += [ProviderPerson.model_validate(p) for p in body["people"]]
            page = body["next_page"]
        return people

    def list_activity_types(self) -> list[ActivityType]:
        """Every activity type with its colours."""
        return [ActivityType.model_validate(t) for t in self._call("GET", "/activity-types")]

    def activities(
        self, agent_ids: Sequence[str], start: datetime, end: datetime
    ) -> Iterator[ActivityBatch]:
        """Activities overlapping [start, end), clipped to it: one batch per page."""
        if start.utcoffset() is None or end.utcoffset() is None:
            raise InvalidInputError("the activities window needs timezone-aware datetimes")
        if end <= start:
            raise InvalidInputError("the activities window must end after it starts")
        return self._pages(list(agent_ids), start.astimezone(UTC), end.astimezone(UTC))

    def _pages(self, agents: list[str], start: datetime, end: datetime) -> Iterator[ActivityBatch]:
        if not agents:
            return
        page: int | None = 1
        while page is not None:
            params = {"agent": agents, "start": start.isoformat(), "end": end.isoformat()}
            body = self._call("GET", "/activities", params={**params, "page": page})
            found = [Activity.model_validate(a) for a in body["activities"]]
            yield ActivityBatch(
                activities=[
                    a.model_copy(update={"start": max(a.start, start), "end": min(a.end, end)})
                    for a in found
                ]
            )
            page = body["next_page"]

    # --- ScoreSink ------------------------------------------------------------------------

    def push(self, batch: Sequence[ScorePush]) -> None:
        """Upsert at most ``batch_limit`` scores (Acme keys them by evaluation id)."""
        if len(batch) > self.batch_limit:
            raise InvalidInputError(
                f"{len(batch)} scores in one batch; acme takes at most {self.batch_limit}"
            )
        if batch:
            self._call("POST", "/scores", json=[s.model_dump(mode="json") for s in batch])
