"""EmulatorServer: the emulator on a loopback port, in a background thread or in the foreground
(``host/loopback.py`` binds the socket first, so the base URL works at once)."""

from __future__ import annotations

from wfm_bridge.host.loopback import LoopbackServer
from wfm_bridge.plugins.assembled.emulator.emulator import Emulator


class EmulatorServer(LoopbackServer):
    """Runs one ``Emulator`` over HTTP on ``host:port`` (loopback only; port 0 = a free port)."""

    def __init__(
        self,
        emulator: Emulator | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "critical",
        access_log: bool = False,
    ) -> None:
        from wfm_bridge.plugins.assembled.emulator.app import build_app

        self.emulator = emulator or Emulator()
        super().__init__(
            build_app(self.emulator), host=host, port=port, log_level=log_level,
            access_log=access_log,
        )

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: what ``--base-url`` takes."""
        return self.url

    def on_stop(self) -> None:
        self.emulator.stopping.set()  # hanging requests end early
