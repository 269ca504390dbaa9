"""What every command shares: the lazily built settings/container and output helpers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from wfm_bridge.host.container import Container
    from wfm_bridge.host.plugins import DiscoveredPlugins
    from wfm_bridge.host.settings import Settings


@dataclass
class Runtime:
    """Global options of one CLI invocation; builds settings and container on first use."""

    overrides: dict[str, Any] = field(default_factory=dict)
    debug: bool = False
    plugins: DiscoveredPlugins | None = None  # discovered once by the CLI for the invocation
    _container: Container | None = None

    @property
    def settings(self) -> Settings:
        """Settings from the environment overridden by global options."""
        return self.container.settings()

    @property
    def container(self) -> Container:
        """The composition root for this invocation."""
        if self._container is None:
            from wfm_bridge.host.container import build_container
            from wfm_bridge.host.settings import Settings

            self._container = build_container(Settings.from_env(**self.overrides))
        return self._container


def runtime(ctx: typer.Context) -> Runtime:
    """The Runtime stored on the root context by the global callback."""
    obj = ctx.find_root().obj
    if not isinstance(obj, Runtime):  # pragma: no cover - set by the root callback
        obj = Runtime()
        ctx.find_root().obj = obj
    return obj


def to_jsonable(value: Any) -> Any:
    """Pydantic models (and lists/dicts of them) to JSON-ready data."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON on stdout."""
    typer.echo(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))


def console() -> Any:
    """A rich console on stdout (imported lazily to keep start-up fast)."""
    from rich.console import Console

    return Console(highlight=False)
