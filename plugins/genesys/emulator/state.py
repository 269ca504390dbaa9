"""GenesysState: the emulated organisation's data, with one lock and one ledger.

``org`` (users, business and management units, activity codes), ``teams`` (teams and their
members), ``schedules`` (published shifts), ``coaching`` (appointments), ``metrics`` (external
metrics) and the results of schedule searches waiting to be downloaded. Thread-safe through
``lock``: the HTTP app and tests may touch it at the same time.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wfm_bridge.plugins.genesys.emulator.coaching import Coaching
from wfm_bridge.plugins.genesys.emulator.directory import Org
from wfm_bridge.plugins.genesys.emulator.ledger import Ledger, WireDict
from wfm_bridge.plugins.genesys.emulator.metrics import Metrics
from wfm_bridge.plugins.genesys.emulator.responses import Rejected, parse_instant
from wfm_bridge.plugins.genesys.emulator.schedules import Schedules, search_text
from wfm_bridge.plugins.genesys.emulator.teams import Teams

SEARCH_TOPIC = "v2.workforcemanagement.businessunits.{id}.agentschedules.search"


@dataclass(frozen=True)
class SearchLimits:
    """How a schedule search is answered: its bounds and when the answer leaves the body."""

    max_days: int = 42
    max_users: int = 500
    inline_shifts: int = 500  # more shifts than this: the answer is a downloadUrl
    always_async: bool = False  # every search answers Processing + operationId


class GenesysState:
    """One emulated Genesys Cloud organisation."""

    def __init__(self, *, wall_clock: Callable[[], float] = time.time) -> None:
        self.lock = threading.RLock()
        self.wall = wall_clock
        self.ledger = Ledger()
        self.org = Org()
        self.teams = Teams(self.org)
        self.schedules = Schedules()
        self.coaching = Coaching(self.org, self.schedules, lambda: self.ledger, wall_clock)
        self.metrics = Metrics(self.org, lambda: self.ledger, wall_clock)
        self.downloads: dict[str, tuple[float, bytes]] = {}  # token -> (expires, body)
        self.notifications: list[tuple[str, WireDict]] = []  # (topic, event body)

    def clear(self) -> None:
        """Forget everything, ledger included."""
        with self.lock:
            self.org.clear()
            self.teams.clear()
            self.schedules.clear()
            self.coaching.clear()
            self.metrics.clear()
            self.downloads.clear()
            self.notifications.clear()
            self.ledger = Ledger()

    # --- schedule search ---------------------------------------------------------------

    def search(
        self,
        bu_id: str,
        body: Any,
        *,
        limits: SearchLimits,
        base_url: str,
        force_async: bool = False,
        force_download: bool = False,
        download_ttl: float = 3600.0,
    ) -> bytes:
        """``POST .../businessunits/{id}/agentschedules/search`` (its JSON body): the answer
        inline, as a
        ``downloadUrl``, or ``Processing`` with an ``operationId`` whose result is published
        on the business unit's search topic (with its ``downloadUrl``)."""
        with self.lock:
            bu = self.org.business_unit(bu_id)
            if not isinstance(body, dict):
                raise Rejected(400, "The request body must be a JSON object")
            start = parse_instant(body.get("startDate"), "startDate")
            end = parse_instant(body.get("endDate"), "endDate")
            if end <= start:
                raise Rejected(400, "endDate must be after startDate")
            if end - start > limits.max_days * 86400:
                raise Rejected(400, f"The search range may span at most {limits.max_days} days")
            users = self._search_users(bu_id, body.get("userIds"), limits.max_users)
            zone = bu["settings"]["timeZone"]
            result, shifts = search_text(self.schedules, bu_id, zone, users, start, end)
            if force_async or limits.always_async:
                mode = "async"
            elif force_download or shifts > limits.inline_shifts:
                mode = "download"
            else:
                mode = "inline"
            self.ledger.searches.append({"businessUnitId": bu_id, "body": body, "mode": mode})
            if mode == "inline":
                return f'{{"status":"Complete","result":{result}}}'.encode()
            token = uuid.uuid4().hex
            self.downloads[token] = (self.wall() + download_ttl, result.encode())
            url = f"{base_url}/_downloads/{token}"
            if mode == "download":
                return _json({"status": "Complete", "downloadUrl": url})
            operation = str(uuid.uuid4())
            event = {"operationId": operation, "businessUnitId": bu_id, "downloadUrl": url}
            self.notifications.append((SEARCH_TOPIC.format(id=bu_id), event))
            return _json({"status": "Processing", "operationId": operation, "progress": 0})

    def download(self, token: str) -> bytes:
        """The body behind a ``downloadUrl``; 404 once unknown or expired."""
        with self.lock:
            entry = self.downloads.get(token)
            if entry is None or entry[0] <= self.wall():
                self.downloads.pop(token, None)
                raise Rejected(404, "The download does not exist or has expired")
            return entry[1]

    def _search_users(self, bu_id: str, raw: object, max_users: int) -> list[str]:
        agents = self.org.agents_of(bu_id)
        if raw is None:
            return agents
        if not isinstance(raw, list) or not all(isinstance(u, str) for u in raw):
            raise Rejected(400, "userIds must be a list of user ids")
        if len(raw) > max_users:
            raise Rejected(400, f"At most {max_users} userIds may be searched at once")
        members = set(agents)
        return [u for u in dict.fromkeys(raw) if u in members]


def _json(data: WireDict) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()
