"""A world for `wfm auth` tests: the real CLI and local vault, strict fake provider plugins.

The ``strict`` provider (one secret ``api_key``) is memory_fake's InMemoryProvider over a
FakeWfmBackend that accepts only ``GOOD`` (like Assembled: a 401 for anything else),
registered through a test plugin on the same hook real plugins use. The ``oauth`` provider
declares two fields, a public ``client_id`` and a secret ``client_secret``, and a secret
pattern for its tokens; it accepts only ``CLIENT_ID`` with ``CLIENT_SECRET``. ``noisy`` makes
either log its credentials the way a careless HTTP library would (and ``oauth`` also an access
token nobody registered, which only its declared pattern can catch), so redaction is proven on
real log records.
"""

from __future__ import annotations

import base64
import io
import logging
import sys
from dataclasses import dataclass, field
from typing import Any

import pytest
from pydantic import SecretStr

from wfm_bridge.plugins.memory_fake.backend import FakeWfmBackend
from wfm_bridge.plugins.memory_fake.provider import InMemoryProvider
from wfm_bridge.ports import hookimpl
from wfm_bridge.ports.credentials import API_KEY, CredentialField
from wfm_bridge.ports.models import ActivityType
from wfm_bridge.ports.registry import AdapterRegistry, PortKind, ProviderContext

GOOD = "sk_live_Q7w9E2r4T6y8U1i3O5p7A9s2D4f6G8h1"
BAD = "sk_live_Zx8Cv6Bn4Mm2Ll0Kk9Jj7Hh5Gg3Ff1Dd"
CLIENT_ID = "acme-integration-7"
CLIENT_SECRET = "ocs_Mk3Pn8Rt2Wv6Yb1Hd5Jf9Lq4Sx7Zc0Ga"
WRONG_SECRET = "ocs_Tq6Vn1Xb8Kd3Mf5Hj2Lp9Rs4Wz7Yc0Ea"
TOKEN = "oat_" + "Vx8Kd3Nq6Rm1Tz4Wb7Yc2Hf5Jl9Pg0Sa"  # an access token nobody registers
OAUTH_FIELDS = (
    CredentialField("client_id", secret=False, label="client ID"),
    CredentialField("client_secret", label="client secret"),
)
OAUTH_PATTERNS = (r"\bocs_[A-Za-z0-9]{16,}", r"\boat_[A-Za-z0-9]{16,}")
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
            credentials=(API_KEY,),
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


def oauth_backend() -> FakeWfmBackend:
    """A fake WFM backend that accepts only ``CLIENT_ID`` with ``CLIENT_SECRET``."""
    return FakeWfmBackend(
        activity_types=[SHIFT, MEETING], accepted_keys=[f"{CLIENT_ID}:{CLIENT_SECRET}"]
    )


@dataclass
class OAuthProviderPlugin:
    """Test plugin registering provider ``oauth``: a client id and a client secret."""

    backend: FakeWfmBackend = field(default_factory=oauth_backend)
    noisy: bool = False
    built: list[dict[str, str]] = field(default_factory=list)  # the credentials each build got

    @hookimpl
    def wfm_register_adapters(self, registry: AdapterRegistry) -> None:
        """Register the two-field provider."""
        registry.add(
            PortKind.PROVIDER, "oauth", self._build, plugin="oauth_test",
            credentials=OAUTH_FIELDS, secret_patterns=OAUTH_PATTERNS,
            capabilities=("schedules", "one_to_ones", "scores"),
        )

    def _build(self, ctx: ProviderContext) -> InMemoryProvider:
        plain = {n: v.get_secret_value() for n, v in ctx.credentials.items()}
        self.built.append(plain)
        if self.noisy and plain:
            log = logging.getLogger("httpx.test")
            body = f"grant_type=client_credentials&client_id={plain['client_id']}"
            log.debug("POST /oauth/token %s&client_secret=%s", body, plain["client_secret"])
            log.debug("Authorization: Basic %s", basic_auth(plain["client_secret"]))
            log.debug("token answer {'access_token': '%s'}", TOKEN)
            try:
                raise RuntimeError(f"token refused for {plain['client_secret']}")
            except RuntimeError:
                log.debug("handled", exc_info=True)
        pair = f"{plain.get('client_id')}:{plain.get('client_secret')}" if plain else None
        return InMemoryProvider(self.backend, SecretStr(pair) if pair else None)


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
