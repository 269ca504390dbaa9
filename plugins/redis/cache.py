"""RedisCache: the Cache port on Redis, shared by every process and machine of a fleet.

Each entry is one Redis string, ``<prefix>c:{<namespace hash>}:<key>``, holding JSON text
(``[expires, value]``, encoded as plugins/local/cache.py encodes it: nothing is pickled,
values round-trip exactly). Freshness is judged on the injected Clock, as by every Cache
adapter; Redis's own expiry (the TTL plus a grace period) only lets the server drop stale
entries by itself. A namespace's entries are listed in a set beside them, so
``clear(namespace)`` is one script; the braces keep a namespace's keys in one hash slot (a
Redis Cluster runs the scripts too). The namespace already names tenant, provider and
account (``Tenant.cache_scope``).
"""

from __future__ import annotations

import hashlib

from wfm_bridge.plugins.local.cache import cull_seconds, entry_text, entry_value
from wfm_bridge.plugins.redis.server import RedisServer
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.jsonvalue import JsonValue

_SET = """
local existed = redis.call('EXISTS', KEYS[2])
local px = tonumber(ARGV[2])
if px > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', px)
else
  redis.call('SET', KEYS[1], ARGV[1])
end
redis.call('SADD', KEYS[2], KEYS[1])
if px == 0 then
  redis.call('PERSIST', KEYS[2])
elseif existed == 0 then
  redis.call('PEXPIRE', KEYS[2], px)
else
  local left = redis.call('PTTL', KEYS[2])
  if left >= 0 and left < px then redis.call('PEXPIRE', KEYS[2], px) end
end
return 1
"""
_DELETE = """
redis.call('SREM', KEYS[2], KEYS[1])
return redis.call('DEL', KEYS[1])
"""
_CLEAR = """
local members = redis.call('SMEMBERS', KEYS[1])
local removed = 0
for i = 1, #members, 500 do
  removed = removed + redis.call('DEL', unpack(members, i, math.min(i + 499, #members)))
end
redis.call('DEL', KEYS[1])
return removed
"""


class RedisCache:
    """Namespaced JSON cache in Redis (see the module docstring)."""

    def __init__(self, server: RedisServer, clock: Clock) -> None:
        self._server = server
        self._clock = clock
        self._set = server.script(_SET)
        self._delete = server.script(_DELETE)
        self._clear = server.script(_CLEAR)

    @classmethod
    def connect(cls, url: str, prefix: str, clock: Clock) -> RedisCache:
        """A cache on its own client (closed by ``close``)."""
        return cls(RedisServer(url, prefix, clock), clock)

    def get(self, namespace: str, key: str) -> JsonValue | None:
        """The value, or None when absent or past its TTL on the clock."""
        raw = self._server.call(lambda: self._server.client.get(self._entry(namespace, key)))
        if raw is None:
            return None
        value, expired = entry_value(raw, self._clock.now())
        if expired:
            self.delete(namespace, key)
        return value

    def set(self, namespace: str, key: str, value: JsonValue, ttl_seconds: float | None) -> None:
        """Store a JSON value, replacing any previous one (TypeError for non-JSON values)."""
        payload = entry_text(value, ttl_seconds, self._clock.now())
        cull = cull_seconds(ttl_seconds)
        px = 0 if cull is None else int(cull * 1000)
        self._set([self._entry(namespace, key), self._index(namespace)], [payload, px])

    def delete(self, namespace: str, key: str) -> None:
        """Remove one entry; absent keys are fine."""
        self._delete([self._entry(namespace, key), self._index(namespace)], [])

    def clear(self, namespace: str) -> int:
        """Remove every entry of ``namespace``; how many were removed."""
        return int(self._clear([self._index(namespace)], []))

    def close(self) -> None:
        """Close the client."""
        self._server.close()

    def _index(self, namespace: str) -> str:
        digest = hashlib.sha256(namespace.encode()).hexdigest()[:24]
        return f"{self._server.prefix}c:{{{digest}}}"

    def _entry(self, namespace: str, key: str) -> str:
        return f"{self._index(namespace)}:{key}"
