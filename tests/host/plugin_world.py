"""Installed-looking plugins for discovery tests: a ``*.dist-info`` with a ``wfm`` entry point
and its module, in a temporary directory on ``sys.path`` (what ``pip install`` would leave)."""

from __future__ import annotations

import itertools
import sys
import textwrap
import types
from pathlib import Path

import pytest

_serial = itertools.count()


class FakeDists:
    """Installs fake distributions into one directory put first on ``sys.path``."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self._monkeypatch = monkeypatch
        monkeypatch.syspath_prepend(str(root))

    def add(self, name: str, source: str) -> str:
        """Install plugin ``name`` whose entry module holds ``source``; returns the module
        name (unique per test, so nothing leaks between tests through ``sys.modules``)."""
        module = f"wfm_fake_{name}_{next(_serial)}"
        (self.root / f"{module}.py").write_text(textwrap.dedent(source))
        info = self.root / f"{name}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
        (info / "entry_points.txt").write_text(f"[wfm]\n{name} = {module}\n")
        # forgotten after the test, whether or not discovery imported it
        self._monkeypatch.setitem(sys.modules, module, types.ModuleType(module))
        del sys.modules[module]
        return module


def fake_dists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeDists:
    """A fresh directory of fake distributions, on ``sys.path`` for this test only."""
    root = tmp_path / "site"
    root.mkdir()
    return FakeDists(root, monkeypatch)


# Entry modules used by several tests.
BROKEN_IMPORT = "import x  # no such module\n"

RAISING_ADAPTERS = """
from wfm_bridge.ports import hookimpl
from wfm_bridge.ports.registry import PortKind

@hookimpl
def wfm_register_adapters(registry):
    registry.add(PortKind.CLOCK, "acme", lambda ctx: None, plugin="acme")
    raise RuntimeError("boom")
"""

GREETER = """
import typer
from wfm_bridge.ports import hookimpl

@hookimpl
def wfm_register_commands(commands):
    app = typer.Typer(help="Greets the tenant.")

    @app.command("greet")
    def greet(ctx: typer.Context) -> None:
        typer.echo(f"hello {commands.context(ctx).tenant}")

    commands.add_group("hello", app)
"""
