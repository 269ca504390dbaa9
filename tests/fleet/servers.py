"""The real servers the fleet tests run against, when configured, and their isolation.

``WFM_TEST_POSTGRES_DSN`` / ``WFM_TEST_REDIS_URL`` name them (.ci/run sets both for the
machine's own services); without them every server test skips with a one-line reason.
Each store opened for a directory gets its own PostgreSQL schema / Redis key prefix, derived
from the directory, so reopening the same directory (also from a forked child) sees the same
data, and no two tests share any. Whatever a process created is dropped when its directory
is gone (checked at each open) and, at the latest, when the process exits.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

POSTGRES_DSN = os.environ.get("WFM_TEST_POSTGRES_DSN", "")
REDIS_URL = os.environ.get("WFM_TEST_REDIS_URL", "")
NO_POSTGRES = "WFM_TEST_POSTGRES_DSN is not set: PostgreSQL tests need a server (.ci/run sets it)"
NO_REDIS = "WFM_TEST_REDIS_URL is not set: Redis tests need a server (.ci/run sets it)"

needs_postgres = pytest.mark.skipif(not POSTGRES_DSN, reason=NO_POSTGRES)
needs_redis = pytest.mark.skipif(not REDIS_URL, reason=NO_REDIS)

_made: dict[str, Path] = {}  # schema or prefix -> the directory it belongs to
_lock = threading.Lock()
_owner = os.getpid()


def postgres_missing() -> str | None:
    """Why the PostgreSQL tests skip, or None when a server is configured."""
    return None if POSTGRES_DSN else NO_POSTGRES


def redis_missing() -> str | None:
    """Why the Redis tests skip, or None when a server is configured."""
    return None if REDIS_URL else NO_REDIS


def postgres_dsn() -> str:
    """The test server's DSN, or skip the calling test."""
    if not POSTGRES_DSN:
        pytest.skip(NO_POSTGRES)
    return POSTGRES_DSN


def redis_url() -> str:
    """The test server's URL, or skip the calling test."""
    if not REDIS_URL:
        pytest.skip(NO_REDIS)
    return REDIS_URL


def _tag(directory: Path) -> str:
    return hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:16]


def schema_for(directory: Path) -> str:
    """The PostgreSQL schema of ``directory`` (remembered, dropped later)."""
    return _remember(f"wfm_t_{_tag(directory)}", directory)


def prefix_for(directory: Path) -> str:
    """The Redis key prefix of ``directory`` (remembered, deleted later)."""
    return _remember(f"wfmtest:{_tag(directory)}:", directory)


def _remember(name: str, directory: Path) -> str:
    _sweep(lambda n, d: not d.exists())
    with _lock:
        _made[name] = directory
    return name


def _sweep(gone: Callable[[str, Path], bool]) -> None:
    """Drop every remembered schema / prefix for which ``gone(name, directory)``."""
    if os.getpid() != _owner:  # a forked child never cleans its parent's data
        return
    with _lock:
        doomed = [n for n, d in _made.items() if gone(n, d)]
        for name in doomed:
            del _made[name]
    for name in doomed:
        if name.startswith("wfm_t_"):
            _drop_schema(name)
        else:
            _drop_prefix(name)


def _drop_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _drop_prefix(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=prefix + "*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@atexit.register
def _drop_everything() -> None:
    _sweep(lambda n, d: True)
