"""Plugin discovery: load each plugin in isolation, once per composition root.

Built-in plugins come through the same entry-point group (``wfm``) a third-party vendor plugin
uses. ``WFM_BLOCK_PLUGINS`` (comma-separated entry-point names) blocks plugins before they are
imported. A plugin that cannot be imported or registered, or whose registration hook raises,
is unregistered and recorded as a ``PluginFailure``; everything else keeps working. Two
plugins claiming the same adapter or command group are a ``ConflictError``: which one would
win must never depend on the order they happen to load in. Nothing here runs at import time.

A plugin declaring (``wfm_api_version = "2"`` on its module or object) a plugin API other than
the one this wfm-bridge provides (``ports.hookspecs.API_VERSION``) is refused the same way,
by name, before it is registered; a plugin that declares no version is accepted silently (it
predates the declaration: API "1").
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pluggy

from wfm_bridge.ports import hookspecs
from wfm_bridge.ports.commands import CommandRegistry
from wfm_bridge.ports.registry import AdapterRegistry


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that was unregistered: its name and what went wrong."""

    name: str
    error: str  # one line: "ModuleNotFoundError: No module named 'x'"

    @property
    def warning(self) -> str:
        """The one line the command line prints about it."""
        return (
            f"warning: plugin {self.name!r} failed to load ({self.error}); "
            f"block it with WFM_BLOCK_PLUGINS={self.name}"
        )


@dataclass(frozen=True)
class DiscoveredPlugins:
    """Everything discovery found: the plugin manager, the adapters, what failed, and the
    command groups when the command line asked for them."""

    manager: pluggy.PluginManager
    registry: AdapterRegistry
    failures: tuple[PluginFailure, ...]
    commands: CommandRegistry | None = None

    def names(self) -> list[str]:
        """Names of the working plugins, sorted."""
        return plugin_names(self.manager)


def discover_plugins(
    blocked: Iterable[str] = (),
    extra_plugins: Iterable[object] = (),
    commands: CommandRegistry | None = None,
) -> DiscoveredPlugins:
    """Load every ``wfm`` entry point except the blocked ones, then ``extra_plugins`` (the
    host's in-process plugin objects, named by ``__name__`` or their class name), and collect
    their adapters, and their commands when ``commands`` is given.

    An entry point that cannot be imported or registered, and any plugin whose registration
    hook raises, is unregistered and listed in ``failures``. Two plugins claiming one adapter
    or command group raise ``ConflictError``; an extra plugin with a malformed hook is the
    host's own bug and raises ``pluggy.PluginValidationError`` (as pytest does for ``-p``).
    Builds no shared state, so concurrent calls are safe; a composition root calls it once."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in blocked:
        pm.set_blocked(name)
    failures = _load_entry_points(pm)
    extras = [_register_extra(pm, plugin, failures) for plugin in extra_plugins]
    _check_pending(pm, failures, {id(p) for p in extras if p is not None})
    staged: list[AdapterRegistry] = []
    for name, plugin in list(pm.list_name_plugin()):
        if plugin is None:
            continue
        try:
            staged.append(_contributions(pm, name, plugin, commands))
        except _HookFailed as failed:
            failures.append(_unregister(pm, name, str(failed)))
    registry = AdapterRegistry()
    for adapters in staged:
        for spec in adapters.specs():  # a second plugin with the same name: ConflictError
            registry.add(
                spec.kind, spec.name, spec.factory, plugin=spec.plugin,
                description=spec.description, credentials=spec.credentials,
                secret_patterns=spec.secret_patterns, capabilities=spec.capabilities,
            )
    if commands is not None:
        commands.check()
    return DiscoveredPlugins(pm, registry, tuple(failures), commands)


def plugin_names(pm: pluggy.PluginManager) -> list[str]:
    """Names of the registered (not blocked, not failed) plugins, sorted."""
    return sorted(
        name for name, plugin in pm.list_name_plugin() if plugin is not None and name
    )


class _HookFailed(Exception):
    """A plugin's registration hook raised (the message names the hook and the error)."""


