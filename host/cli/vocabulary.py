"""One vocabulary for scripts and people: what every `wfm` command's output has in common.

- JSON: an object at the top level; a list is ``{"items": [...], "count": N, ...}``; an agent
  or employee is always ``person(...)`` (``host_id``, ``name``, ``email``, ``agent_id``); times
  are UTC ``...Z`` and the viewer's zone is given once, as ``"timezone"``.
- Exit codes: ``EXIT_CODES`` (0 done, a partial result says so; 2 bad input; 1 failure
  elsewhere). Which errors are bad input is decided by ``ports.errors``, not here.
- Text for people: provider and user text in tables goes through ``safe_text``/``cell`` (a
  terminal escape is shown, never executed); every hint quoting a `wfm ...` command carries
  the global options this invocation was given (``with_options``).
- Progress: ``working(label)`` shows a spinner on stderr only when stderr is a terminal.
"""

from __future__ import annotations

import contextlib
import json
import re
import shlex
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import PurePath
from typing import Any

import typer

EXIT_DONE, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
EXIT_CODES: Mapping[int, str] = {
    EXIT_DONE: "done (a partial result says so on stderr and in the JSON: \"partial\": true)",
    EXIT_FAILURE: "failure elsewhere (provider unavailable, key refused, stored data broken...)",
    EXIT_BAD_INPUT: "bad input (usage, values, unknown ids, reused keys, nobody mappable)",
}


# --- JSON ------------------------------------------------------------------------------------


def utc(when: datetime) -> str:
    """An aware time as UTC ``YYYY-MM-DDTHH:MM:SSZ`` (sub-second digits kept when present)."""
    text = when.astimezone(UTC).replace(tzinfo=None).isoformat()
    return text + "Z"


def jsonable(value: Any) -> Any:
    """Models, views, dates, enums (and lists/dicts of them) as JSON data with UTC times."""
    dump = getattr(value, "model_dump", None)
    if callable(dump) and not isinstance(value, type):
        return jsonable(dump())
    if isinstance(value, datetime):
        return utc(value) if value.tzinfo is not None else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _time_text(k, jsonable(v)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


_TIME_KEY = re.compile(r"(^|_)(at|start|end|run)$")
_ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)")


def _time_text(key: object, value: Any) -> Any:
    """A time another layer already wrote as ISO text (``as_dict``), in UTC ``Z`` too."""
    if isinstance(value, str) and _TIME_KEY.search(str(key)) and _ISO_TIME.fullmatch(value):
        return utc(datetime.fromisoformat(value))
    return value


def person(
    *, host_id: str | None = None, name: str | None = None, email: str | None = None,
    agent_id: str | None = None,
) -> dict[str, str | None]:
    """The one shape of an agent or employee in JSON (unknown fields are null)."""
    return {"host_id": host_id, "name": name or None, "email": email, "agent_id": agent_id}


def employee(value: Any, agent_id: str | None = None) -> dict[str, str | None]:
    """``person`` of a host ``Employee`` (or its JSON dict), with the provider agent id."""
    data = value if isinstance(value, Mapping) else value.model_dump()
    return person(
        host_id=data.get("host_id"), name=data.get("name"), email=data.get("email"),
        agent_id=agent_id or data.get("agent_id"),
    )


def agents(data: Any) -> Any:
    """``data`` (JSON from ``as_dict``) with every ``agent_email`` field as an ``agent``
    person, so scores and export reports name the agent like every other command."""
    if isinstance(data, list):
        return [agents(v) for v in data]
    if not isinstance(data, dict):
        return data
    out = {k: agents(v) for k, v in data.items() if k != "agent_email"}
    if "agent_email" in data:
        out["agent"] = person(email=data["agent_email"])
    return out


def envelope(items: Sequence[Any], **extra: Any) -> dict[str, Any]:
    """A list as the vocabulary's object: ``{"items": [...], "count": N, **extra}``."""
    return {"items": list(items), "count": len(items), **extra}


def print_json(value: Any) -> None:
    """``value`` as indented JSON on stdout; a list is printed as its ``envelope``."""
    data = jsonable(value)
    if isinstance(data, list):
        data = envelope(data)
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def error_json(category: str, message: str, code: int) -> str:
    """The JSON printed on stdout for a failed command run with ``--json``."""
    data = {"error": {"category": category, "message": message, "exit_code": code}}
    return json.dumps(data, indent=2, ensure_ascii=False)


def partial(what: str) -> None:
    """Say on stderr that the result is partial (the exit code stays 0)."""
    typer.echo(f"partial: {what}", err=True)


# --- text for people ---------------------------------------------------------------------

_BIDI = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))


def _visible(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(text: object) -> str:
    """``text`` with terminal control characters (C0, DEL, C1, bidi overrides) shown as
    ``\\x1b``-style escapes; newlines and tabs stay."""
    s = "" if text is None else str(text)
    if s.isprintable():
        return s
    return "".join(
        _visible(ch)
        if ch not in "\n\t" and (unicodedata.category(ch) == "Cc" or ord(ch) in _BIDI)
        else ch
        for ch in s
    )


def cell(text: object) -> Any:
    """A table cell of provider or user text: control characters visible, no rich markup."""
    from rich.text import Text

    return Text(safe_text(text))


_HINT = re.compile(r"`wfm( [^`]*)?`")
_CARRIED = (("--tenant", "tenant"), ("--provider", "provider"), ("--home", "data_dir"))


def given_options(overrides: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The global options an invocation was given (from ``Runtime.overrides``), in order."""
    given = [(opt, str(overrides[key])) for opt, key in _CARRIED if overrides.get(key)]
    base_url = (overrides.get("provider_options") or {}).get("base_url")
    if base_url:
        given.insert(2, ("--base-url", str(base_url)))
    return given


def with_options(text: str, given: Iterable[tuple[str, str]]) -> str:
    """Every `wfm ...` command quoted in ``text`` with the ``given`` global options it lacks,
    so the hint works as printed (e.g. against the emulator's --base-url)."""
    given = list(given)
    if not given:
        return text

    def fill(match: re.Match[str]) -> str:
        rest = (match.group(1) or "").strip()
        words = set(rest.split())
        extra = [f"{opt} {shlex.quote(value)}" for opt, value in given if opt not in words]
        return "`" + " ".join(["wfm", *extra, *([rest] if rest else [])]) + "`"

    return _HINT.sub(fill, text)


# --- input -----------------------------------------------------------------------------------


def split_people(args: Iterable[str]) -> list[str]:
    """Emails given space- or comma-separated (in one argument or several), and display
    names (words without ``@``, kept together), in order."""
    out: list[str] = []
    for arg in args:
        for piece in arg.split(","):
            words = piece.split()
            name: list[str] = []
            for word in words:
                if "@" in word:
                    if name:
                        out.append(" ".join(name))
                        name = []
                    out.append(word)
                else:
                    name.append(word)
            if name:
                out.append(" ".join(name))
    return out or list(args)  # nothing but separators: let the caller refuse it


# --- progress --------------------------------------------------------------------------------


def progress_enabled() -> bool:
    """Progress goes to stderr only when stderr is a terminal (never for pipes or logs)."""
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(callable(isatty) and isatty())


@contextlib.contextmanager
def working(label: str) -> Iterator[None]:
    """A transient spinner with ``label`` on stderr while the block runs (terminals only)."""
    if not progress_enabled():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(safe_text(label)):
        yield
