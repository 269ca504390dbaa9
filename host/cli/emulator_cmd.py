"""`wfm emulator serve <vendor>`: the extension point vendor plugins put their emulators in.

The host owns the ``emulator`` group and its ``serve`` group; a plugin adds its emulator as
a command of ``serve`` (``commands.group("emulator serve").command("<vendor>")``). Plain
``wfm emulator serve [OPTIONS]`` still means ``wfm emulator serve assembled [OPTIONS]`` (the
command existed before there was a second vendor); without an emulator installed the group
is not shown at all.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

DEFAULT_VENDOR = "assembled"  # what `wfm emulator serve` meant before vendors were named


class _DefaultVendor(TyperGroup):
    """A group whose first argument, when it names no command, is the default vendor's
    (so ``wfm emulator serve --help`` is the Assembled emulator's help, as it always was)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        first = args[0] if args else None
        if DEFAULT_VENDOR in self.commands and first not in self.commands:
            args = [DEFAULT_VENDOR, *args]
        return list(super().parse_args(ctx, args))


def build_emulator_app() -> tuple[typer.Typer, typer.Typer]:
    """The ``emulator`` group and its ``serve`` group (which plugins extend)."""
    app = typer.Typer(
        help="Local WFM vendor emulators (loopback only) to point --provider at.",
        no_args_is_help=True,
    )
    serve = typer.Typer(
        cls=_DefaultVendor,
        help="Serve a vendor's emulator in the foreground: `wfm emulator serve <vendor>` "
        f"(no vendor: {DEFAULT_VENDOR}).",
        no_args_is_help=False,
    )
    app.add_typer(serve, name="serve")
    return app, serve


def is_empty(app: Any) -> bool:
    """Whether a command group holds no command at any depth (then it is not shown)."""
    if app.registered_commands:
        return False
    return all(is_empty(info.typer_instance) for info in app.registered_groups)
