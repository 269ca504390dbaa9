"""The `wfm` command line as data, hypothesis strategies for its arguments, and the contract
every run must keep. Shared by tests/fuzz/test_cli_fuzz.py (short) and bench/fuzz.py (long).

The command tree is read from the typer app itself (``typer.main.get_command``), so a command
or option added later is fuzzed without touching this file. Values are chosen by the
parameter's type (int, float, datetime, enum, path, flag) and, for strings, by what its name
says it holds (email, date, time zone, tenant...), always mixed with junk: empty, blank,
huge, unicode, undecodable argv bytes (surrogate escapes), option-looking text.

Contract of one run (``problems``): exit code 0, 1 or 2; on failure stderr holds exactly one
line and it starts with ``error:`` (log lines aside when a log level was asked for); never a
``Traceback`` (unless ``--debug`` was given); never ``error: unexpected ...`` (a non-WfmError
escaped a command: a bug).
"""

from __future__ import annotations

import contextlib
import enum
import io
import logging
import re
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from hypothesis import strategies as st

# --- the command tree ------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One option or argument of a command, as the fuzzer needs to know it."""

    name: str
    is_option: bool
    opts: tuple[str, ...]
    secondary: tuple[str, ...]  # --no-x of a --x/--no-x flag
    is_flag: bool
    annotation: Any
    choices: tuple[str, ...]
    variadic: bool
    required: bool
    help: str = ""


@dataclass(frozen=True)
class Command:
    """A runnable command: its path under `wfm` and its parameters."""

    path: tuple[str, ...]
    params: tuple[Param, ...]

    @property
    def name(self) -> str:
        """``wfm`` words, e.g. ``meetings book`` (``<root>`` for the bare app)."""
        return " ".join(self.path) or "<root>"


def _param(p: Any) -> Param:
    desc = p.type_descriptor
    annotation = desc.annotation
    choices = tuple(str(getattr(c, "value", c)) for c in (desc.choices or ()))
    return Param(
        name=p.name,
        is_option=p.param_type_name == "option",
        opts=tuple(p.opts),
        secondary=tuple(getattr(p, "secondary_opts", ()) or ()),
        is_flag=bool(getattr(p, "is_flag", False)),
        annotation=annotation,
        choices=choices,
        variadic=p.nargs == -1,
        required=bool(p.required),
        help=str(getattr(p, "help", None) or ""),
    )


def walk(app: typer.Typer) -> tuple[tuple[Param, ...], list[Command]]:
    """The root's global options, and every runnable command (groups that run on their own,
    like ``demo``, and the bare ``wfm`` included)."""
    root = typer.main.get_command(app)
    commands: list[Command] = []

    def visit(cmd: Any, path: tuple[str, ...]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs is None or getattr(cmd, "invoke_without_command", False) or not path:
            params = () if not path else tuple(_param(p) for p in cmd.params)
            commands.append(Command(path, params))
        for name, sub in (subs or {}).items():
            visit(sub, (*path, name))

    visit(root, ())
    return tuple(_param(p) for p in root.params), commands


# Commands that would block the fuzz run forever get a documented, bounded form:
FORCED_ARGS: dict[tuple[str, ...], tuple[str, ...]] = {
    # Without --once the worker exports every hour until SIGTERM; --once runs one real cycle.
    ("export", "worker"): ("--once",),
}
# `emulator serve` and `serve` validate their options and bind their port for real; only
# ``serve_forever`` (which blocks until Ctrl-C) is replaced by closing the socket: see
# ``no_blocking``.


# --- value strategies ------------------------------------------------------------------------

DEMO_EMAILS = (
    "ana.lee@example.com",
    " ANA.LEE@EXAMPLE.COM ",
    "maria.garcia@example.com",
    "pokafor@contractor-mail.example",
    "tom.brennan@old-helpdesk.example",
    "yuki.tanaka@example.com",
    "sam.t@partner.example",
    "noah.fischer@example.com",
    "olivia.hart@example.com",
)
ZONES = ("UTC", "Europe/London", "America/Chicago", "Asia/Kathmandu", "Pacific/Kiritimati",
         "Pacific/Pago_Pago", "Asia/Tokyo", "Etc/GMT+12", "Etc/GMT-14")
BAD_ZONES = ("Mars/Olympus", "../../etc/passwd", "/etc/localtime", "utc ", "Europe/", "+05:00",
             "Asia/Kolkata\\", "posixrules", "zone.tab", "EST5EDT,M3.2.0,M11.1.0")


def surrogates() -> st.SearchStrategy[str]:
    """Text as Python decodes undecodable argv bytes (surrogateescape): U+DC80..U+DCFF."""
    return st.text(st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF), min_size=1,
                   max_size=3).map(lambda s: f"a{s}z")


