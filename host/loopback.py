"""Serving an ASGI app on a socket bound up front, and the "plain http only to loopback" rule.

The one module of host/ that plugins may import (a test holds them to it): vendor emulators
and the HTTP face serve the same way, and vendor clients refuse the same unsafe base URLs.

``LoopbackServer`` binds its listening socket in the constructor, so its URL is usable the
moment the constructor returns (connections wait in the backlog): no polling, no sleeping.
It serves in a daemon thread (``start``/``stop``, or ``with``) or in the foreground
(``serve_forever``). Loopback only unless ``any_host`` (the HTTP face behind a TLS proxy).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

import httpx

from wfm_bridge.ports.errors import InvalidInputError


def is_loopback(host: str) -> bool:
    """``localhost`` itself or a loopback address.

    Only "localhost" itself (/etc/hosts): a name under .localhost may go to DNS, which can
    answer any address, and a secret would then travel in clear to it."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def checked_base_url(url: str, what: str, exposed: str) -> httpx.URL:
    """``url`` if it is https, or plain http to a loopback host; else ``InvalidInputError``.

    ``what`` names the setting ("the assembled base URL"), ``exposed`` what plain http would
    put in clear ("the API key")."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise InvalidInputError(f"{what} {url!r} is not a valid URL") from exc
    if not parsed.host:
        raise InvalidInputError(f"{what} {url!r} has no host; use https://...")
    if parsed.userinfo:
        raise InvalidInputError(f"{what} must not contain credentials")
    if parsed.scheme == "https":
        return parsed
    if parsed.scheme == "http":
        if is_loopback(parsed.host):
            return parsed
        raise InvalidInputError(
            f"refusing plain http:// to {parsed.host} for {what}: {exposed} would travel in "
            "clear; use https:// (plain http is allowed only for loopback, e.g. the emulator)"
        )
    raise InvalidInputError(f"{what} must start with https:// (got {url!r})")


def _bind(host: str, port: int, any_host: bool) -> socket.socket:
    if not 0 <= port <= 65535:
        raise InvalidInputError(f"--port {port} is not a port number (0-65535)")
    if host != "localhost":
        try:
            ipaddress.ip_address(host)  # no name lookups: say exactly which address
        except ValueError:
            raise InvalidInputError(
                f"--host {host!r} is not an IP address; give one such as 127.0.0.1 (the "
                "default), ::1 or 0.0.0.0 (every interface: behind a TLS proxy only)"
            ) from None
    if not any_host and not is_loopback(host):
        raise InvalidInputError(f"this server listens on loopback only, not {host!r}")
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it: uvicorn serving a socket it did not bind leaves
        # Nagle on, and a keep-alive answer then waits ~40 ms for the client's delayed ACK.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(128)
    except (OSError, OverflowError) as exc:
        sock.close()
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InvalidInputError(
            f"cannot listen on {host}:{port} ({reason}); pick another --port"
            + (" or --host" if any_host else "")
        ) from exc
    return sock


class LoopbackServer:
    """Serves ``app`` on ``host:port`` (port 0 = a free port) with uvicorn.

    ``uvicorn_options`` go to ``uvicorn.Config`` (e.g. ``proxy_headers``); ``on_stop`` runs
    first in ``stop`` (an emulator ends its hanging requests early)."""

    def __init__(
        self,
        app: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        any_host: bool = False,
        log_level: str = "critical",
        access_log: bool = False,
        graceful_seconds: int = 1,
        **uvicorn_options: Any,
    ) -> None:
        import uvicorn  # not at import time: `wfm --help` stays light

        self._sock = _bind(host, port, any_host)
        self.host, self.port = self._sock.getsockname()[:2]
        self._server = uvicorn.Server(
            uvicorn.Config(
                app,
                log_level=log_level,
                access_log=access_log,
                lifespan="off",
                loop="asyncio",
                http="h11",
                timeout_graceful_shutdown=graceful_seconds,
                **uvicorn_options,
            )
        )
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://host:port`` of the bound socket (IPv6 in brackets)."""
        host = f"[{self.host}]" if ":" in str(self.host) else self.host
        return f"http://{host}:{self.port}"

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (Ctrl-C or SIGTERM, handled by uvicorn)."""
        try:
            self._server.run(sockets=[self._sock])
        finally:
            self._sock.close()

    def start(self) -> Self:
        """Serve in a daemon thread; returns at once, ready for requests."""
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )
        self._thread.start()
        return self

    def on_stop(self) -> None:
        """What to do before the server stops (nothing here)."""

    def stop(self) -> None:
        """Stop serving and release the port."""
        self.on_stop()
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._sock.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class _Stoppable(Protocol):
    stopping: threading.Event  # set on stop: held (slow, hanging) answers end early


E = TypeVar("E", bound=_Stoppable)


class EmulatorServer(LoopbackServer, Generic[E]):
    """A vendor's emulator served on loopback only; ``emulator.stopping`` is set on stop."""

    def __init__(
        self,
        emulator: E,
        app: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "critical",
        access_log: bool = False,
    ) -> None:
        self.emulator = emulator
        super().__init__(app, host=host, port=port, log_level=log_level, access_log=access_log)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: what ``--base-url`` takes."""
        return self.url

    def on_stop(self) -> None:
        self.emulator.stopping.set()
