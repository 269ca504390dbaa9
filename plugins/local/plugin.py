"""Entry point of the local plugin (production adapters for the non-provider ports)."""

from __future__ import annotations

from ports import hookimpl
from ports.registry import AdapterRegistry


@hookimpl
def wfm_register_adapters(registry: AdapterRegistry) -> None:
    """Contribute the local adapters (none yet: see the local-adapters issue)."""
