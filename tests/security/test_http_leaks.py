"""The Assembled API key never leaks over real HTTP, on the happy path or the failing ones;
and plain http:// is refused for anything but loopback.

A known key (``sk_live_`` + 32 alphanumerics) is set through the CLI against the emulator on
loopback, then schedules, free slots, meetings (book, list, cancel, reconcile) and the score
export (run, status, worker) go through it at DEBUG, with httpx and httpcore logging; then a
401 (the key revoked), standing 5xx answers and dropped connections, with and without
``--debug``. The provider is also driven directly, including a read timeout. Neither the key
nor base64(key + ":") (what Basic auth sends) may appear in: log records (pytest's caplog at
DEBUG, a handler on the root logger, and raw handlers on the httpx/httpcore/wfm loggers that
see records before the CLI's redacting filter can), exception text and chained causes,
reprs, stdout/stderr, or any file under the data directory.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import signal
import traceback
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from local.auth_world import Result, wfm
from pydantic import SecretStr

from wfm_bridge.plugins.assembled.client import check_base_url
from wfm_bridge.plugins.assembled.config import AssembledConfig
from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.assembled.emulator.seed import seed_demo
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer
from wfm_bridge.plugins.assembled.provider import AssembledProvider
from wfm_bridge.plugins.emulation.faults import Fault
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.errors import (
    AuthError,
    InvalidInputError,
    OutcomeUnknownError,
    UnavailableError,
    WfmError,
)
from wfm_bridge.ports.models import OneToOne, ScorePush
from wfm_bridge.ports.schedule_source import collect

KEY = "sk_live_Tq7Lm2Xc9Vb4Nz1Kd8Rf3Hg6Jw5Py0Sa"
WRONG = "sk_live_Ue4Io8Pa2Sd6Fg0Hj3Kl7Zx1Cv5Bn9M"
ANCHOR = date(2024, 6, 3)  # the emulator's demo weeks start here
AGENT = "ana.lee@example.com"
TOMORROW = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
LOGGERS = ("httpx", "httpcore", "wfm", "uvicorn")


def forms(key: str) -> list[str]:
    """The key and what Basic auth sends for it (also in URL-safe base64, without ':')."""
    basic = f"{key}:".encode()
    return [key, base64.b64encode(basic).decode(), base64.urlsafe_b64encode(basic).decode(),
            base64.b64encode(key.encode()).decode()]


def assert_clean(what: str, text: str | bytes) -> None:
    data = text.encode("utf-8", "backslashreplace") if isinstance(text, str) else text
    for key in (KEY, WRONG):
        for form in forms(key):
            assert form.encode() not in data, f"{what}: a form of the key leaked ({form[:12]}...)"


def files_under(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file())


class Capture(logging.Handler):
    """Keeps every record it sees, formatted with its exception text."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def emulator() -> Iterator[tuple[Emulator, EmulatorServer]]:
    emu = Emulator(EmulatorConfig(keys=(KEY,), rate=1000, burst=1000))
    seed_demo(emu.state, ANCHOR, anchor=ANCHOR)
    with EmulatorServer(emu) as server:
        yield emu, server


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[tuple[Capture, Capture]]:
    """(a handler on the root logger, a raw handler on the HTTP and product loggers)."""
    caplog.set_level(logging.DEBUG)
    root, raw = Capture(), Capture()
    logging.getLogger().addHandler(root)
    saved = {name: logging.getLogger(name).level for name in LOGGERS}
    for name in LOGGERS:
        logging.getLogger(name).addHandler(raw)
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield root, raw
    logging.getLogger().removeHandler(root)
    for name, level in saved.items():
        logging.getLogger(name).removeHandler(raw)
        logging.getLogger(name).setLevel(level)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("WFM_HOME", str(tmp_path))
    monkeypatch.setenv("WFM_CLOCK", "memory")  # retry backoff costs no wall time
    for var in ("WFM_VAULT", "WFM_CACHE", "WFM_STATE", "WFM_MASTER_KEYS", "WFM_PROVIDER",
                "WFM_BASE_URL", "WFM_TENANT", "WFM_DEBUG", "WFM_LOG_LEVEL"):
        monkeypatch.delenv(var, raising=False)
    signals = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    yield tmp_path
    for sig, handler in signals.items():  # `export worker` installs its own
        signal.signal(sig, handler)