def junk() -> st.SearchStrategy[str]:
    """Values no option should accept quietly: empty, blank, huge, unicode, option-looking."""
    printable = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
    return st.one_of(
        st.sampled_from(["", " ", "\t", "\n", "-", "--", "-1", "--help", "null", "None",
                         "0", "NaN", "inf", "\u2603", "\U0001d7d8\U0001d7d9", "\u0661\u0662",
                         "\u200b", "e\u0301",
                         "'; DROP TABLE x;--", "%s%n", "{0}", "${HOME}", "$(id)"]),
        st.text(printable, max_size=30),
        st.text(printable, min_size=200, max_size=300).map(lambda s: s * 20),  # ~5k chars
        surrogates(),
    )


def dates() -> st.SearchStrategy[str]:
    """Dates: around the demo weeks, edges of the calendar, and wrong ones."""
    valid = st.dates().map(lambda d: d.isoformat())
    near = st.integers(0, 75).map(lambda i: f"2024-{6 + (2 + i) // 30:02d}-{1 + (2 + i) % 28:02d}")
    wrong = st.sampled_from(["2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "0000-01-01",
                             "0001-01-01", "9999-12-31", "9999-12-24", "10000-01-01", "20240603",
                             "2024-6-3", "03/06/2024", "2024-06-03T10:00",
                             "\uff12\uff10\uff12\uff14-\uff10\uff16-\uff10\uff13",  # fullwidth
                             "-2024-06-03", "2024-06-03\x0b", "999999999-01-01", "today"])
    return st.one_of(near, near, valid, wrong)


def datetimes() -> st.SearchStrategy[str]:
    """ISO date-times with and without offsets, at the calendar's edges, and wrong ones."""
    valid = st.datetimes().map(lambda d: d.isoformat(timespec="minutes"))
    offset = st.sampled_from(["", "Z", "+00:00", "-06:00", "+14:00", "+23:59", "-24:00", "+5"])
    near = st.tuples(st.integers(3, 80), st.integers(0, 23), st.sampled_from([0, 15, 30, 45]),
                     offset).map(lambda t: f"2024-{6 + t[0] // 28:02d}-{1 + t[0] % 28:02d}"
                                           f"T{t[1]:02d}:{t[2]:02d}{t[3]}")
    future = st.tuples(st.integers(2027, 2031), st.integers(1, 12), st.integers(1, 28),
                       st.integers(6, 18), offset).map(
        lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}T{t[3]:02d}:00{t[4]}")
    edges = st.sampled_from(["9999-12-31T23:59", "9999-12-31T23:50+00:00", "0001-01-01T00:00",
                             "0001-01-01T00:00+05:00", "9999-12-31T23:59-14:00", "2024-06-03",
                             "2024-06-03T25:00", "2024-06-03T10:00:60", "2024-06-03 10:00",
                             "1970-01-01T00:00Z", "2038-01-19T03:14:08Z"])
    return st.one_of(near, future, future, future, valid, edges)


def ints() -> st.SearchStrategy[str]:
    """Integers as text: small, edges, negative, huge, and not-quite-integers."""
    return st.one_of(
        st.integers(1, 60).map(str),
        st.integers(-3, 100).map(str),
        st.sampled_from(["7", "14", "60", "61", "6", "0", "1", "15", "30", "480", "1440",
                         "10000", "10001", "100000", "2147483648", "-2147483649",
                         "9" * 30, "1" * 5000, "1e3", "0x10", "0b1", "1_000", " 7 ", "+7",
                         "7.0", "7.5", "\u0667", "\uff17", "inf", "nan", "", "true"]),
    )


