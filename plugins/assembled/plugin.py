"""Entry point of the Assembled plugin."""

from __future__ import annotations

from ports import hookimpl
from ports.registry import AdapterRegistry


@hookimpl
def wfm_register_adapters(registry: AdapterRegistry) -> None:
    """Contribute the Assembled provider (not yet: see the Assembled issue)."""
