"""Every command line quoted in README's tables (and docs/worker.md) runs: `--help` at least,
and each option it shows is one `--help` lists, so README and the CLI agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from e2e.cli_run import Cli

ROOT = Path(__file__).resolve().parents[2]
_QUOTED = re.compile(r"`([^`]+)`")
_WORD = re.compile(r"[a-z][a-z0-9-]*")


def _table_commands(text: str) -> list[str]:
    """`wfm ...` lines in the first cell of table rows; `a` / `b` continue the first's group."""
    found: list[str] = []
    for line in text.splitlines():
        if not line.startswith("| `wfm"):
            continue
        first_cell = re.split(r"(?<!\\)\|", line)[1]
        quoted = [q.replace("\\|", "|") for q in _QUOTED.findall(first_cell)]
        head = quoted[0].split()
        group = head[:2] if len(head) > 2 and _WORD.fullmatch(head[2]) else head[:1]
        for q in quoted:
            found.append(q if q.startswith("wfm") else " ".join([*group, q]))
    return found


def _doc_commands(text: str) -> list[str]:
    """`wfm ...` invocations inside the code blocks of a doc (path prefixes dropped)."""
    return [m.group(1) for m in re.finditer(r"(?:^|[\s/])(wfm (?:[a-z][a-z-]* ?)+(?:--\S+ ?)*)",
                                            text, re.M)]


README = (ROOT / "README.md").read_text()
WORKER = (ROOT / "docs" / "worker.md").read_text()
QUOTED = sorted(set(_table_commands(README)) | set(_doc_commands(WORKER)))


def _split(line: str) -> tuple[list[str], list[str]]:
    """The command words and the options of a quoted command line."""
    tokens = line.replace("[", " ").replace("]", " ").split()[1:]
    words: list[str] = []
    for token in tokens:
        if not _WORD.fullmatch(token):
            break
        words.append(token)
    options = sorted({re.split(r"[=|]", t)[0] for t in tokens if t.startswith("--")})
    return words, options


def test_the_tables_quote_every_command_group() -> None:
    groups = {_split(line)[0][0] for line in QUOTED if _split(line)[0]}
    assert {"demo", "plugins", "mapping", "schedule", "activity-types", "meetings", "slots",
            "scores", "export", "auth", "emulator"} <= groups
    assert "wfm demo --reset" not in README and "wfm demo reset" in README


@pytest.mark.parametrize("line", QUOTED)
def test_a_quoted_command_runs_and_its_options_exist(
    line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    words, options = _split(line)
    result = Cli(capsys)(*words, "--help")
    assert result.code == 0, (line, result.err)
    assert words[-1] in result.out.split("Usage:", 1)[1].split("\n", 1)[0], line
    for option in options:
        assert option in result.out, f"README quotes {option} for `wfm {' '.join(words)}`"
