"""EmulatorServer: the emulator on a loopback port, in a background thread or in the foreground
(``host/loopback.py`` binds the socket first, so the base URL works at once)."""

from __future__ import annotations

from typing import Any

from wfm_bridge.host.loopback import EmulatorServer as BaseServer
from wfm_bridge.plugins.assembled.emulator.emulator import Emulator


class EmulatorServer(BaseServer[Emulator]):
    """Runs one ``Emulator`` over HTTP on ``host:port`` (loopback only; port 0 = a free port)."""

    def __init__(self, emulator: Emulator | None = None, **options: Any) -> None:
        from wfm_bridge.plugins.assembled.emulator.app import build_app

        emulator = emulator or Emulator()
        super().__init__(emulator, build_app(emulator), **options)
