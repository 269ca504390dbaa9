"""A tiny fake Acme server (stdlib only) for the conformance kit and local tries.

``FakeAcme`` holds the server's state (people, activity types, activities, scores as JSON
rows; the accepted client id and secret; an ``outage`` switch); ``FakeAcmeServer`` serves it
on a free loopback port while its ``with`` block runs.
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PEOPLE_PAGE = 10
ACTIVITY_PAGE = 50


@dataclass
class FakeAcme:
    """The fake's state; tests read and write it directly (under ``lock``)."""

    client_id: str
    client_secret: str
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    activity_types: dict[str, dict[str, Any]] = field(default_factory=dict)
    activities: dict[str, dict[str, Any]] = field(default_factory=dict)
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)
    outage: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock)

    def clear(self) -> None:
        """No data, no outage."""
        with self.lock:
            for table in (self.people, self.activity_types, self.activities, self.scores):
                table.clear()
            self.outage = False

    def answer(self, method: str, url: str, auth: str, body: bytes) -> tuple[int, Any]:
        """The status and JSON body for one request."""
        with self.lock:
            if self.outage:
                return 503, {"error": "down for maintenance"}
            expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode())
            if auth != f"Basic {expected.decode()}":
                return 401, {"error": "bad client credentials"}
            parts = urlsplit(url)
            query = parse_qs(parts.query)
            route = (method, parts.path)
            if route == ("GET", "/whoami"):
                return 200, {"client_id": self.client_id}
            if route == ("GET", "/people"):
                rows = sorted(self.people.values(), key=lambda p: p["person_id"])
                return 200, _page(rows, query, PEOPLE_PAGE, "people")
            if route == ("GET", "/activity-types"):
                return 200, list(self.activity_types.values())
            if route == ("GET", "/activities"):
                return 200, self._activities(query)
            if route == ("POST", "/scores"):
                for row in json.loads(body):
                    self.scores[row["evaluation_id"]] = row
                return 200, {"accepted": len(self.scores)}
            return 404, {"error": f"no route {method} {parts.path}"}

    def _activities(self, query: dict[str, list[str]]) -> dict[str, Any]:
        agents = set(query.get("agent", []))
        start = datetime.fromisoformat(query["start"][0])
        end = datetime.fromisoformat(query["end"][0])
        rows = sorted(
            (
                a
                for a in self.activities.values()
                if a["agent_id"] in agents
                and datetime.fromisoformat(a["start"]) < end
                and datetime.fromisoformat(a["end"]) > start
            ),
            key=lambda a: a["id"],
        )
        return _page(rows, query, ACTIVITY_PAGE, "activities")


def _page(
    rows: list[dict[str, Any]], query: dict[str, list[str]], size: int, name: str
) -> dict[str, Any]:
    page = int(query.get("page", ["1"])[0])
    chunk = rows[(page - 1) * size : page * size]
    more = page * size < len(rows)
    return {name: chunk, "next_page": page + 1 if more else None}


class FakeAcmeServer:
    """Serves a ``FakeAcme`` on 127.0.0.1 (a free port) inside a ``with`` block."""

    def __init__(self, acme: FakeAcme) -> None:
        self.acme = acme
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(acme))
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeAcmeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


def _handler(acme: FakeAcme) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, payload = acme.answer(
                self.command, self.path, self.headers.get("Authorization", ""), body
            )
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read no log
            pass

    return Handler
