"""RedisRateLimiters: one adaptive limiter per credential, shared by every process and machine.

Each credential's pace is one Redis hash, changed only by Lua scripts (atomic on the server;
no read-modify-write from Python), so a CLI run, a worker and a whole fleet spending one
Assembled key together stay under its limit. It learns exactly as the in-process ``local``
adapter does (plugins/local/ratelimit.py, whose constants it uses): a GCRA token bucket with
one token of the burst held back against arrival jitter; a 429 multiplies the rate by
``DECREASE`` once per *window* (a 429 for a request sent before the last decrease, by any
process, lowers nothing again) and holds every sender until ``Retry-After`` (else one
interval) has passed, with no burst credit after it; each success adds ``RECOVERY`` of the
start rate, never above it; the burst follows the rate. Times are the Redis server's clock,
the one clock every machine shares; waiting is the caller's, through the Clock port. A start
limit other than the stored one (the configuration changed) starts afresh; a credential
idle for a day is forgotten.
"""

from __future__ import annotations

import threading
from typing import Any

from wfm_bridge.plugins.local.ratelimit import DECREASE, MIN_RATE, RECOVERY
from wfm_bridge.plugins.redis.server import RedisServer
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.ratelimit import RateLimit

IDLE_MS = 24 * 3600 * 1000  # a credential's learned pace is kept this long after last use
HEADROOM = 1  # tokens of the burst held back (as the local adapter does)
# ARGV: start rate, start burst, idle ms, DECREASE, RECOVERY, MIN_RATE, HEADROOM, extra...
_STATE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local start_rate, start_burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local decrease, recovery, min_rate = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local headroom = tonumber(ARGV[7])
local s = redis.call('HMGET', KEYS[1], 'start_rate', 'start_burst', 'rate', 'tat', 'hold',
  'window')
local st = {}
if s[1] and tonumber(s[1]) == start_rate and tonumber(s[2]) == start_burst then
  st.rate, st.tat, st.hold = tonumber(s[3]), tonumber(s[4]), tonumber(s[5])
  st.window = tonumber(s[6])
else
  st.rate, st.tat, st.hold, st.window = start_rate, now, 0, 0
end
local function burst()  -- the start's, scaled with the rate (rounded half to even)
  local x = start_burst * st.rate / start_rate
  local f = math.floor(x)
  local d = x - f
  if d > 0.5 + 1e-9 or (math.abs(d - 0.5) <= 1e-9 and f % 2 == 1) then f = f + 1 end
  return math.max(1, f)
end
local function tolerance()
  local b = burst()
  local usable = 1
  if b > 1 then usable = math.max(1, b - headroom) end
  return (usable - 1) / st.rate
end
local function save()
  redis.call('HSET', KEYS[1], 'start_rate', ARGV[1], 'start_burst', ARGV[2],
    'rate', string.format('%.17g', st.rate), 'tat', string.format('%.6f', st.tat),
    'hold', string.format('%.6f', st.hold), 'window', st.window)
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
"""
_RESERVE = _STATE + """
local tat = math.max(st.tat, now)
local wait = math.max(tat - tolerance(), st.hold) - now
if wait < 1e-9 then wait = 0 end
st.tat = tat + 1 / st.rate
save()
return {string.format('%.17g', wait), st.window}
"""
_WINDOW = _STATE + """
return st.window
"""
_THROTTLED = _STATE + """
local sent_in, retry_after = tonumber(ARGV[8]), tonumber(ARGV[9])
if sent_in == st.window then  -- sent at the rate that was just refused
  st.rate = math.max(min_rate, st.rate * decrease)
  st.window = st.window + 1
end
local hold = 1 / st.rate
if retry_after >= 0 then hold = retry_after end
st.hold = math.max(st.hold, now + hold)
st.tat = st.hold + tolerance()  -- the server's bucket is empty: no burst credit after it
save()
return string.format('%.17g', st.rate)
"""
_SUCCEEDED = _STATE + """
if st.rate < start_rate then
  st.rate = math.min(start_rate, st.rate + start_rate * recovery)
  save()
end
return string.format('%.17g', st.rate)
"""
_CURRENT = _STATE + """
return {string.format('%.17g', st.rate), burst()}
"""


class RedisRateLimiter:
    """The shared pace of one credential (see the module docstring)."""

    def __init__(self, owner: RedisRateLimiters, key: str, start: RateLimit) -> None:
        self._owner = owner
        self._key = key
        self.start = start
        self._sent = threading.local()  # the window of this thread's last send

    def __repr__(self) -> str:
        return f"RedisRateLimiter(start={self.start})"

    def _run(self, script: str, *extra: object) -> Any:
        args = [repr(float(self.start.rate)), self.start.burst, IDLE_MS]
        args += [repr(DECREASE), repr(RECOVERY), repr(MIN_RATE), HEADROOM, *extra]
        return self._owner.run(script, self._key, args)

    def acquire(self) -> None:
        """Reserve the next slot in Redis, wait for it through the Clock; reserve again if a
        429 (from any process) moved the window meanwhile."""
        while True:
            wait, window = self._run(_RESERVE)
            if float(wait) > 0:
                self._owner.clock.sleep(float(wait))
                if int(self._run(_WINDOW)) != int(window):
                    continue  # every sender is held back now: our slot is gone
            self._sent.window = int(window)
            return

    def throttled(self, retry_after: float | None) -> None:
        """A 429: slow down (once per window) and hold every sender for ``retry_after``."""
        hold = -1.0 if retry_after is None else max(0.0, float(retry_after))
        self._run(_THROTTLED, getattr(self._sent, "window", 0), repr(hold))

    def succeeded(self) -> None:
        """An answer that was not a 429: recover a little (additively)."""
        self._run(_SUCCEEDED)

    def current(self) -> RateLimit:
        """The learned limit now."""
        rate, burst = self._run(_CURRENT)
        return RateLimit(rate=float(rate), burst=int(burst))


class RedisRateLimiters:
    """The limiters of every credential, one Redis hash each; the same object per id."""

    def __init__(self, server: RedisServer, clock: Clock) -> None:
        self.server = server
        self.clock = clock
        self._scripts = {s: server.script(s) for s in (_RESERVE, _WINDOW, _THROTTLED,
                                                       _SUCCEEDED, _CURRENT)}
        self._limiters: dict[str, RedisRateLimiter] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RedisRateLimiters({self.server.where}, {len(self._limiters)} credential(s))"

    @classmethod
    def connect(cls, url: str, prefix: str, clock: Clock) -> RedisRateLimiters:
        """Limiters on their own client (closed by ``close``)."""
        return cls(RedisServer(url, prefix, clock), clock)

    def run(self, script: str, key: str, args: list[object]) -> Any:
        """Run one of this module's scripts on ``key``, atomically on the server."""
        return self._scripts[script]([key], args)

    def limiter(self, credential_id: str, start: RateLimit) -> RedisRateLimiter:
        """The shared limiter of ``credential_id`` (a fingerprint, never the secret), at
        ``start`` on first use; later calls return what it has learned."""
        with self._lock:
            found = self._limiters.get(credential_id)
            if found is None or found.start != start:
                key = f"{self.server.prefix}rl:{{{credential_id}}}"
                found = self._limiters[credential_id] = RedisRateLimiter(self, key, start)
            return found

    def close(self) -> None:
        """Close the client."""
        self.server.close()
