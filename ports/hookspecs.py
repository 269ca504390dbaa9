"""The pluggy markers (project ``wfm``), the hook specifications plugins implement, and the
plugin API version they are written against.

Plugins import ``hookimpl`` from here (or from ``ports``) and never create markers.

A plugin declares the API version it targets with a ``wfm_api_version = "1"`` attribute on its
entry module (or on the plugin object). Discovery refuses, by name, a plugin declaring a
version this wfm-bridge does not provide, and loads the others. A plugin without the attribute
is accepted silently: it was written before versions were declared, which is API "1".
"""

from __future__ import annotations

import pluggy

from wfm_bridge.ports.commands import CommandRegistry
from wfm_bridge.ports.registry import AdapterRegistry

PROJECT = "wfm"
ENTRY_POINT_GROUP = "wfm"
API_VERSION = "1"
"""The plugin API this wfm-bridge provides: the hook specs here and the ports they pass.
It changes only when a change would break a plugin written for the previous one."""
API_VERSION_ATTRIBUTE = "wfm_api_version"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def wfm_register_adapters(registry: AdapterRegistry) -> None:
    """Contribute adapters for any ports by calling ``registry.add(...)``.

    Factories must be cheap to register: import heavy libraries inside the factory.
    A plugin that raises here is unregistered and named in a warning; two plugins adding
    an adapter with the same port and name are a conflict (block one).
    All implementations are called; the host then picks adapters by configured name.
    """


@hookspec
def wfm_register_commands(commands: CommandRegistry) -> None:
    """Contribute `wfm` commands: ``commands.add_group(name, typer_app)`` adds a group,
    ``commands.group("demo")`` returns a host group to add commands to.

    Called by the command line only, once per invocation: import typer and the command
    module inside the implementation, and keep command modules light (heavy imports inside
    the commands), so `wfm --help` stays fast. Build a fresh ``typer.Typer`` on every call.
    A plugin that raises here is unregistered and named in a warning.
    All implementations are called; two plugins adding the same group name conflict.
    """