def test_every_command_over_http_at_debug_leaks_nothing_even_when_failing(
    emulator: tuple[Emulator, EmulatorServer],
    home: Path,
    logs: tuple[Capture, Capture],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emu, server = emulator
    p = ("--log-level", "DEBUG", "--provider", "assembled", "--base-url", server.base_url)

    def run(*args: str, stdin: str = "", code: int = 0) -> Result:
        result = wfm(capsys, monkeypatch, *p, *args, stdin=stdin)
        assert result.code == code, (args, result.err[-400:])
        return result

    runs = [run("auth", "set-key", stdin=KEY), run("auth", "status", "--json")]
    runs += [run("schedule", AGENT, "--start", ANCHOR.isoformat(), "--days", "7", "--json"),
             run("slots", AGENT, "--from", TOMORROW, "--days", "1", "--minutes", "30")]
    booked = run("meetings", "book", AGENT, "--start", f"{TOMORROW}T10:00", "--minutes", "30",
                 "--description", "coaching", "--force", "--json")
    runs += [booked, run("meetings", "list", "--json"),
             run("meetings", "cancel", json.loads(booked.out)["id"]),
             run("meetings", "reconcile")]
    runs += [run("scores", "seed", "--count", "5"), run("export", "run", "--dry-run"),
             run("export", "run"), run("export", "status", "--json"),
             run("export", "worker", "--once")]
    assert len(emu.state.scores) > 0  # the export really reached the emulator

    # 5xx on every request, then dropped connections: retried, then one clear error
    emu.faults.add(Fault(kind="status", status=503, times=None))
    runs += [run("activity-types", "--refresh", code=1),
             run("--debug", "schedule", AGENT, "--start", ANCHOR.isoformat(), "--days", "7",
                 code=1)]
    emu.faults.clear()
    emu.faults.add(Fault(kind="drop", times=None))
    runs += [run("mapping", "refresh", code=1),
             run("--debug", "meetings", "book", AGENT, "--start", f"{TOMORROW}T11:00",
                 "--minutes", "30", "--force", code=1)]
    emu.faults.clear()
    # 401: the key was revoked in Assembled; a wrong key is refused before it is stored
    emu.configure(keys=(WRONG + "x",))
    runs += [run("schedule", AGENT, "--start", ANCHOR.isoformat(), "--days", "7", code=1),
             run("scores", "seed", "--count", "2"), run("--debug", "export", "run", code=1),
             run("auth", "set-key", stdin=WRONG, code=1),
             run("--debug", "auth", "set-key", stdin=WRONG, code=1)]
    assert "invalid or expired" in runs[-1].err and "Traceback" in runs[-1].err

    root, raw = logs
    assert "HTTP Request: GET" in raw.text() and "send_request_headers" in raw.text()
    for i, result in enumerate(runs):
        assert_clean(f"run {i} stdout", result.out)
        assert_clean(f"run {i} stderr", result.err)
    assert_clean("caplog", caplog.text)
    for record in caplog.records:
        assert_clean("caplog record", record.getMessage() + (record.exc_text or ""))
    assert_clean("root handler", root.text())
    assert_clean("raw http/product loggers", raw.text())
    assert_clean("files under the data dir", files_under(home))
    assert len(files_under(home)) > 0


def _failures(provider: AssembledProvider, emu: Emulator) -> list[BaseException]:
    """The errors of the failing paths: 5xx, dropped connection, read timeout, 401."""
    caught: list[BaseException] = []
    new = OneToOne(reference="mtg-leak", agent_id="x", start=datetime(2030, 1, 7, 10, tzinfo=UTC),
                   end=datetime(2030, 1, 7, 11, tzinfo=UTC), title="One To One")
    for fault, call, expected in (
        (Fault(kind="status", status=502, times=None), provider.list_people, UnavailableError),
        (Fault(kind="drop", times=None), provider.list_activity_types, UnavailableError),
        (Fault(kind="hang", seconds=5.0, method="POST", times=1),
         lambda: provider.book(new), OutcomeUnknownError),
    ):
        emu.faults.add(fault)
        with pytest.raises(expected) as info:
            call()
        emu.faults.clear()
        caught.append(info.value)
    emu.configure(keys=(WRONG + "x",))
    with pytest.raises(AuthError) as refused:
        provider.check_credentials()
    caught.append(refused.value)
    return caught


def _texts(error: BaseException) -> list[str]:
    """Everything an error could show: message, repr, the traceback with its whole chain, and
    the reprs of any HTTP request or response a cause carries."""
    out = [str(error), repr(error), "".join(traceback.format_exception(error))]
    cause: BaseException | None = error
    while cause is not None:
        for attr in ("request", "response"):
            try:
                value = getattr(cause, attr, None)
            except RuntimeError:  # httpx raises when an exception has no request attached
                value = None
            if value is not None:
                out += [repr(value), repr(getattr(value, "headers", None))]
        cause = cause.__cause__ or cause.__context__
    return out


def test_the_provider_driven_directly_leaks_nothing_in_errors_reprs_or_logs(
    emulator: tuple[Emulator, EmulatorServer], logs: tuple[Capture, Capture],
    caplog: pytest.LogCaptureFixture,
) -> None:
    emu, server = emulator
    config = AssembledConfig.from_options({"base_url": server.base_url, "rate": "1000",
                                           "burst": "1000", "timeout": "0.2"})
    provider = AssembledProvider(config, SecretStr(KEY), InMemoryClock())
    try:
        provider.check_credentials()
        people = provider.list_people()
        assert provider.list_activity_types()
        agent = next(p.agent_id for p in people if p.email == AGENT)
        assert agent is not None
        start = datetime.combine(ANCHOR, datetime.min.time(), UTC)
        assert collect(provider.activities([agent], start, start + timedelta(days=7)))
        made = provider.book(OneToOne(
            reference="mtg-leak", agent_id=agent, start=start + timedelta(days=60),
            end=start + timedelta(days=60, minutes=30), title="One To One"))
        provider.cancel(made)
        provider.push([ScorePush(evaluation_id="e1", agent_id=agent, score=9,
                                        max_score=10, evaluated_at=start, updated_at=start)])
        errors = _failures(provider, emu)
        texts = [repr(provider), repr(provider.client), repr(vars(provider.client)),
                 repr(provider.config), repr(dict(provider.client._http.headers))]
    finally:
        provider.close()
    assert len(errors) == 4 and all(isinstance(e, WfmError) for e in errors)
    for error in errors:
        for text in _texts(error):
            assert_clean(f"{type(error).__name__}", text)
    for text in texts:
        assert_clean("repr", text)
    root, raw = logs
    assert "HTTP Request: POST" in raw.text()
    for what, text in (("caplog", caplog.text), ("root", root.text()), ("raw", raw.text())):
        assert_clean(what, text)


# --- plain http:// only for loopback -------------------------------------------------------

REFUSED = [
    "http://example.com", "http://10.0.0.1", "http://[::2]", "http://127.0.0.1.evil.com",
    "http://api.assembledhq.com", "HTTP://EXAMPLE.COM:80/v0", "http://192.168.1.10:8765",
    "http://0.0.0.0:8765", "http://[::]:8765", "http://localhost.evil.com",
    "http://evil.com#@127.0.0.1", "http://127.0.0.1:80@evil.com", "http://[::ffff:7f00:1]",
    "http://2130706433", "http://0x7f000001", "http://127.1", "http://localhost.",
    "http://emulator.localhost:8765",  # *.localhost may be resolved by DNS: anything
]
ACCEPTED = [
    "https://api.assembledhq.com", "https://example.com:8443/base", "http://127.0.0.1:8765",
    "http://localhost:8765", "http://[::1]:8765", "http://127.0.0.2", "HTTP://LOCALHOST:9",
]


@pytest.mark.parametrize("url", REFUSED)
def test_plain_http_to_a_non_loopback_host_is_refused(url: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        check_base_url(url)
    assert "http" in str(caught.value) or "URL" in str(caught.value)  # says what is wrong
    with pytest.raises(InvalidInputError):  # the same through the provider's options
        AssembledProvider(AssembledConfig.from_options({"base_url": url}), SecretStr(KEY),
                          InMemoryClock())


@pytest.mark.parametrize("url", ACCEPTED)
def test_https_and_loopback_http_are_accepted(url: str) -> None:
    assert check_base_url(url).host
    AssembledProvider(AssembledConfig.from_options({"base_url": url}), SecretStr(KEY),
                      InMemoryClock()).close()


@pytest.mark.parametrize("url", ["http://example.com", "http://10.0.0.1:8765",
                                 "http://emulator.localhost:8765"])
def test_the_cli_refuses_a_clear_text_base_url_before_sending_or_storing_the_key(
    url: str, home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = wfm(capsys, monkeypatch, "--provider", "assembled", "--base-url", url, "auth",
                 "set-key", stdin=KEY)
    assert result.code == 2 and "refusing plain http://" in result.err
    assert result.err.count("\n") == 1
    assert not (home / "vault.json").exists()
    assert_clean("output", result.out + result.err)
    assert_clean("files", files_under(home))


def test_forms_cover_what_basic_auth_puts_on_the_wire() -> None:
    """The checks above look for the right bytes: the header httpx would send."""
    import httpx

    header = httpx.BasicAuth(KEY, "").auth_flow(httpx.Request("GET", "https://x")).__next__()
    sent = header.headers["Authorization"].split()[1]
    assert sent in forms(KEY)
    with pytest.raises(AssertionError):
        assert_clean("self-test", io.StringIO(f"Authorization: Basic {sent}").getvalue())