def floats() -> st.SearchStrategy[str]:
    """Floats as text: ordinary, edges, non-finite, and wrong."""
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.sampled_from(["0", "-0.0", "100", "1e308", "1e309", "-1e309", "inf", "-inf", "nan",
                         "5e-324", "1_0", "0x1p3", "\u0661\u0660\u0660", "1,5", ""]),
    )


def emails() -> st.SearchStrategy[str]:
    """Employee emails: demo ones (mapped and not), case/space variants, and wrong ones."""
    local = st.text(st.characters(min_codepoint=33, max_codepoint=0x2FFF,
                                  exclude_categories=["Cs"], exclude_characters="@ "),
                    min_size=1, max_size=12)
    made = st.tuples(local, local).map(lambda t: f"{t[0]}@{t[1]}.example")
    wrong = st.sampled_from(["ana.lee", "@example.com", "ana@", "a@b@c", "ana lee@example.com",
                             "ANA.LEE@EXAMPLE.COM\u200b", "\uff41\uff4e\uff41@example.com",
                             "<ana@x.io>"])
    demo = st.sampled_from(DEMO_EMAILS)
    return st.one_of(demo, demo, demo, made, wrong)


def zones() -> st.SearchStrategy[str]:
    """Time zones: real IANA names and things that are not."""
    return st.sampled_from(ZONES + ZONES + BAD_ZONES)


def ids() -> st.SearchStrategy[str]:
    """Ids of meetings, evaluations, activities: plausible, reused, and odd."""
    return st.one_of(
        st.sampled_from(["mtg-1", "eval-1", "eval-2", "a" * 64, "0", "../x", "x/y", "-x"]),
        st.text("abcdef0123456789-", min_size=1, max_size=40),
    )


def tenants() -> st.SearchStrategy[str]:
    """Tenant names: the default, another valid one, and invalid ones."""
    valid = st.sampled_from(["default", "acme", "acme-2.eu", "A" * 64])
    invalid = st.sampled_from(["A" * 65, "../etc", ".hidden", "a b", "\u00fcmlaut", "x/y", "-x"])
    return st.one_of(valid, valid, valid, invalid)


def providers() -> st.SearchStrategy[str]:
    """Provider names: installed ones and unknown ones."""
    return st.sampled_from(["memory_fake", "memory_fake", "assembled", "nope", "MEMORY_FAKE",
                            "memory_fake "])


def base_urls() -> st.SearchStrategy[str]:
    """Base URLs that never reach the network: loopback (closed port), refused, malformed."""
    return st.sampled_from([
        "http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9", "https://127.0.0.1:9",
        "http://example.com", "http://10.0.0.1", "http://[::2]", "http://127.0.0.1.evil.com",
        "ftp://127.0.0.1", "127.0.0.1:9", "http://", "https://user:pw@127.0.0.1:9", "http://:9",
        "http://127.0.0.1:99999", "http://[::1", "http://127.0.0.1:9/v0?x=1#f", "",
    ])


def levels() -> st.SearchStrategy[str]:
    """Log levels: valid in any case, and not."""
    return st.sampled_from(["DEBUG", "info", "Warning", "ERROR", "CRITICAL", "TRACE", "10",
                            "NOTSET"])


def paths() -> st.SearchStrategy[str]:
    """Relative paths under the run's working directory (never outside it): fresh files,
    existing directories, missing parents, over-long names, and odd characters."""
    return st.sampled_from([
        "out.html", "out.json", "out.ics", "sub/missing/out.html", "home-b", "home-b/vault.json",
        ".", "existing-dir", "existing-file", "existing-file/x", "n" * 300, "a\udcffb",
        "", " ", "-", "\u2603.html", "con:",
    ])


