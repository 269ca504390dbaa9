"""``HttpServer``: the HTTP face on a port, in the foreground (``wfm serve``) or a thread (tests).

Loopback by default. Any other address is allowed but plain HTTP: TLS belongs to the reverse
proxy in front (``X-Forwarded-Proto``/``-For`` are honoured from ``forwarded_allow_ips``,
loopback by default, so a proxy on the same machine makes cookies ``Secure``). The socket is
bound before serving starts, so the URL works the moment the constructor returns.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from types import TracebackType
from typing import TYPE_CHECKING

import uvicorn

from wfm_bridge.host.http.app import build_app
from wfm_bridge.ports.errors import InvalidInputError

if TYPE_CHECKING:
    from wfm_bridge.host.bridge import Bridge

LOOPBACK = "127.0.0.1"
TLS_WARNING = (
    "warning: serving plain HTTP on {host}, beyond this machine: put it behind a reverse proxy "
    "that terminates TLS (tokens and pages must never cross a network in clear)"
)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an IP address or ``localhost``) stays on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int) -> socket.socket:
    if host != "localhost":
        try:
            ipaddress.ip_address(host)  # no name lookups: say exactly which address
        except ValueError:
            raise InvalidInputError(
                f"--host {host!r} is not an IP address; give one such as 127.0.0.1 (the "
                "default), ::1 or 0.0.0.0 (every interface: behind a TLS proxy only)"
            ) from None
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except (OSError, OverflowError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InvalidInputError(
            f"cannot listen on {host}:{port} ({reason}); pick another --port or --host"
        ) from exc
    return sock


class HttpServer:
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
        if not 0 <= port <= 65535:
            raise InvalidInputError(f"--port {port} is not a port number (0-65535)")
        self._sock = _bind(host, port)
        self.host, self.port = self._sock.getsockname()[:2]
        self._server = uvicorn.Server(
            uvicorn.Config(
                build_app(bridge),
                log_level=log_level,
                access_log=access_log,
                lifespan="off",
                loop="asyncio",
                http="h11",
                proxy_headers=True,
                forwarded_allow_ips=forwarded_allow_ips,
                timeout_graceful_shutdown=2,
            )
        )
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://host:port`` of the bound socket."""
        host = f"[{self.host}]" if ":" in str(self.host) else self.host
        return f"http://{host}:{self.port}"

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (Ctrl-C or SIGTERM, handled by uvicorn)."""
        try:
            self._server.run(sockets=[self._sock])
        finally:
            self._sock.close()

    def start(self) -> HttpServer:
        """Serve in a daemon thread; returns at once, ready for requests."""
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._sock.close()

    def __enter__(self) -> HttpServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
