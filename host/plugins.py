"""Plugin discovery: the one factory that builds the plugin manager, and a typed façade.

Built-in plugins come through the same entry-point group (``wfm``) a third-party vendor plugin
uses. ``WFM_BLOCK_PLUGINS`` (comma-separated entry-point names) blocks plugins before loading.
Nothing here runs at import time.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

import pluggy

from wfm_bridge.ports import hookspecs
from wfm_bridge.ports.registry import AdapterRegistry


def blocked_from_env() -> list[str]:
    """Plugin names listed in ``WFM_BLOCK_PLUGINS``."""
    raw = os.environ.get("WFM_BLOCK_PLUGINS", "")
    return [name.strip() for name in raw.split(",") if name.strip()]


def build_plugin_manager(
    blocked: Iterable[str] = (), extra_plugins: Iterable[object] = ()
) -> pluggy.PluginManager:
    """Load every ``wfm`` entry point (minus the blocked ones), then check hook signatures."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in blocked:
        pm.set_blocked(name)
    pm.load_setuptools_entrypoints(hookspecs.ENTRY_POINT_GROUP)
    for plugin in extra_plugins:
        pm.register(plugin)
    pm.check_pending()
    return pm


def collect_adapters(pm: pluggy.PluginManager) -> AdapterRegistry:
    """Ask every plugin for its adapters (all implementations are called)."""
    registry = AdapterRegistry()
    pm.hook.wfm_register_adapters(registry=registry)
    return registry


def plugin_names(pm: pluggy.PluginManager) -> list[str]:
    """Names of the registered (not blocked) plugins, sorted."""
    return sorted(
        name for name, plugin in pm.list_name_plugin() if plugin is not None and name
    )


@dataclass(frozen=True)
class DiscoveredPlugins:
    """What one discovery found: the plugin manager and the adapters its plugins gave."""

    manager: pluggy.PluginManager
    registry: AdapterRegistry


def discover_plugins(
    blocked: Iterable[str] = (), extra_plugins: Iterable[object] = ()
) -> DiscoveredPlugins:
    """Load the entry points once, register ``extra_plugins``, collect the adapters."""
    manager = build_plugin_manager(blocked, extra_plugins)
    return DiscoveredPlugins(manager, collect_adapters(manager))
