"""RedisRateLimiters: one adaptive limiter per credential, shared by every process and machine.

Each credential's pace is one Redis hash, changed only by Lua scripts (atomic on the server;
no read-modify-write from Python), so a CLI run, a worker and a whole fleet spending one
Assembled key together stay under its limit. The arithmetic is a GCRA token bucket (as
plugins/assembled/ratelimit.py, one token of the burst held back against arrival jitter) on
the Redis server's clock, the one clock every machine shares; waiting is the caller's,
through the Clock port. The learned rate (AIMD): a 429 halves it (once per interval of the
current rate, so one burst of 429s from requests already in flight counts once) and holds
every sender until ``Retry-After`` has passed; each success adds 1% of the starting rate,
never above it. The burst scales with the rate. A start limit other than the stored one
(the configuration changed) starts afresh; a credential idle for a day is forgotten.
"""

from __future__ import annotations

import threading

from wfm_bridge.plugins.redis.server import RedisServer
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.ratelimit import RateLimit

IDLE_MS = 24 * 3600 * 1000  # a credential's learned pace is kept this long after last use
_STATE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local start_rate, start_burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local s = redis.call('HMGET', KEYS[1], 'start_rate', 'start_burst', 'rate', 'tat', 'hold', 'cut_at')
local st = {now = now, start_rate = start_rate, start_burst = start_burst}
if s[1] and tonumber(s[1]) == start_rate and tonumber(s[2]) == start_burst then
  st.rate, st.tat = tonumber(s[3]), tonumber(s[4])
  st.hold, st.cut_at = tonumber(s[5]), tonumber(s[6])
else
  st.rate, st.tat, st.hold, st.cut_at = start_rate, now, 0, 0
end
st.burst = math.max(1, math.floor(start_burst * st.rate / start_rate + 1e-9))
local function save()
  redis.call('HSET', KEYS[1], 'start_rate', st.start_rate, 'start_burst', st.start_burst,
    'rate', st.rate, 'tat', st.tat, 'hold', st.hold, 'cut_at', st.cut_at)
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
"""
_ACQUIRE = _STATE + """
local usable = st.burst
if usable > 1 then usable = usable - 1 end
local interval = 1 / st.rate
local tat = math.max(st.tat, now)
local wait = math.max(tat - (usable - 1) * interval - now, st.hold - now, 0)
st.tat = tat + interval
save()
return tostring(wait)
"""
_THROTTLED = _STATE + """
if now - st.cut_at >= 1 / st.rate then
  st.rate = math.max(start_rate / 100, st.rate / 2)
  st.cut_at = now
end
local retry_after = tonumber(ARGV[4])
if retry_after >= 0 then st.hold = math.max(st.hold, now + retry_after) end
st.burst = math.max(1, math.floor(start_burst * st.rate / start_rate + 1e-9))
local usable = st.burst
if usable > 1 then usable = usable - 1 end
local interval = 1 / st.rate
-- the server's bucket is empty: one request after the hold (or one interval), then paced
st.tat = math.max(st.tat, math.max(st.hold, now + interval) + (usable - 1) * interval)
save()
return tostring(st.rate)
"""
_SUCCEEDED = _STATE + """
if st.rate < start_rate then
  st.rate = math.min(start_rate, st.rate + start_rate / 100)
  save()
end
return tostring(st.rate)
"""
_CURRENT = _STATE + """
return {tostring(st.rate), st.burst}
"""


class RedisRateLimiter:
    """The shared pace of one credential (see the module docstring)."""

    def __init__(self, owner: RedisRateLimiters, key: str, start: RateLimit) -> None:
        self._owner = owner
        self._key = key
        self.start = start

    def _args(self, *extra: object) -> list[object]:
        return [repr(float(self.start.rate)), self.start.burst, IDLE_MS, *extra]

    def acquire(self) -> None:
        """Reserve the next slot in Redis, then wait for it through the Clock."""
        wait = float(self._owner.acquire_script([self._key], self._args()))
        if wait > 0:
            self._owner.clock.sleep(wait)

    def throttled(self, retry_after: float | None) -> None:
        """A 429: halve the rate (once per interval) and hold everyone for ``retry_after``."""
        hold = -1.0 if retry_after is None else max(0.0, float(retry_after))
        self._owner.throttled_script([self._key], self._args(repr(hold)))

    def succeeded(self) -> None:
        """An answer that was not a 429: recover 1% of the starting rate."""
        self._owner.succeeded_script([self._key], self._args())

    def current(self) -> RateLimit:
        """The learned limit now."""
        rate, burst = self._owner.current_script([self._key], self._args())
        return RateLimit(rate=float(rate), burst=int(burst))


class RedisRateLimiters:
    """The limiters of every credential, one Redis hash each; the same object per id."""

    def __init__(self, server: RedisServer, clock: Clock) -> None:
        self.server = server
        self.clock = clock
        self.acquire_script = server.script(_ACQUIRE)
        self.throttled_script = server.script(_THROTTLED)
        self.succeeded_script = server.script(_SUCCEEDED)
        self.current_script = server.script(_CURRENT)
        self._limiters: dict[str, RedisRateLimiter] = {}
        self._lock = threading.Lock()

    @classmethod
    def connect(cls, url: str, prefix: str, clock: Clock) -> RedisRateLimiters:
        """Limiters on their own client (closed by ``close``)."""
        return cls(RedisServer(url, prefix, clock), clock)

    def limiter(self, credential_id: str, start: RateLimit) -> RedisRateLimiter:
        """The shared limiter of ``credential_id`` (a fingerprint, never the secret)."""
        with self._lock:
            found = self._limiters.get(credential_id)
            if found is None or found.start != start:
                key = f"{self.server.prefix}rl:{{{credential_id}}}"
                found = self._limiters[credential_id] = RedisRateLimiter(self, key, start)
            return found

    def close(self) -> None:
        """Close the client."""
        self.server.close()
