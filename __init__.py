"""wfm-bridge: the integration layer between a contact-centre QA platform and WFM systems.

The repository's top-level folders (``core/``, ``ports/``, ``plugins/``, ``host/``) are this
package's subpackages: packaging maps the repository root to ``wfm_bridge`` (see
pyproject.toml), so everything imports as ``wfm_bridge.<folder>…``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wfm_bridge.host.async_bridge import AsyncBridge
    from wfm_bridge.host.bridge import Bridge
    from wfm_bridge.host.settings import Settings
    from wfm_bridge.host.tenant import Tenant

__all__ = ["AsyncBridge", "Bridge", "Settings", "Tenant"]

_LAZY = {
    "AsyncBridge": "wfm_bridge.host.async_bridge",
    "Bridge": "wfm_bridge.host.bridge",
    "Settings": "wfm_bridge.host.settings",
    "Tenant": "wfm_bridge.host.tenant",
}


def __getattr__(name: str) -> Any:
    # Lazy: every `wfm_bridge.*` import runs this file, and `wfm --help` must stay light.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'wfm_bridge' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
