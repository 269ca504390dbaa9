"""The shared rate limiter on Redis (skipped without WFM_TEST_REDIS_URL), and what every
fleet adapter says when its server is missing or unreachable (no server needed)."""

from __future__ import annotations

import multiprocessing
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from e2e.cli_run import Cli

from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer
from wfm_bridge.plugins.local.clock import SystemClock
from wfm_bridge.plugins.local.ratelimit import DECREASE, RECOVERY, AdaptiveLimiter
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.redis.ratelimit import RedisRateLimiters
from wfm_bridge.ports.errors import UnavailableError
from wfm_bridge.ports.ratelimit import RateLimit

from . import servers

START = RateLimit(rate=5.0, burst=20)
T0 = datetime(2025, 3, 3, tzinfo=UTC)


def _limiters(tmp_path: Path, clock: object | None = None) -> RedisRateLimiters:
    return RedisRateLimiters.connect(
        servers.redis_url(), servers.prefix_for(tmp_path), clock or InMemoryClock(T0)  # type: ignore[arg-type]
    )


@servers.needs_redis
def test_acquire_paces_at_the_start_limit_holding_one_token_back(tmp_path: Path) -> None:
    clock = InMemoryClock(T0)
    limiter = _limiters(tmp_path, clock).limiter("sha256:abc", START)
    for _ in range(25):
        limiter.acquire()
    # 19 at once (one of the burst held back), then one every 1/rate; Redis time runs on
    # meanwhile, so a wait may be a little shorter than the ideal
    ideal = [0.2 * n for n in range(1, 7)]
    assert len(clock.slept) == 6
    assert all(i - 0.1 <= w <= i + 1e-6 for w, i in zip(clock.slept, ideal, strict=True))
    assert limiter.current() == START


@servers.needs_redis
def test_a_429_decreases_once_per_window_holds_for_retry_after_and_recovers_slowly(
    tmp_path: Path,
) -> None:
    clock = InMemoryClock(T0)
    limiters = _limiters(tmp_path, clock)
    limiter = limiters.limiter("sha256:abc", START)
    low = 5.0 * DECREASE
    for _ in range(3):  # three requests in flight all answered 429: one decrease
        limiter.throttled(retry_after=2.0)
    assert limiter.current() == RateLimit(rate=low, burst=round(20 * DECREASE))
    limiter.acquire()
    assert 1.9 <= clock.slept[-1] <= 2.0  # everyone waits out Retry-After
    limiter.acquire()
    assert clock.slept[-1] == pytest.approx(2.0 + 1 / low, abs=0.1)  # then paced, no burst
    for _ in range(10):
        limiter.succeeded()
    assert limiter.current().rate == pytest.approx(low + 10 * 5.0 * RECOVERY)
    other = _limiters(tmp_path).limiter("sha256:abc", START)  # another process sees it
    assert other.current().rate == pytest.approx(low + 10 * 5.0 * RECOVERY)
    for _ in range(500):
        limiter.succeeded()
    assert limiter.current() == START  # never above the start
    assert limiters.limiter("sha256:abc", START) is limiter
    fresh = limiters.limiter("sha256:abc", RateLimit(rate=10.0, burst=5))  # reconfigured
    fresh.throttled(retry_after=None)
    assert fresh.current() == RateLimit(rate=10.0 * DECREASE, burst=round(5 * DECREASE))


@servers.needs_redis
def test_it_learns_as_the_local_limiter_does_across_processes(tmp_path: Path) -> None:
    """Two processes (two clients) sent at the old rate: the second one's 429 lowers nothing
    again; a request sent after the decrease lowers it once more. The local adapter, given
    the same story in one process, learns the same limits."""
    clock = InMemoryClock(T0)
    here = _limiters(tmp_path, clock).limiter("sha256:w", START)
    there = _limiters(tmp_path, clock).limiter("sha256:w", START)
    local = AdaptiveLimiter(START, InMemoryClock(T0))
    for limiter in (here, there, local):
        limiter.acquire()
    here.throttled(None)
    there.throttled(None)  # in flight before the decrease
    local.throttled(None)
    local.throttled(None)
    assert here.current() == there.current() == local.current()
    there.acquire()
    local.acquire()
    there.throttled(None)
    local.throttled(None)
    assert here.current() == local.current() == RateLimit(5 * DECREASE**2, local.current().burst)