_NAME_HINTS: tuple[tuple[re.Pattern[str], Any], ...] = (
    (re.compile(r"email|agent|facilitator"), emails),
    (re.compile(r"^(start|first)$"), lambda: st.one_of(dates(), datetimes(), datetimes())),
    (re.compile(r"evaluated_at"), datetimes),
    (re.compile(r"timezone|^tz$"), zones),
    (re.compile(r"tenant"), tenants),
    (re.compile(r"provider"), providers),
    (re.compile(r"base_url"), base_urls),
    (re.compile(r"log_level"), levels),
    (re.compile(r"status"), lambda: st.sampled_from(["pending", "BOOKED", "cancelled", "canceled",
                                                     "done"])),
    (re.compile(r"^seed$"), lambda: st.sampled_from(["demo", "empty", "full"])),
    (re.compile(r"_id$|^evaluation$|^key$|^scorecard$"), ids),
)


def value_strategy(param: Param, dirty: bool = False) -> st.SearchStrategy[str]:
    """Text for one value of ``param``; in a ``dirty`` run, sometimes junk instead."""
    typed = _typed_values(param)
    return st.one_of(typed, typed, typed, junk()) if dirty else typed


def _typed_values(param: Param) -> st.SearchStrategy[str]:
    """Values by type first, then by what the name says (edge and wrong values included)."""
    annotation = param.annotation
    inner = getattr(annotation, "__args__", None)
    if inner and len(inner) == 1:  # list[str] arguments: each element like a str
        annotation = inner[0]
    if param.choices:
        good = st.sampled_from(param.choices)
        return st.one_of(good, good, good.map(str.upper), st.sampled_from(["", "xml", "1"]))
    if annotation is Path:
        return paths()
    if annotation is bool:
        return st.sampled_from(["true", "false", "1", "yes", "maybe", ""])
    if annotation is int:
        return ints()
    if annotation is float:
        return floats()
    if annotation is datetime:
        return datetimes()
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):  # pragma: no cover
        return st.sampled_from([str(m.value) for m in annotation])
    if "ISO 8601" in param.help:  # the option's help says it takes a date-time
        return datetimes()
    if "YYYY-MM-DD" in param.help:
        return dates()
    for pattern, make in _NAME_HINTS:
        if pattern.search(param.name):
            result: st.SearchStrategy[str] = make()
            return result
    return st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
                   max_size=20)


# --- argv ------------------------------------------------------------------------------------

UNKNOWN_OPTIONS = ("--bogus", "--json=yes", "-x", "--days=", "--=", "---", "-")


@st.composite
def _param_tokens(draw: st.DrawFn, param: Param, dirty: bool) -> list[list[str]]:
    """Token groups for one parameter (each group stays together when the order is shuffled).
    A clean run gives every required parameter; a dirty one sometimes leaves one out."""
    present = draw(st.integers(0, 9)) > 0 if param.required and dirty else (
        param.required or draw(st.booleans()))
    if not present:
        return []
    if param.is_option:
        opt = draw(st.sampled_from(param.opts + param.secondary))
        if param.is_flag:
            return [[opt]]
        groups = [[opt, draw(value_strategy(param, dirty))]]
        if dirty and draw(st.integers(0, 4)) == 0:  # repeated: the last one wins, or an error
            groups.append([opt, draw(value_strategy(param, dirty))])
        return groups
    count = draw(st.integers(1, 3)) if param.variadic else 1
    return [[draw(value_strategy(param, dirty))] for _ in range(count)]


