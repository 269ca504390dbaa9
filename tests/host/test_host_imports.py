"""host/ knows plugins only through ports and the entry-point group, and its modules import
each other without circles (function-level imports included; typing-only ones excluded)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import wfm_bridge

ROOT = Path(wfm_bridge.__file__).parent
HOST = ROOT / "host"
KNOWN_CIRCLES: set[frozenset[str]] = set()


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(("wfm_bridge", *parts))


def _imports(source: str, module: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """(module imported, line) for every runtime import in ``source`` of ``module``."""
    tree = ast.parse(source)
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for stmt in block.body
        for node in ast.walk(stmt)
    }
    package = module if is_package else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0]
                base = f"{anchor}.{base}" if base else anchor
            yield base, node.lineno
            yield from ((f"{base}.{alias.name}", node.lineno) for alias in node.names)


def _imports_of(path: Path) -> Iterator[tuple[str, int]]:
    return _imports(path.read_text(), _module(path), path.name == "__init__.py")


def test_nothing_under_host_imports_a_plugin() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in sorted(HOST.rglob("*.py"))
        for name, line in _imports_of(path)
        if name == "wfm_bridge.plugins" or name.startswith("wfm_bridge.plugins.")
    ]
    assert offenders == []


def test_host_modules_import_each_other_without_circles() -> None:
    modules = {_module(p): p for p in HOST.rglob("*.py")}
    graph = {
        name: {m for m, _ in _imports_of(path) if m in modules and m != name}
        for name, path in modules.items()
    }
    circles = {frozenset(c) for c in _strongly_connected(graph) if len(c) > 1}
    assert circles - KNOWN_CIRCLES == set()


def test_the_import_scan_sees_function_level_and_relative_imports() -> None:
    """The scan itself can fail: a lazy plugin import is found, a typing-only one is not."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from wfm_bridge.core import mapping\n"
        "def f():\n    from ...plugins.memory_fake import store\n"
    )
    found = {name for name, _ in _imports(source, "wfm_bridge.host.cli.sample", False)}
    assert "wfm_bridge.plugins.memory_fake.store" in found
    assert "wfm_bridge.core.mapping" not in found
    assert _strongly_connected({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [{"a", "b"}, {"c"}]


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm: the strongly connected components of ``graph``."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: set[str] = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            components.append(component)

    for node in graph:
        if node not in index:
            visit(node)
    return components