def _load_entry_points(pm: pluggy.PluginManager) -> list[PluginFailure]:
    """Import and register each ``wfm`` entry point that is not blocked; list what failed."""
    failures: list[PluginFailure] = []
    for entry_point in importlib.metadata.entry_points(group=hookspecs.ENTRY_POINT_GROUP):
        if pm.is_blocked(entry_point.name) or pm.has_plugin(entry_point.name):
            continue  # blocked plugins are never imported
        try:
            plugin = entry_point.load()
            refusal = api_version_refusal(entry_point.name, plugin)
            if refusal is not None:
                failures.append(_unregister(pm, entry_point.name, refusal))
                continue
            pm.register(plugin, name=entry_point.name)
        except Exception as exc:  # anything a third-party import can raise
            failures.append(_unregister(pm, entry_point.name, _one_line(exc)))
    return failures


def api_version_refusal(name: str, plugin: object) -> str | None:
    """Why ``plugin`` cannot load under this wfm-bridge's plugin API, or None if it can
    (it declares ``API_VERSION``, or nothing)."""
    declared = getattr(plugin, hookspecs.API_VERSION_ATTRIBUTE, None)
    if declared is None or declared == hookspecs.API_VERSION:
        return None
    wanted = hookspecs.API_VERSION
    if not isinstance(declared, str):
        return (
            f"its {hookspecs.API_VERSION_ATTRIBUTE} is {declared!r}, not a string; "
            f"plugins declare the API they target as {hookspecs.API_VERSION_ATTRIBUTE} = "
            f"{wanted!r}"
        )
    return (
        f"it targets wfm-bridge plugin API {declared!r}, but this wfm-bridge provides API "
        f"{wanted!r}; install a release of {name} made for API {wanted!r}, or a wfm-bridge "
        f"that provides API {declared!r}"
    )


def _contributions(
    pm: pluggy.PluginManager, name: str, plugin: object, commands: CommandRegistry | None
) -> AdapterRegistry:
    """One plugin's adapters (and commands): all of them, or nothing and ``_HookFailed``."""
    adapters = AdapterRegistry()
    if commands is None:
        _call(pm, plugin, "wfm_register_adapters", registry=adapters)
        return adapters
    with commands.contributions(name):  # undone if either hook raises
        _call(pm, plugin, "wfm_register_adapters", registry=adapters)
        _call(pm, plugin, "wfm_register_commands", commands=commands)
    return adapters


def _register_extra(
    pm: pluggy.PluginManager, plugin: object, failures: list[PluginFailure]
) -> object | None:
    name = getattr(plugin, "__name__", None) or type(plugin).__name__
    refusal = api_version_refusal(name, plugin)
    if refusal is not None:  # refused and listed like an entry point for another API
        failures.append(PluginFailure(name, refusal))
        return None
    if pm.has_plugin(name):
        name = None  # a second object of one class: pluggy names it by id
    registered = pm.register(plugin, name=name)  # None when the name is blocked
    return None if registered is None else plugin


def _check_pending(
    pm: pluggy.PluginManager, failures: list[PluginFailure], extras: set[int]
) -> None:
    """``check_pending`` (a misspelt hook name), isolating the entry points it names."""
    while True:
        try:
            pm.check_pending()
            return
        except pluggy.PluginValidationError as exc:
            if id(exc.plugin) in extras:
                raise
            name = pm.get_name(exc.plugin) or str(exc.plugin)
            failures.append(_unregister(pm, name, _one_line(exc)))


def _call(pm: pluggy.PluginManager, plugin: object, hook: str, **kwargs: Any) -> None:
    """Call ``plugin``'s own implementation of ``hook``, if any (pluggy's relay would stop at
    the first plugin that raises, and its subset callers need hashable plugins)."""
    for impl in getattr(pm.hook, hook).get_hookimpls():
        if impl.plugin is not plugin:
            continue
        try:
            if impl.hookwrapper or impl.wrapper:
                raise pluggy.PluginValidationError(plugin, f"{hook} cannot be a hook wrapper")
            impl.function(*(kwargs[name] for name in impl.argnames))
        except Exception as exc:
            raise _HookFailed(f"{hook} raised {_one_line(exc)}") from exc


def _unregister(pm: pluggy.PluginManager, name: str, error: str) -> PluginFailure:
    pm.set_blocked(name)  # unregisters it, and nothing registers that name again
    return PluginFailure(name, error)


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())