@st.composite
def argv_for(draw: st.DrawFn, globals_: tuple[Param, ...], command: Command) -> list[str]:
    """A whole argument list for ``command``: some global options, the command words, its
    parameters in any order. Half the runs are "dirty": junk values, and sometimes something
    extra, something missing, or a mistyped command word."""
    dirty = draw(st.booleans())
    head: list[str] = []
    for param in globals_:
        if param.name == "home" or draw(st.integers(0, 3 if dirty else 7)) != 0:
            continue  # --home only through the line below: the run's data stays in its sandbox
        for group in draw(_param_tokens(param, dirty)):
            head += group
    if draw(st.integers(0, 9)) == 0:
        head += ["--home", draw(st.sampled_from(["home-b", "existing-file", "", "n" * 300]))]
    groups: list[list[str]] = []
    for param in command.params:
        groups += draw(_param_tokens(param, dirty))
    groups = list(draw(st.permutations(groups))) if groups else []
    tail = [t for g in groups for t in g]
    path = list(command.path)
    if dirty:
        extra = draw(st.integers(0, 9))
        if extra == 0:
            tail.append(draw(st.sampled_from(UNKNOWN_OPTIONS)))
        elif extra == 1:
            tail.append(draw(junk()))  # a stray positional argument
        elif extra == 2 and tail:
            tail.pop()  # an option left without its value, or a missing argument
        elif extra == 3:
            tail.append("--help")
        elif extra == 4:
            tail = ["--", *tail]
        elif extra == 5 and path:  # a mistyped command word
            path[-1] = path[-1][:-1] or "x"
    return [*head, *path, *tail, *FORCED_ARGS.get(command.path, ())]


def stdin_for(command: Command) -> st.SearchStrategy[bytes]:
    """What is piped in (never a terminal): mostly nothing; keys for ``auth set-key``,
    including bytes that are not UTF-8."""
    if command.path != ("auth", "set-key"):
        return st.just(b"")
    return st.one_of(
        st.sampled_from([b"", b"   \n", b"two words", b"sk_live_" + b"Ab3" * 10 + b"xy\n",
                         b"sk_live_\xff\xfe", b"\x00" * 8, b"\xef\xbb\xbfsk_live_bom"]),
        st.binary(max_size=64),
        junk().filter(lambda s: "\x00" not in s).map(
            lambda s: s.encode("utf-8", "surrogateescape")),
    )


STDIN_DECODING = st.sampled_from(["strict", "surrogateescape"])


# --- running ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One CLI invocation and everything it produced."""

    argv: tuple[str, ...]
    stdin: bytes
    stdin_errors: str  # how the pipe decodes bad bytes: "strict" or "surrogateescape"
    code: int | None
    out: str
    err: str
    raised: str | None  # run() itself raised (it never should)
    seconds: float

    @property
    def debug(self) -> bool:
        """``--debug`` was given: tracebacks are allowed."""
        return "--debug" in self.argv


def _strict_stream() -> io.TextIOWrapper:
    # Like a UTF-8 terminal: writing an undecodable argv byte back raises, as it would there.
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)


def _read(stream: io.TextIOWrapper) -> str:
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8", errors="backslashreplace")


@contextlib.contextmanager
def no_blocking() -> Iterator[None]:
    """`emulator serve` and `serve` return instead of serving forever (sockets closed)."""
    from wfm_bridge.host.http.server import HttpServer
    from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer
    from wfm_bridge.plugins.genesys.emulator.server import EmulatorServer as GenesysServer

    servers: tuple[Any, ...] = (EmulatorServer, HttpServer, GenesysServer)
    originals = [cls.serve_forever for cls in servers]

    def closed(self: Any) -> None:
        self._sock.close()

    for cls in servers:
        cls.serve_forever = closed
    try:
        yield
    finally:
        for cls, original in zip(servers, originals, strict=True):
            cls.serve_forever = original


def run_cli(argv: list[str], stdin: bytes = b"", stdin_errors: str = "strict") -> Run:
    """Run ``wfm argv`` in-process with ``stdin`` piped in (bad bytes decoded the way a
    pipe does: ``strict`` or ``surrogateescape``, by locale); restore what the run changed
    globally (streams, root logger, signal handlers)."""
    from wfm_bridge.host.cli.app import run

    root = logging.getLogger()
    saved_logging = (list(root.handlers), root.level)
    saved_signals = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    out, err = _strict_stream(), _strict_stream()
    saved_streams = (sys.stdin, sys.stdout, sys.stderr)
    piped = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8", errors=stdin_errors)
    sys.stdin, sys.stdout, sys.stderr = piped, out, err
    code: int | None = None
    raised: str | None = None
    started = time.perf_counter()
    try:
        with no_blocking():
            code = run(list(argv))
    except BaseException as exc:  # the contract is that run() never raises
        raised = f"{type(exc).__name__}: {exc}"
    finally:
        seconds = time.perf_counter() - started
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        root.handlers[:] = saved_logging[0]
        root.setLevel(saved_logging[1])
        for sig, handler in saved_signals.items():
            signal.signal(sig, handler)
    return Run(tuple(argv), stdin, stdin_errors, code, _read(out), _read(err), raised, seconds)


