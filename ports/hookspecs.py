"""The pluggy markers (project ``wfm``) and the hook specifications plugins implement.

Plugins import ``hookimpl`` from here (or from ``ports``) and never create markers.
"""

from __future__ import annotations

import pluggy

from wfm_bridge.ports.registry import AdapterRegistry

PROJECT = "wfm"
ENTRY_POINT_GROUP = "wfm"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def wfm_register_adapters(registry: AdapterRegistry) -> None:
    """Contribute adapters for any ports by calling ``registry.add(...)``.

    Factories must be cheap to register: import heavy libraries inside the factory.
    All implementations are called; the host then picks adapters by configured name.
    """
