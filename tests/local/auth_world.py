"""A world for `wfm auth` tests: the real CLI and local vault, a strict fake provider plugin.

The ``strict`` provider is memory_fake's InMemoryProvider over a FakeWfmBackend that accepts
only ``GOOD`` (like Assembled: a 401 for anything else), registered through a test plugin on
the same hook real plugins use. ``noisy`` makes it log its credentials the way a careless HTTP
library would, so redaction is proven on real log records.
"""

from __future__ import annotations

import base64
import io
import logging
import sys
from dataclasses import dataclass, field
from typing import Any

import pytest

from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend
from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
from wfm_bridge.ports import hookimpl
from wfm_bridge.ports.models import ActivityType
from wfm_bridge.ports.registry import AdapterRegistry, PortKind, ProviderContext

GOOD = "sk_live_Q7w9E2r4T6y8U1i3O5p7A9s2D4f6G8h1"
BAD = "sk_live_Zx8Cv6Bn4Mm2Ll0Kk9Jj7Hh5Gg3Ff1Dd"
MEETING = ActivityType(id="type-meeting", name="Meeting")
SHIFT = ActivityType(id="type-shift", name="Shift")


def basic_auth(key: str) -> str:
    """What HTTP Basic auth puts on the wire for an API key with an empty password."""
    return base64.b64encode(f"{key}:".encode()).decode()


def strict_backend(activity_types: list[ActivityType]) -> FakeWfmBackend:
    """A fake WFM backend that accepts only ``GOOD``."""
    return FakeWfmBackend(activity_types=activity_types, accepted_keys=[GOOD])


@dataclass
class StrictProviderPlugin:
    """Test plugin registering provider ``strict`` (requires a key) over ``backend``."""

    backend: FakeWfmBackend = field(default_factory=lambda: strict_backend([SHIFT, MEETING]))
    noisy: bool = False

    @hookimpl
    def wfm_register_adapters(self, registry: AdapterRegistry) -> None:
        """Register the strict provider."""
        registry.add(
            PortKind.PROVIDER,
            "strict",
            self._build,
            plugin="strict_test",
            requires_key=True,
            capabilities=("schedules", "one_to_ones", "scores"),
        )

    def _build(self, ctx: ProviderContext) -> InMemoryProvider:
        if self.noisy and ctx.api_key is not None:
            plain = ctx.api_key.get_secret_value()
            log = logging.getLogger("httpx.test")
            log.debug("request headers: {'Authorization': 'Basic %s'}", basic_auth(plain))
            log.debug("Authorization: Basic %s", basic_auth(plain))
            log.debug("using key %s for tenant %s", plain, ctx.tenant)
            try:
                raise RuntimeError(f"a library error quoting {plain}")
            except RuntimeError:
                log.debug("handled", exc_info=True)
        return InMemoryProvider(self.backend, ctx.api_key)


def install(monkeypatch: pytest.MonkeyPatch, plugin: Any) -> None:
    """Make every CLI run load ``plugin`` (in-process) next to the installed ones."""
    from wfm_bridge.host.cli import app

    original = app.discover_cli_plugins

    def discover(blocked: Any = None, extra_plugins: Any = ()) -> Any:
        return original(blocked, [*extra_plugins, plugin])

    monkeypatch.setattr(app, "discover_cli_plugins", discover)


@dataclass
class Result:
    """Exit code and captured output of one CLI run."""

    code: int
    out: str
    err: str


def wfm(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str,
    stdin: str = "",
) -> Result:
    """Run ``wfm *args`` in-process with ``stdin`` piped in (not a terminal)."""
    from wfm_bridge.host.cli.app import run

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    capsys.readouterr()
    code = run(list(args))
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)