# --- the contract ----------------------------------------------------------------------------

_LOG_LINE = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.-]+: ")


def outcome(run: Run) -> str:
    """ok / usage error / validation / other error (or ``broken`` for a contract breach)."""
    if run.raised is not None or run.code not in (0, 1, 2):
        return "broken"
    if run.code == 0:
        return "ok"
    if run.code == 2:
        return "usage error" if "(see `wfm --help`)" in run.err else "validation"
    return "other error"


def problems(run: Run) -> list[str]:
    """How this run breaks the contract (empty: it keeps it)."""
    found: list[str] = []
    if run.raised is not None:
        found.append(f"run() raised {run.raised}")
    elif run.code not in (0, 1, 2):
        found.append(f"exit code {run.code}")
    if "error: unexpected" in run.err:
        found.append("an internal error escaped: " + _error_line(run.err))
    if not run.debug and "Traceback" in run.out + run.err:
        found.append("a traceback was printed")
    if run.code not in (None, 0):
        lines = [line for line in run.err.splitlines() if line.strip()]
        if not run.debug:
            lines = [line for line in lines if not _LOG_LINE.match(line)]
            if len(lines) != 1 or not lines[0].startswith("error: "):
                found.append(f"stderr is not one `error:` line: {run.err[-300:]!r}")
        elif not lines or not lines[-1].startswith("error: "):
            found.append(f"stderr does not end with an `error:` line: {run.err[-300:]!r}")
    return found


def _error_line(err: str) -> str:
    return next((line for line in err.splitlines() if line.startswith("error:")), err)[:300]


# --- the sandbox -----------------------------------------------------------------------------

CLEARED_ENV = ("WFM_TENANT", "WFM_PROVIDER", "WFM_TIMEZONE", "WFM_VAULT", "WFM_CACHE",
               "WFM_STATE", "WFM_DIRECTORY", "WFM_SCORES", "WFM_DEBUG", "WFM_LOG_LEVEL",
               "WFM_MASTER_KEYS", "WFM_WORK_HOURS", "WFM_AVAILABLE_TYPES")


def sandbox_env(root: Path) -> dict[str, str]:
    """Prepare ``root`` as the runs' working directory (the relative paths ``paths`` draws
    from) and return the environment they run in: the embedded memory_fake default with its
    data under ``root``, the demo calendar pinned, Assembled pointed at a closed loopback
    port, and the controllable clock (a retry's backoff costs no wall time)."""
    (root / "existing-dir").mkdir(parents=True, exist_ok=True)
    (root / "existing-file").write_text("not a directory\n")
    return {
        "WFM_HOME": str(root / "home"),
        "WFM_DEMO_ANCHOR": "2024-06-03",
        "WFM_BASE_URL": "http://127.0.0.1:9",
        "WFM_CLOCK": "memory",
    }


# --- bad inputs and their classification -------------------------------------------------------

_SOON = "2031-06-03T10:00"  # a future start (the sandbox's clock is the wall clock)
_AGENT = "ana.lee@example.com"
_BOOK = ("meetings", "book", _AGENT, "--start", _SOON, "--force")  # off schedule on purpose

