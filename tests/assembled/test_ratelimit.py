"""The client-side token bucket: burst then steady rate, fair across threads, shared per key."""

from __future__ import annotations

import threading
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from wfm_bridge.plugins.assembled.ratelimit import _BUCKETS, TokenBucket, shared_bucket
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.vault import key_fingerprint

from .support import KEY, T0


def test_a_burst_goes_at_once_then_one_request_per_interval() -> None:
    clock = InMemoryClock(T0)
    bucket = TokenBucket(rate=5, burst=20, clock=clock)

    waits = [bucket.reserve() for _ in range(22)]

    # one token is held back as headroom for network jitter: 19 go at once
    assert waits[:19] == [0.0] * 19
    assert [round(w, 9) for w in waits[19:]] == [0.2, 0.4, 0.6]


def test_acquire_sleeps_on_the_clock_and_tokens_come_back_with_time() -> None:
    clock = InMemoryClock(T0)
    bucket = TokenBucket(rate=2, burst=3, clock=clock)
    for _ in range(3):
        bucket.acquire()
    assert clock.slept == [0.5]  # burst of 2 (one held back), the third waits half a second

    clock.advance(timedelta(seconds=10))
    bucket.acquire()
    bucket.acquire()
    assert clock.slept == [0.5]  # refilled (up to the burst) while idle


@given(
    rate=st.floats(min_value=0.5, max_value=50),
    burst=st.integers(min_value=1, max_value=30),
    gaps=st.lists(st.floats(min_value=0, max_value=2), min_size=1, max_size=60),
)
def test_no_window_ever_exceeds_burst_plus_rate_times_its_length(
    rate: float, burst: int, gaps: list[float]
) -> None:
    clock = InMemoryClock(T0)
    bucket = TokenBucket(rate=rate, burst=burst, clock=clock)
    sent = []
    for gap in gaps:
        clock.advance(timedelta(seconds=gap))
        bucket.acquire()
        sent.append(clock.now().timestamp())
    for i in range(len(sent)):
        for j in range(i, len(sent)):
            # the server's bucket (same rate, full burst) accepts them all
            assert j - i + 1 <= burst + rate * (sent[j] - sent[i]) + 1e-4  # µs clock steps


def test_concurrent_threads_each_get_their_own_slot() -> None:
    clock = InMemoryClock(T0)
    bucket = TokenBucket(rate=10, burst=1, clock=clock)
    waits: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        wait = bucket.reserve()
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=take) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(round(w, 6) for w in waits) == [round(i / 10, 6) for i in range(50)]


def test_providers_with_the_same_key_and_clock_share_one_bucket() -> None:
    clock = InMemoryClock(T0)
    a = shared_bucket(SecretStr(KEY), 5, 20, clock)
    assert shared_bucket(SecretStr(KEY), 5, 20, clock) is a  # a new SecretStr, the same key
    assert shared_bucket(SecretStr("sk_live_other"), 5, 20, clock) is not a
    assert shared_bucket(SecretStr(KEY), 5, 20, InMemoryClock(T0)) is not a


def test_buckets_are_named_by_the_vaults_fingerprint_never_by_the_key() -> None:
    clock = InMemoryClock(T0)
    shared_bucket(SecretStr(KEY), 5, 20, clock)

    (name,) = [k.fingerprint for k in _BUCKETS[clock]]
    assert name == key_fingerprint(SecretStr(KEY))  # the one fingerprint of the project
    assert KEY not in repr(_BUCKETS[clock])
