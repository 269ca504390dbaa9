"""The typed register object plugins use to contribute `wfm` command-line commands.

A plugin's ``wfm_register_commands`` hook receives a ``CommandRegistry`` and calls
``commands.add_group(name, app)`` with a fresh ``typer.Typer`` of its own, or
``commands.group("demo")`` to get the host's group of that name and add commands to it.
Nothing here imports typer: apps are opaque to the register, and the host tells it how to
snapshot one (so a plugin that fails half-way is undone) and how to describe an invocation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from wfm_bridge.ports.errors import ConflictError, InvalidInputError, UnavailableError

HOST = "wfm"  # who contributed the host's own groups
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


@dataclass(frozen=True)
class CommandContext:
    """What a plugin command knows of its invocation: data directory, tenant, provider."""

    data_dir: Path
    tenant: str
    provider: str
    options: Mapping[str, str] = field(default_factory=dict)


# Makes a provider's demo data ready for `wfm demo` (today in the configured clock); returns
# a line to show the user, or None.
TourSetup = Callable[[CommandContext, date], str | None]
# Remembers an app's commands; calling the result puts them back as they were.
Snapshot = Callable[[Any], Callable[[], None]]
# The host's description of the invocation a (typer) context belongs to.
ContextResolver = Callable[[Any], CommandContext]


@dataclass(frozen=True)
class CommandGroup:
    """One command group of the `wfm` command line, and who contributed it."""

    name: str
    app: Any  # a typer.Typer
    plugin: str


class CommandRegistry:
    """Collects command groups from every plugin, over the host's own extendable groups."""

    def __init__(
        self,
        groups: Mapping[str, Any] | None = None,
        *,
        reserved: Iterable[str] = (),
        snapshot: Snapshot | None = None,
        context: ContextResolver | None = None,
    ) -> None:
        self._host = dict(groups or {})
        self._reserved = set(reserved) | set(self._host)
        self._snapshot = snapshot
        self._context = context
        self._added: list[CommandGroup] = []
        self._setups: list[tuple[str, TourSetup, str]] = []  # provider, setup, plugin
        self._plugin = HOST
        self._undo: list[Callable[[], None]] = []
        self._touched: set[str] = set()

    # --- what plugins call -------------------------------------------------------------

    def add_group(self, name: str, app: Any) -> None:
        """Add the command group ``wfm NAME`` (``app`` is a fresh ``typer.Typer``)."""
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise InvalidInputError(
                f"command group name {name!r} is not a lower-case word (a-z, 0-9, - and _)"
            )
        if any(g.name == name and g.plugin == self._plugin for g in self._added):
            raise ConflictError(f"plugin {self._plugin!r} adds the command group {name!r} twice")
        if name in self._reserved:
            raise ConflictError(
                f"plugin {self._plugin!r} adds a command group {name!r}, which wfm already "
                "has; the plugin must pick another name"
            )
        self._added.append(CommandGroup(name, app, self._plugin))

    def group(self, name: str) -> Any:
        """The host's command group ``name`` (a ``typer.Typer``), to add commands to."""
        app = self._host.get(name)
        if app is None:
            names = ", ".join(sorted(self._host)) or "none"
            raise InvalidInputError(
                f"wfm has no command group {name!r} plugins may extend; extendable: {names}"
            )
        if self._snapshot is not None and name not in self._touched:
            self._touched.add(name)
            self._undo.append(self._snapshot(app))
        return app

    def add_tour_setup(self, provider: str, setup: TourSetup) -> None:
        """Say how `wfm demo` makes provider ``provider``'s demo data ready."""
        self._setups.append((provider, setup, self._plugin))

    def context(self, ctx: Any) -> CommandContext:
        """The invocation a running command's (typer) context belongs to."""
        if self._context is None:
            raise UnavailableError("commands run outside `wfm` have no invocation context")
        return self._context(ctx)

    # --- what the host calls -----------------------------------------------------------

    @contextmanager
    def contributions(self, plugin: str) -> Iterator[None]:
        """Attribute what is added inside the block to ``plugin``; undo it all if it raises."""
        added, setups = len(self._added), len(self._setups)
        self._plugin, self._undo, self._touched = plugin, [], set()
        try:
            yield
        except BaseException:
            del self._added[added:], self._setups[setups:]
            for undo in reversed(self._undo):
                undo()
            raise
        finally:
            self._plugin, self._undo, self._touched = HOST, [], set()

    def groups(self) -> list[CommandGroup]:
        """The host's groups and the plugins', by name; two plugins claiming a name conflict."""
        self.check()
        host = [CommandGroup(n, app, HOST) for n, app in self._host.items()]
        return sorted(host + self._added, key=lambda g: g.name)

    def tour_setup(self, provider: str) -> TourSetup | None:
        """How `wfm demo` prepares ``provider``'s demo data, if its plugin says."""
        self.check()
        return next((s for p, s, _ in self._setups if p == provider), None)

    def check(self) -> None:
        """Two plugins claiming one group name or one provider's tour is a conflict: which one
        wins must not depend on the order plugins happen to load in."""
        claims = [(f"a command group named {g.name!r}", g.plugin) for g in self._added]
        claims += [(f"the demo tour of provider {p!r}", plugin) for p, _, plugin in self._setups]
        seen: dict[str, str] = {}
        for what, plugin in claims:
            if what in seen:
                raise ConflictError(
                    f"two plugins add {what} ({seen[what]} and {plugin}); "
                    "block one with WFM_BLOCK_PLUGINS"
                )
            seen[what] = plugin
