"""The local adaptive limiter: burst then steady rate, fair across threads, shared per
credential; 429s slow it down (once per window) and hold every sender; successes recover it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from wfm_bridge.plugins.local.ratelimit import DECREASE, AdaptiveLimiter, LocalRateLimiters
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.ratelimit import RateLimit, RateLimiter, RateLimiters
from wfm_bridge.ports.registry import AdapterContext, AdapterRegistry, PortKind

T0 = datetime(2024, 6, 10, 9, 0, tzinfo=UTC)


def limiter(rate: float, burst: int, clock: InMemoryClock) -> AdaptiveLimiter:
    return AdaptiveLimiter(RateLimit(rate, burst), clock)


def test_a_burst_goes_at_once_then_one_request_per_interval() -> None:
    bucket = limiter(5, 20, InMemoryClock(T0))

    waits = [bucket.reserve()[0] for _ in range(22)]

    # one token is held back as headroom for network jitter: 19 go at once
    assert waits[:19] == [0.0] * 19
    assert [round(w, 9) for w in waits[19:]] == [0.2, 0.4, 0.6]


def test_acquire_sleeps_on_the_clock_and_tokens_come_back_with_time() -> None:
    clock = InMemoryClock(T0)
    bucket = limiter(2, 3, clock)
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
    bucket = limiter(rate, burst, clock)
    sent = []
    for gap in gaps:
        clock.advance(timedelta(seconds=gap))
        bucket.acquire()
        bucket.succeeded()
        sent.append(clock.now().timestamp())
    for i in range(len(sent)):
        for j in range(i, len(sent)):
            # the server's bucket (same rate, full burst) accepts them all
            assert j - i + 1 <= burst + rate * (sent[j] - sent[i]) + 1e-4  # µs clock steps


def test_concurrent_threads_each_get_their_own_slot() -> None:
    bucket = limiter(10, 1, InMemoryClock(T0))
    waits: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        wait, _ = bucket.reserve()
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=take) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(round(w, 6) for w in waits) == [round(i / 10, 6) for i in range(50)]


def test_a_429_lowers_the_rate_and_holds_back_for_retry_after_then_paces_without_burst() -> None:
    clock = InMemoryClock(T0)
    bucket = limiter(5, 20, clock)
    bucket.acquire()

    bucket.throttled(2.0)

    assert bucket.current() == RateLimit(5 * DECREASE, round(20 * DECREASE))
    bucket.acquire()
    bucket.acquire()
    assert [round(s, 6) for s in clock.slept] == [2.0, round(1 / (5 * DECREASE), 6)]


def test_429s_for_requests_sent_before_the_decrease_do_not_lower_it_again() -> None:
    clock = InMemoryClock(T0)
    bucket = limiter(5, 20, clock)
    in_flight = [threading.Thread(target=bucket.acquire) for _ in range(4)]
    for t in in_flight:
        t.start()
    for t in in_flight:
        t.join()
    bucket.acquire()  # this thread, too, sent at the old rate

    bucket.throttled(None)
    bucket.throttled(None)  # ... and a second answer from the same window

    assert bucket.current().rate == 5 * DECREASE
    bucket.acquire()  # sent at the new rate: its 429 lowers it again
    bucket.throttled(None)
    assert round(bucket.current().rate, 9) == round(5 * DECREASE**2, 9)


def test_a_thread_waiting_for_its_slot_is_held_back_by_a_429_that_came_meanwhile() -> None:
    clock = InMemoryClock(T0)
    bucket = limiter(1, 1, clock)
    bucket.acquire()
    wait, window = bucket.reserve()  # the next slot, one second away
    bucket.throttled(30.0)  # meanwhile another sender heard 429 with Retry-After: 30

    assert window != bucket.reserve()[1]  # so acquire reserves again, behind the hold
    clock.sleep(wait)
    clock.slept.clear()
    bucket.acquire()
    assert clock.slept and sum(clock.slept) >= 29.0


def test_successes_recover_additively_and_never_above_the_start() -> None:
    clock = InMemoryClock(T0)
    bucket = limiter(4, 8, clock)
    bucket.acquire()
    bucket.throttled(None)
    low = bucket.current().rate

    bucket.succeeded()
    assert low < bucket.current().rate < 4

    for _ in range(1000):
        bucket.succeeded()
    assert bucket.current() == RateLimit(4, 8)


def test_the_same_credential_gets_the_same_limiter_with_what_it_learned() -> None:
    limiters = LocalRateLimiters(InMemoryClock(T0))
    a = limiters.limiter("fp-a", RateLimit(5, 20))
    a.acquire()
    a.throttled(None)

    again = limiters.limiter("fp-a", RateLimit(5, 20))
    assert again is a and again.current().rate < 5
    assert limiters.limiter("fp-b", RateLimit(5, 20)) is not a


def test_the_local_plugin_registers_it_and_it_satisfies_the_ports(tmp_path: Path) -> None:
    from wfm_bridge.plugins.local import plugin

    registry = AdapterRegistry()
    plugin.wfm_register_adapters(registry)
    clock = InMemoryClock(T0)
    built = registry.build(
        PortKind.RATE_LIMITER, "local", AdapterContext(data_dir=tmp_path, tenant="t", clock=clock)
    )

    assert isinstance(built, RateLimiters)
    assert isinstance(built.limiter("fp", RateLimit(1, 1)), RateLimiter)


class LimiterMachine(RuleBasedStateMachine):
    """Whatever the mix of sends, 429s and successes: the learned limit stays within
    (0, start], and nothing is sent during a hold."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = InMemoryClock(T0)
        self.start = RateLimit(5, 20)
        self.bucket = AdaptiveLimiter(self.start, self.clock)
        self.hold_until = T0

    @rule()
    def send(self) -> None:
        self.bucket.acquire()
        assert self.clock.now() >= self.hold_until

    @rule(retry_after=st.one_of(st.none(), st.floats(min_value=0, max_value=30)))
    def throttled(self, retry_after: float | None) -> None:
        self.bucket.throttled(retry_after)
        if retry_after is not None:
            until = self.clock.now() + timedelta(seconds=retry_after)
            self.hold_until = max(self.hold_until, until)

    @rule()
    def succeeded(self) -> None:
        self.bucket.succeeded()

    @rule(seconds=st.floats(min_value=0, max_value=5))
    def idle(self, seconds: float) -> None:
        self.clock.advance(timedelta(seconds=seconds))

    @invariant()
    def within_start(self) -> None:
        now = self.bucket.current()
        assert 0 < now.rate <= self.start.rate and 1 <= now.burst <= self.start.burst


TestLimiterMachine = LimiterMachine.TestCase
