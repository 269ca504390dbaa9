"""``HttpServer``: the HTTP face on a port, in the foreground (``wfm serve``) or a thread (tests).

Loopback by default. Any other address is allowed but plain HTTP: TLS belongs to the reverse
proxy in front (``X-Forwarded-Proto``/``-For`` are honoured from ``forwarded_allow_ips``,
loopback by default, so a proxy on the same machine makes cookies ``Secure``). The socket is
bound before serving starts, so the URL works the moment the constructor returns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wfm_bridge.host.http.app import build_app
from wfm_bridge.host.loopback import LoopbackServer, is_loopback

if TYPE_CHECKING:
    from wfm_bridge.host.bridge import Bridge

LOOPBACK = "127.0.0.1"
TLS_WARNING = (
    "warning: serving plain HTTP on {host}, beyond this machine: put it behind a reverse proxy "
    "that terminates TLS (tokens and pages must never cross a network in clear)"
)

__all__ = ["LOOPBACK", "TLS_WARNING", "HttpServer", "is_loopback"]


class HttpServer(LoopbackServer):
    """Runs the HTTP face of ``bridge`` on ``host:port`` (port 0 = a free port)."""

    def __init__(
        self,
        bridge: Bridge,
        *,
        host: str = LOOPBACK,
        port: int = 0,
        log_level: str = "warning",
        access_log: bool = False,
        forwarded_allow_ips: str = LOOPBACK,
    ) -> None:
        super().__init__(
            build_app(bridge),
            host=host,
            port=port,
            any_host=True,
            log_level=log_level,
            access_log=access_log,
            graceful_seconds=2,
            proxy_headers=True,
            forwarded_allow_ips=forwarded_allow_ips,
        )