@servers.needs_redis
def test_the_bridge_builds_the_redis_limiter_when_configured(tmp_path: Path) -> None:
    from wfm_bridge.host.bridge import Bridge
    from wfm_bridge.host.settings import Settings
    from wfm_bridge.ports.ratelimit import RateLimiter, RateLimiters

    settings = Settings(
        data_dir=tmp_path, rate_limiter="redis", redis_url=servers.redis_url(),
        redis_prefix=servers.prefix_for(tmp_path),
    )
    with Bridge(settings) as bridge:
        built = bridge._shared.limiters()
        assert isinstance(built, RedisRateLimiters) and isinstance(built, RateLimiters)
        limiter = built.limiter("sha256:b", START)
        assert isinstance(limiter, RateLimiter) and limiter.current() == START


def _client(url: str, prefix: str, base: str, key: str, shared: bool, n: int, out: object) -> None:
    """One process sending ``n`` requests paced by the shared limiter (or its own bucket)."""
    clock = SystemClock()
    pace = (
        RedisRateLimiters.connect(url, prefix, clock).limiter("sha256:shared", RateLimit(20, 5))
        if shared
        else AdaptiveLimiter(RateLimit(20, 5), clock)
    )
    codes, sent = [], []
    with httpx.Client(base_url=base, auth=(key, "")) as client:
        for _ in range(n):
            pace.acquire()
            sent.append(time.time())
            codes.append(client.get("/v0/activity_types").status_code)
    out.put((codes, sent))  # type: ignore[attr-defined]


def _four_processes(tmp_path: Path, shared: bool) -> tuple[list[int], float]:
    """Four processes, 10 requests each, one key at 20/s burst 5: their codes and the span
    between the first and the last send. Spawned, not forked: a fork while the emulator's
    thread holds a lock would deadlock the child."""
    emulator = Emulator(EmulatorConfig(rate=20.0, burst=5))
    key = emulator.config.keys[0]
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    with EmulatorServer(emulator) as server:
        args = (servers.redis_url(), servers.prefix_for(tmp_path), server.base_url, key, shared)
        procs = [ctx.Process(target=_client, args=(*args, 10, queue)) for _ in range(4)]
        for p in procs:
            p.start()
        results = [queue.get(timeout=120) for _ in procs]
        for p in procs:
            p.join(timeout=30)
    sent = [t for _, times in results for t in times]
    return [c for codes, _ in results for c in codes], max(sent) - min(sent)


@servers.needs_redis
def test_four_processes_on_one_key_share_one_limit(tmp_path: Path) -> None:
    codes, seconds = _four_processes(tmp_path, shared=True)
    assert codes.count(429) == 0 and len(codes) == 40
    assert seconds >= (40 - 4) / 20 * 0.9  # paced together: 4 at once, then 20/s
    alone, _ = _four_processes(tmp_path / "control", shared=False)
    assert alone.count(429) > 0  # four local buckets overspend the one key: why it exists


def test_unreachable_servers_are_one_clear_error(tmp_path: Path) -> None:
    from wfm_bridge.plugins.postgres.state import PostgresStateStore

    clock = InMemoryClock(T0)
    limiter = RedisRateLimiters.connect("redis://127.0.0.1:1/0", "x:", clock).limiter("id", START)
    with pytest.raises(UnavailableError, match=r"Redis at 127.0.0.1:1/0 is unreachable"):
        limiter.acquire()
    assert sum(clock.slept) == pytest.approx(4.0)  # retried through the clock, then gave up
    with pytest.raises(UnavailableError, match=r"PostgreSQL at 127\.0\.0\.1:1/x .* is unreachable"):
        PostgresStateStore.connect("postgresql://u:secret@127.0.0.1:1/x", "public", clock)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"WFM_STATE": "postgres"}, "the postgres state store needs a server: set WFM_POSTGRES"),
        ({"WFM_CACHE": "redis"}, "the redis cache needs a server: set WFM_REDIS_URL"),
        (
            {"WFM_STATE": "postgres", "WFM_POSTGRES_DSN": "postgresql://u@h/d",
             "WFM_POSTGRES_SCHEMA": "Bad-Name"},
            "WFM_POSTGRES_SCHEMA 'Bad-Name' is not a schema name",
        ),
    ],
)
def test_a_fleet_adapter_without_its_server_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    message: str,
) -> None:
    monkeypatch.setenv("WFM_HOME", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    command = ("mapping", "show") if "WFM_CACHE" in env else ("meetings", "list")
    result = Cli(capsys)(*command)
    assert result.code == 2
    assert result.err.startswith("error: ") and message in result.err
    assert len(result.err.strip().splitlines()) == 1
