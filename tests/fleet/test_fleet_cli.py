"""The fleet end to end, against the machine's PostgreSQL and Redis (skipped without them):
the demo flow on `WFM_STATE=postgres WFM_CACHE=redis`, two "app servers" sharing one
ledger, and two `wfm export worker --once` processes sharing 20 tenants."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from wfm_bridge.host.cli import schemas

from . import servers
from .world import FleetWorld

pytestmark = [servers.needs_postgres, servers.needs_redis]
SENT = re.compile(r"export (t\d+): sent (\d+) in")


def _fleet_env(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    monkeypatch.setenv("WFM_HOME", str(home))
    monkeypatch.setenv("WFM_STATE", "postgres")
    monkeypatch.setenv("WFM_CACHE", "redis")
    monkeypatch.setenv("WFM_POSTGRES_DSN", servers.POSTGRES_DSN)
    monkeypatch.setenv("WFM_POSTGRES_SCHEMA", servers.schema_for(home))
    monkeypatch.setenv("WFM_REDIS_URL", servers.REDIS_URL)
    monkeypatch.setenv("WFM_REDIS_PREFIX", servers.prefix_for(home))
    for var in ("WFM_DEMO_ANCHOR", "WFM_TENANT", "WFM_PROVIDER", "WFM_TIMEZONE"):
        monkeypatch.delenv(var, raising=False)


def test_the_demo_flow_runs_on_postgres_and_redis(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from e2e.cli_run import Cli

    _fleet_env(monkeypatch, tmp_path)
    wfm = Cli(capsys)
    result = wfm("demo")
    assert result.code == 0, result.err
    for step in ("$ wfm mapping show", "$ wfm schedule", "$ wfm meetings book",
                 "$ wfm meetings cancel", "$ wfm export run"):
        assert step in result.out
    assert "booked mtg-" in result.out and "cancelled mtg-" in result.out
    # the tour's one refusal is its booking at night, shown on purpose
    assert [line for line in result.err.splitlines() if line.startswith("error:")] == [
        line for line in result.err.splitlines() if line.startswith("error:") and "off duty" in line
    ] != []
    assert [m["status"] for m in wfm("meetings", "list", "--json").json()["items"]] == ["cancelled"]
    with psycopg.connect(servers.POSTGRES_DSN) as conn:  # the truth is in the server
        schema = servers.schema_for(tmp_path)
        rows = conn.execute(
            f'SELECT convert_from(namespace, \'UTF8\') FROM "{schema}".wfm_state'
        ).fetchall()
    namespaces = {r[0] for r in rows}
    assert {"default:meetings", "default:export"} <= namespaces
    import redis

    client = redis.Redis.from_url(servers.REDIS_URL)
    assert list(client.scan_iter(match=servers.prefix_for(tmp_path) + "c:*", count=1000))
    client.close()


def test_two_app_servers_share_one_ledger(tmp_path: Path) -> None:
    """One data directory books, another one (its own vault, cache, files) sees and cancels."""
    schema = servers.schema_for(tmp_path)
    world = FleetWorld(
        tmp_path / "a", 1, postgres_dsn=servers.POSTGRES_DSN, schema=schema,
        redis_url=servers.REDIS_URL, redis_prefix=servers.prefix_for(tmp_path),
    )
    try:
        other = FleetWorld.__new__(FleetWorld)  # the second app server: same servers, own home
        other.__dict__.update(world.__dict__)
        other.home = tmp_path / "b" / "home"
        other.home.mkdir(parents=True)
        other._vault_keys()
        today = datetime.now(UTC).date()
        day = today + timedelta(days=(2 - today.weekday()) % 7 or 7)  # Ana's shift: Wednesdays
        booked = world.wfm(
            "--tenant", "t0000", "meetings", "book", "ana.lee@example.com",
            "--start", f"{day}T15:00:00+00:00", "--minutes", "30", "--json",
        )  # fmt: skip
        assert booked.returncode == 0, booked.stderr
        meeting = json.loads(booked.stdout)
        listed = other.wfm("--tenant", "t0000", "meetings", "list", "--json")
        assert [m["id"] for m in json.loads(listed.stdout)["items"]] == [meeting["id"]]
        cancelled = other.wfm("--tenant", "t0000", "meetings", "cancel", meeting["id"], "--json")
        assert cancelled.returncode == 0, cancelled.stderr
        assert json.loads(cancelled.stdout)["status"] == "cancelled"
        seen = world.wfm("--tenant", "t0000", "meetings", "list", "--json")
        assert [m["status"] for m in json.loads(seen.stdout)["items"]] == ["cancelled"]
        with world.emulator.state.lock:
            deleted = [a["id"] for a, _why in world.emulator.state.ledger.deleted]
        assert deleted == [meeting["provider_activity_id"]]  # exactly the one, by id
    finally:
        world.close()


def test_two_workers_started_together_export_each_of_20_tenants_once(tmp_path: Path) -> None:
    world = FleetWorld(
        tmp_path, 20, postgres_dsn=servers.POSTGRES_DSN, schema=servers.schema_for(tmp_path),
        redis_url=servers.REDIS_URL, redis_prefix=servers.prefix_for(tmp_path), latency=0.02,
    )
    try:
        world.record_scores(12)
        workers = [world.start_worker(name, "--once", "--batch-size", "5") for name in ("w1", "w2")]
        codes = [w.wait(timeout=240) for w in workers]
        assert codes == [0, 0], [w.err for w in workers]

        runs = Counter(t for w in workers for t, _ in SENT.findall(w.err))
        assert runs == dict.fromkeys(world.tenants, 1)  # each exported once, none skipped
        by_worker = Counter(w.name for w in workers for _ in SENT.findall(w.err))
        assert set(by_worker) == {"w1", "w2"}  # both took part
        check = world.check()
        assert (check.lost, check.doubled, check.tenants_untouched) == ([], [], [])
        assert check.throttled == 0

        status = world.wfm("export", "status", "--all", "--json")
        assert status.returncode == 0, status.stderr
        rows = json.loads(status.stdout)["items"]
        schemas.validate("export status --all", json.loads(status.stdout))
        assert [r["tenant"] for r in rows] == world.tenants
        assert {r["worker"] for r in rows} == {"w1", "w2"}
        assert all(r["last_run"]["outcome"] == "ok" and r["running_on"] is None for r in rows)
        table = world.wfm("export", "status", "--all")
        assert "t0019" in table.stdout and "next due" in table.stdout
    finally:
        world.close()
