"""RedisServer: one redis-py client for the adapters of this plugin, errors translated.

Connection failures are retried a few times through the Clock port (a Redis restart takes
about a second), then reported as ``UnavailableError``; every operation the adapters send is
safe to repeat (a SET, a DEL, a script whose repetition only errs on the careful side).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import UnavailableError

if TYPE_CHECKING:
    import redis

T = TypeVar("T")
RETRY_DELAYS = (0.1, 0.3, 0.6, 1.0, 2.0)


def describe(url: str) -> str:
    """``host:port/db`` of a Redis URL, never its password (for messages)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        return f"{parts.hostname or 'localhost'}:{parts.port or 6379}{parts.path or ''}"
    except ValueError:
        return "the configured Redis server"


class RedisServer:
    """A client for ``url`` whose every key starts with ``prefix``."""

    def __init__(self, url: str, prefix: str, clock: Clock) -> None:
        import redis

        self.prefix = prefix
        self.where = f"Redis at {describe(url)}"
        self._clock = clock
        try:
            self.client: redis.Redis = redis.Redis.from_url(
                url, socket_timeout=5.0, socket_connect_timeout=5.0, health_check_interval=30
            )
        except ValueError as exc:
            raise UnavailableError(
                f"WFM_REDIS_URL is not a Redis URL ({exc}); use redis://host:6379/0"
            ) from exc

    def script(self, source: str) -> Callable[[Sequence[str], Sequence[Any]], Any]:
        """A Lua script, run atomically on the server (EVALSHA, loaded on first use)."""
        registered = self.client.register_script(source)
        return lambda keys, args: self.call(lambda: registered(keys=list(keys), args=list(args)))

    def call(self, operation: Callable[[], T]) -> T:
        """Run ``operation``, retrying connection failures through the Clock."""
        import redis

        for delay in (*RETRY_DELAYS, None):
            try:
                return operation()
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                if delay is None:
                    raise UnavailableError(
                        f"{self.where} is unreachable ({exc}); check that it runs and "
                        "WFM_REDIS_URL, then try again"
                    ) from exc
                self._clock.sleep(delay)
            except redis.RedisError as exc:
                raise UnavailableError(
                    f"{self.where} refused an operation ({exc}); check the server's log"
                ) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close the client's connections."""
        self.client.close()
