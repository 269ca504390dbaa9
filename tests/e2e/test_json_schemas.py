"""Every command of the `wfm` app takes `--json`, and its output validates against its schema.

The commands come from walking the typer app (a new command fails here until it has arguments
below and a schema in host/cli/schemas.py); each runs on the embedded memory_fake default.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fuzz.cli_space import CLEARED_ENV, run_cli, walk
from pydantic import ValidationError

from e2e.cli_run import DEMO_ANCHOR
from wfm_bridge.host.cli import schemas
from wfm_bridge.host.cli.app import build_app, discover_cli_plugins

AGENT = "ana.lee@example.com"
_, COMMANDS = walk(build_app(discover_cli_plugins()))
NAMES = [c.name for c in COMMANDS if c.path]  # the bare `wfm` is not a command
START = (datetime.now(UTC) + timedelta(days=3)).replace(hour=23, minute=0, second=0)

Args = Callable[[dict[str, Any]], list[str]]
# In this order (cancel needs the booking); anything not named here runs with no arguments.
ARGS: dict[str, Args] = {
    "schedule": lambda _: [AGENT, "maria.garcia@example.com", "noah.fischer@example.com",
                           "--start", DEMO_ANCHOR, "--days", "7"],
    "mapping explain": lambda _: ["sam.t@partner.example"],
    "slots": lambda _: [AGENT, "--days", "2"],
    "meetings book": lambda _: [AGENT, "--start", START.isoformat(), "--minutes", "30",
                                "--description", "coaching\x1b[31m", "--key", "k-1",
                                "--force"],  # off schedule: this walk is about JSON
    "meetings cancel": lambda seen: [seen["meetings book"]["id"]],
    "meetings list": lambda _: ["--verify"],  # checked in the WFM system: same schema
    "scores add": lambda _: ["--evaluation", "ev-1", "--agent", AGENT, "--score", "80"],
    "scores seed": lambda _: ["--count", "5"],
    "export run": lambda _: [],
    "export worker": lambda _: ["--once"],
    "emulator serve assembled": lambda _: ["--port", "0"],
    "emulator serve genesys": lambda _: ["--port", "0"],
    "serve": lambda _: ["--port", "0"],
    "serve token create": lambda _: ["--tenant", "acme", "--label", "walk"],
    "serve token list": lambda _: [],
    "serve token revoke": lambda seen: [seen["serve token create"]["id"]],
}
STDIN = {"auth set-key": b"demo-key\n"}
# memory_fake declares no credentials: set-key refuses it (its own schema is checked below).
REFUSED_ON_THE_DEFAULT = {"auth set-key"}


def _order(names: list[str]) -> list[str]:
    first = [n for n in ARGS if n in names]
    return first + [n for n in names if n not in ARGS]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("json-walk")
    with pytest.MonkeyPatch.context() as mp:
        for var in CLEARED_ENV:
            mp.delenv(var, raising=False)
        mp.setenv("WFM_HOME", str(root / "home"))
        mp.setenv("WFM_DEMO_ANCHOR", DEMO_ANCHOR)
        mp.chdir(root)
        yield root


def _objects(command: str, out: str) -> list[Any]:
    if command == "export worker":  # JSON Lines: one object per cycle
        return [json.loads(line) for line in out.splitlines() if line.strip()]
    return [json.loads(out)]


def test_every_command_has_a_schema() -> None:
    missing = [n for n in NAMES if n not in schemas.SCHEMAS and n not in schemas.REFUSALS]
    assert not missing, f"commands without a JSON schema in host/cli/schemas.py: {missing}"
    assert set(schemas.SCHEMAS) <= set(NAMES), "a schema names a command that does not exist"


def test_every_command_takes_json_and_its_output_validates(sandbox: Path) -> None:
    seen: dict[str, Any] = {}
    for command in _order(NAMES):
        words = command.split()
        args = ARGS[command](seen) if command in ARGS else []
        run = run_cli([*words, *args, "--json"], STDIN.get(command, b""))
        refused = command in schemas.REFUSALS or command in REFUSED_ON_THE_DEFAULT
        expected = 2 if refused else 0
        assert run.code == expected, (command, run.err)
        objects = _objects(command, run.out)
        assert objects, f"`wfm {command} --json` printed no JSON"
        for data in objects:
            assert isinstance(data, dict), f"`wfm {command} --json` is not an object"
            try:
                if command in REFUSED_ON_THE_DEFAULT:
                    schemas.ERROR.model_validate(data)
                    continue
                schemas.validate(command, data)
            except ValidationError as exc:
                pytest.fail(f"`wfm {command} --json` does not match its schema: {exc}")
        seen[command] = objects[0]
    assert seen["schedule"]["partial"] is True and "partial:" not in json.dumps(seen["demo"])
    assert seen["meetings cancel"]["status"] == "cancelled"


def test_every_variant_takes_json_and_its_output_validates(sandbox: Path) -> None:
    for variant in schemas.VARIANTS:
        words = variant.split()
        assert " ".join(w for w in words if not w.startswith("-")) in NAMES, variant
        run = run_cli([*words, "--json"])
        assert run.code == 0, (variant, run.err)
        try:
            schemas.validate(variant, json.loads(run.out))
        except ValidationError as exc:
            pytest.fail(f"`wfm {variant} --json` does not match its schema: {exc}")


def test_a_failure_with_json_prints_the_error_object_too(sandbox: Path) -> None:
    run = run_cli(["meetings", "cancel", "mtg-nope", "--json"])
    assert run.code == 2 and run.err.startswith("error: no meeting")
    body = schemas.ERROR.model_validate(json.loads(run.out)).error
    assert (body.category, body.exit_code) == ("not_found", 2)


def test_schemas_refuse_offsets_and_unknown_keys() -> None:
    slot = {"start": "2025-06-03T14:00:00-05:00", "end": "2025-06-03T14:30:00Z"}
    with pytest.raises(ValidationError):
        schemas.Slot.model_validate(slot)
    with pytest.raises(ValidationError):
        schemas.Seeded.model_validate({"recorded": 1, "employees": 1, "extra": 0})
    assert schemas.main([]) == 0


def test_set_key_json_matches_its_schema(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from local.auth_world import GOOD, StrictProviderPlugin, install, wfm

    install(monkeypatch, StrictProviderPlugin())
    run = wfm(capsys, monkeypatch, "--provider", "strict", "auth", "set-key", "--json",
              stdin=GOOD + "\n")
    assert run.code == 0, run.err
    stored = schemas.validate("auth set-key", json.loads(run.out))
    assert GOOD not in run.out and stored is not None
