"""The pages in a real browser: Playwright driving Debian's Chromium against `wfm serve`.

As a team lead would: sign in with a tenant token, view a 14-day calendar, open My 1-to-1s,
click a suggested free slot, describe the session, Book, see it in the WFM system, click it,
"Cancel session", see it gone. Once on the memory_fake default and once on the Assembled
emulator. Screenshots go to ``artifacts/``. Needs ``/usr/bin/chromium``
(scripts/install-chromium.sh); missing, the test fails under CI and skips elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from serve_world import new_token, serving, wfm

from wfm_bridge import Bridge, Settings
from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.assembled.emulator.seed import seed_demo
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer
from wfm_bridge.ports.schedule_source import collect

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
AGENT = "ana.lee@example.com"
KEY = "sk_live_" + "h" * 32
NOTE = "Coaching on call 4711 <b>not bold</b>"
# What is in the WFM system right now: the descriptions of the agent's activities.
Descriptions = Callable[[], list[str]]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        reason = f"{CHROMIUM} not found: run scripts/install-chromium.sh (Debian's chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser test cannot run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        yield chromium
        chromium.close()


def _memory_fake_descriptions(home: Path) -> Descriptions:
    def read() -> list[str]:
        with Bridge(Settings(data_dir=home)) as bridge:
            return _agent_descriptions(bridge)

    return read


def _agent_descriptions(bridge: Bridge) -> list[str]:
    tenant = bridge.tenant("default")
    agent = tenant.mapping.map_email(AGENT).person
    assert agent is not None and agent.agent_id
    now = datetime.now(UTC)
    found = collect(
        tenant.provider.activities([agent.agent_id], now - timedelta(days=1),
                                   now + timedelta(days=16))
    )
    return [a.description for a in found]


def _emulator_descriptions(emulator: Emulator) -> Descriptions:
    def read() -> list[str]:
        with emulator.state.lock:
            return [str(a.get("description", "")) for a in emulator.state.activities.values()]

    return read


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"http-{name}.png"), full_page=True)


def _sign_in(page: Any, url: str, token: str) -> None:
    page.goto(f"{url}/calendar")
    assert "/login" in page.url
    page.fill("input[name=token]", token)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{url}/calendar")


def _calendar(page: Any, variant: str) -> None:
    page.fill("input[name=q]", "ana")
    page.click("button[name=find]")
    page.check(f"input[name=email][value='{AGENT}']")
    page.fill("input[name=days]", "14")
    page.click("#view-schedule")
    page.wait_for_selector("main.calendar")
    assert page.locator("section.day").count() == 14
    assert page.locator(".block").count() > 0
    assert page.locator(f"input[name=email][value='{AGENT}']").is_checked()
    _availability_shown(page)
    _shot(page, f"{variant}-calendar-14-days")


def _availability_shown(page: Any) -> None:
    """Blocks carry their availability and look it; the legend explains; off duty is grey."""
    states = set(page.eval_on_selector_all(
        ".block:not([data-type='wfm-free-slot'])", "els => els.map(e => e.dataset.availability)"))
    assert {"available", "break"} <= states <= {"available", "busy", "break", "time_off"}
    assert page.locator("ul.legend.availability").is_visible()
    assert "off duty" in page.inner_text("ul.legend.availability")
    hatched = page.eval_on_selector(
        ".block.av-break", "e => getComputedStyle(e).backgroundImage")
    assert "repeating-linear-gradient" in hatched


def _team(page: Any, variant: str) -> None:
    """Pick a team instead of people: its employees' lanes, Billing's eight (Maria included)."""
    page.uncheck(f"input[name=email][value='{AGENT}']")
    page.select_option("#team-pick", "Billing")
    page.fill("input[name=days]", "7")
    page.click("#view-schedule")
    page.wait_for_selector("main.calendar")
    first_day = page.locator("section.day").first
    names = first_day.locator(".lane .who").all_inner_texts()
    assert "Maria Garcia" in names and len(names) == 8  # Billing: all eight are mapped
    _shot(page, f"{variant}-calendar-team")


def _book_and_cancel(page: Any, url: str, variant: str, in_wfm: Descriptions) -> None:
    page.click("nav a[href='/one-to-ones']")
    page.fill("input[name=agent]", AGENT)
    page.click("#show-agent")
    slots = page.locator(".block[data-type='wfm-free-slot']")
    slots.first.wait_for()
    assert page.locator("section.day").count() == 14
    _availability_shown(page)
    _shot(page, f"{variant}-one-to-ones")
    start = slots.first.get_attribute("data-start")
    slots.first.click()
    dialog = page.locator("#book-dialog")
    assert dialog.is_visible()
    assert page.input_value("#book-dialog input[name=start]") == start[:16]
    page.fill("#book-dialog textarea[name=description]", NOTE)
    _shot(page, f"{variant}-booking-dialog")
    page.click("#book-submit")
    page.wait_for_selector(".notice")
    assert "Booked" in page.inner_text(".notice")
    mine = page.locator(".block.mine")
    assert mine.count() == 1
    assert NOTE in mine.first.inner_text()  # shown as text, never as markup
    assert page.locator(".block.mine b:text('not bold')").count() == 0
    assert any(NOTE in d for d in in_wfm()), "the 1:1 is not in the WFM system"
    _shot(page, f"{variant}-booked")

    mine.first.click()
    assert page.locator("#cancel-dialog").is_visible()
    _shot(page, f"{variant}-cancel-dialog")
    page.click("#cancel-submit")
    page.wait_for_selector(".notice")
    assert "Cancelled" in page.inner_text(".notice")
    assert page.locator(".block.mine").count() == 0
    assert not any(NOTE in d for d in in_wfm()), "the 1:1 is still in the WFM system"
    _shot(page, f"{variant}-cancelled")


def _cancel_booked_elsewhere(
    page: Any, variant: str, book_elsewhere: Callable[[], str], in_wfm: Descriptions
) -> None:
    """A 1:1 another installation booked: click it (it carries the reference), cancel it."""
    reference = book_elsewhere()
    page.reload()
    theirs = page.locator(f".block.referenced[data-reference='{reference}']")
    theirs.wait_for()
    assert page.locator(".block.mine").count() == 0  # not in this installation's ledger
    theirs.click()
    assert page.locator("#cancel-dialog").is_visible()
    assert "another installation" in page.inner_text("#cancel-dialog .what")
    _shot(page, f"{variant}-cancel-elsewhere-dialog")
    page.click("#cancel-submit")
    page.wait_for_selector(".notice")
    assert "Cancelled" in page.inner_text(".notice")
    assert page.locator(f".block[data-reference='{reference}']").count() == 0
    assert not any(reference in d for d in in_wfm()), "the 1:1 is still in the WFM system"
    _shot(page, f"{variant}-cancelled-elsewhere")


def _run(
    browser: Any, url: str, token: str, variant: str, in_wfm: Descriptions,
    book_elsewhere: Callable[[], str] | None = None,
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        _sign_in(page, url, token)
        _calendar(page, variant)
        _team(page, variant)
        _book_and_cancel(page, url, variant, in_wfm)
        if book_elsewhere is not None:
            _cancel_booked_elsewhere(page, variant, book_elsewhere, in_wfm)
    finally:
        context.close()
    assert errors == []


def test_book_and_cancel_by_clicking_on_the_memory_fake_default(
    browser: Any, tmp_path: Path
) -> None:
    token = new_token(tmp_path, "default")
    with serving(tmp_path) as url:
        _run(browser, url, token, "memory-fake", _memory_fake_descriptions(tmp_path))


def test_book_and_cancel_by_clicking_on_the_assembled_emulator(
    browser: Any, tmp_path: Path
) -> None:
    emulator = Emulator(EmulatorConfig(keys=(KEY,), rate=1000, burst=1000))
    seed_demo(emulator.state, date.today())
    with EmulatorServer(emulator) as server:
        where = ("--provider", "assembled", "--base-url", server.base_url)
        wfm(tmp_path, *where, "auth", "set-key", stdin=KEY)
        token = new_token(tmp_path, "default")
        with serving(tmp_path, *where) as url:
            _run(browser, url, token, "emulator", _emulator_descriptions(emulator),
                 _booker(tmp_path / "elsewhere", server.base_url))


def _booker(home: Path, base_url: str) -> Callable[[], str]:
    """Books a 1:1 for the agent from another installation (its own data directory)."""

    def book() -> str:
        settings = Settings(data_dir=home, vault="memory", provider="assembled",
                            provider_options={"base_url": base_url})
        when = (datetime.now(UTC) + timedelta(days=2)).replace(hour=16, minute=0, second=0,
                                                               microsecond=0)
        with Bridge(settings) as bridge:
            bridge.vault.put("default", "assembled", {"api_key": SecretStr(KEY)},
                             bridge.clock.now())
            return bridge.tenant("default").meetings.book(AGENT, when, 30, force=True).id

    return book