# Hand-typed bad inputs, run in this order in one sandbox: each must exit 2 with one `error:`
# line (bad input: usage, values, unknown ids, reused keys, nobody mappable). Entries
# expected to exit 0 set up the state the next one needs (a booking whose key is then reused).
BAD_INPUTS: tuple[tuple[tuple[str, ...], int, bytes], ...] = tuple(
    (argv, code, stdin) for argv, code, stdin in [
        (("schedule", "nobody@example.com", "--days", "7"), 2, b""),
        (("schedule", "yuki.tanaka@example.com", "--days", "7"), 2, b""),
        (("schedule", "No Such Person", "--days", "7"), 2, b""),
        (("schedule", "Sam Taylor", "--days", "7"), 2, b""),
        (("schedule", _AGENT, "--days", "6"), 2, b""),
        (("schedule", _AGENT, "--days", "61"), 2, b""),
        (("schedule", _AGENT, "--start", "2024-02-30"), 2, b""),
        (("schedule", _AGENT, "--start", "tomorrow"), 2, b""),
        (("schedule", ","), 2, b""),
        (("schedule", _AGENT, "--format", "xml"), 2, b""),
        (("schedule", _AGENT, "--json", "--format", "html"), 2, b""),
        (("schedule", _AGENT, "--format", "html", "--output", "existing-dir"), 2, b""),
        (("schedule", _AGENT, "--format", "html", "--output", "sub/missing/x.html"), 2, b""),
        (("schedule",), 2, b""),
        (("slots", "nobody@example.com"), 2, b""),
        (("slots", _AGENT, "--days", "15"), 2, b""),
        (("slots", _AGENT, "--days", "0"), 2, b""),
        (("slots", _AGENT, "--minutes", "0"), 2, b""),
        (("slots", _AGENT, "--from", "2020-01-06", "--days", "1"), 2, b""),
        (("meetings", "book", _AGENT, "--start", "soon", "--minutes", "30"), 2, b""),
        (("meetings", "book", _AGENT, "--start", "2020-01-01T10:00", "--minutes", "30"), 2, b""),
        ((*_BOOK, "--minutes", "0"), 2, b""),
        ((*_BOOK, "--minutes", "600"), 2, b""),
        (("meetings", "book", "nobody@example.com", "--start", _SOON, "--minutes", "30"), 2, b""),
        (("meetings", "book", "yuki.tanaka@example.com", "--start", _SOON, "--minutes", "30"),
         2, b""),
        ((*_BOOK, "--minutes", "30", "--key", "fuzz-key"), 0, b""),
        ((*_BOOK, "--minutes", "45", "--key", "fuzz-key"), 2, b""),
        (("meetings", "cancel", "mtg-does-not-exist"), 2, b""),
        (("meetings", "cancel", " "), 2, b""),
        (("meetings", "list", "--status", "done"), 2, b""),
        (("meetings", "modify", "mtg-1"), 2, b""),
        (("meetings", "bulk-delete"), 2, b""),
        (("mapping", "explain", "  "), 2, b""),
        (("--tz", "Mars/Olympus", "schedule", _AGENT), 2, b""),
        (("--tenant", "../etc", "mapping", "show"), 2, b""),
        (("--provider", "nope", "schedule", _AGENT), 2, b""),
        (("scores", "add", "--evaluation", "e1", "--agent", "not-an-email", "--score", "5"),
         2, b""),
        (("scores", "add", "--evaluation", "e1", "--agent", _AGENT, "--score", "500"), 2, b""),
        (("scores", "seed", "--count", "0"), 2, b""),
        (("export", "run", "--batch-size", "0"), 2, b""),
        (("auth", "set-key"), 2, b""),
        (("auth", "set-key", "sk_live_on_the_command_line"), 2, b"x"),
        (("auth", "status", "--bogus"), 2, b""),
        (("emulator", "serve", "--seed", "full"), 2, b""),
        (("emulator", "serve", "--port", "70000"), 2, b""),
        (("--log-level", "TRACE", "plugins"), 2, b""),
    ]
)


def misclassified(run: Run, expected: int) -> str | None:
    """Why ``run`` of a BAD_INPUTS entry is misclassified (None: exit code and message as
    documented)."""
    if run.code != expected:
        return f"exit {run.code}, expected {expected}: {_error_line(run.err)}"
    if expected == 2 and problems(run):
        return "; ".join(problems(run))
    return None
