"""EmulatorServer: the emulator on a loopback port, in a background thread or in the foreground.

The listening socket is bound before the server thread starts, so the base URL is usable the
moment ``start()`` returns (connections wait in the backlog): no polling, no sleeping.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from types import TracebackType

import uvicorn

from wfm_bridge.plugins.assembled.emulator.app import build_app
from wfm_bridge.plugins.assembled.emulator.emulator import Emulator


def _check_loopback(host: str) -> None:
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"the emulator listens on loopback only, not {host!r}")


class EmulatorServer:
    """Runs one ``Emulator`` over HTTP on ``host:port`` (port 0 = a free port)."""

    def __init__(
        self,
        emulator: Emulator | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "critical",
        access_log: bool = False,
    ) -> None:
        _check_loopback(host)
        self.emulator = emulator or Emulator()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self._sock.listen(128)
        self.host, self.port = self._sock.getsockname()[:2]
        self._server = uvicorn.Server(
            uvicorn.Config(
                build_app(self.emulator),
                log_level=log_level,
                access_log=access_log,
                lifespan="off",
                loop="asyncio",
                http="h11",
                timeout_graceful_shutdown=1,
            )
        )
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: what ``--base-url`` takes."""
        return f"http://{self.host}:{self.port}"

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (Ctrl-C)."""
        try:
            self._server.run(sockets=[self._sock])
        finally:
            self._sock.close()

    def start(self) -> EmulatorServer:
        """Serve in a daemon thread; returns at once, ready for requests."""
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (hanging requests end early) and release the port."""
        self.emulator.stopping.set()
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._sock.close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
