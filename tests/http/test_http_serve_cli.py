"""`wfm serve` as a command: a free port with a token, the OpenAPI document, a 14-day schedule
in the CLI's shape, another tenant refused; loopback by default, a TLS warning elsewhere;
`wfm serve token create|list|revoke`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from serve_world import new_token, serving, wfm

from wfm_bridge.host.cli.app import run
from wfm_bridge.host.http import server as server_module
from wfm_bridge.host.http.server import is_loopback

AGENT = "ana.lee@example.com"


def test_wfm_serve_answers_openapi_the_clis_schedule_and_refuses_another_tenant(
    tmp_path: Path,
) -> None:
    token, stranger = new_token(tmp_path, "default"), new_token(tmp_path, "globex")
    first = date.today().isoformat()
    expected = json.loads(wfm(tmp_path, "schedule", AGENT, "--start", first, "--days", "14",
                              "--json"))
    with serving(tmp_path) as url:
        document = httpx.get(f"{url}/openapi.json").json()
        schemathesis.openapi.from_dict(document).validate()
        route = f"{url}/api/v1/tenants/default/schedules"
        params: dict[str, str | int] = {"email": AGENT, "start": first, "days": 14}
        mine = httpx.get(route, params=params, headers={"Authorization": f"Bearer {token}"})
        assert mine.status_code == 200 and mine.json() == expected
        other = {"Authorization": f"Bearer {stranger}"}
        for path, operations in document["paths"].items():
            if "{tenant}" not in path:
                continue
            for method in operations:
                where = url + path.format(tenant="default", meeting_id="mtg-0")
                theirs = httpx.request(method, where, params=params, headers=other)
                assert theirs.status_code == 403, (method, path)
                assert theirs.json()["error"]["category"] == "forbidden"


class _FakeServer:
    """Stands in for HttpServer: records where it was asked to listen, serves nothing."""

    made: list[dict[str, Any]] = []

    def __init__(self, bridge: object, **where: Any) -> None:
        self.made.append(where)
        self.url = f"http://{where['host']}:{where['port']}"

    def serve_forever(self) -> None:
        return None


@pytest.mark.parametrize(
    ("args", "host", "warned"),
    [([], "127.0.0.1", False), (["--host", "::1"], "::1", False),
     (["--host", "0.0.0.0"], "0.0.0.0", True), (["--host", "10.1.2.3"], "10.1.2.3", True)],
)
def test_loopback_by_default_and_a_tls_warning_elsewhere(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    args: list[str], host: str, warned: bool,
) -> None:
    monkeypatch.setattr(server_module, "HttpServer", _FakeServer)
    _FakeServer.made.clear()
    assert run(["--home", str(tmp_path), "serve", *args, "--port", "9999"]) == 0
    out = capsys.readouterr()
    assert _FakeServer.made == [{"host": host, "port": 9999, "access_log": False}]
    assert ("TLS" in out.err) is warned and f"wfm serve on http://{host}:9999" in out.out


def test_is_loopback() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.9.9.9", "::1", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "192.168.1.2", "example.com", "::"]))


def test_a_port_in_use_is_a_clear_error(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        code = run(["--home", str(tmp_path), "serve", "--port", str(port)])
    assert code == 2 and "cannot listen on 127.0.0.1" in capsys.readouterr().err
    assert run(["--home", str(tmp_path), "serve", "--port", "70000"]) == 2


def test_token_create_list_revoke(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    home = ["--home", str(tmp_path)]
    assert run([*home, "serve", "token", "create", "--tenant", "acme", "--label", "ops"]) == 0
    created = capsys.readouterr()
    token = created.out.strip()
    assert token.startswith("wfmt_") and "shown only now" in created.err
    assert run([*home, "serve", "token", "list", "--json"]) == 0
    tokens = json.loads(capsys.readouterr().out)
    assert tokens["count"] == 1
    (listed,) = tokens["items"]
    assert listed["tenant"] == "acme" and listed["label"] == "ops"
    assert token.rsplit("_", 1)[1] not in json.dumps(listed)
    assert run([*home, "serve", "token", "revoke", listed["id"]]) == 0
    assert "revoked token" in capsys.readouterr().out
    assert run([*home, "serve", "token", "revoke", listed["id"]]) == 1
    assert "no live token" in capsys.readouterr().err
    assert run([*home, "serve", "token", "create", "--tenant", " "]) == 2


def test_behind_a_tls_proxy_on_loopback_the_cookies_are_secure(tmp_path: Path) -> None:
    from http_world import memory_settings

    from wfm_bridge import Bridge
    from wfm_bridge.host.http import HttpServer

    with Bridge(memory_settings(tmp_path)) as bridge, HttpServer(bridge) as server:
        proxied = httpx.get(f"{server.url}/login", headers={"X-Forwarded-Proto": "https"})
        direct = httpx.get(f"{server.url}/login")
    assert "secure" in proxied.headers["set-cookie"].lower()
    assert "secure" not in direct.headers["set-cookie"].lower()


def test_a_host_that_is_no_ip_address_is_refused(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--home", str(tmp_path), "serve", "--host", "example.com", "--port", "0"]) == 2
    assert "is not an IP address" in capsys.readouterr().err
