"""Over HTTP, cancelling a 1:1 another installation of the tenant booked (issue 14, point 5).

Two installations, each with its own data directory (its own ledger), the same tenant key, one
Assembled emulator: the first books through its Bridge; the second cancels by the reference
seen in the schedule, through ``DELETE /meetings/{id}?agent=&on=`` (the CLI's narrowing) and
through the "My 1-to-1s" page's "Cancel session". An activity without the reference is still
refused with the CLI's message, and nothing else in the WFM system is touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from http_world import AGENT, Face, face, hidden, memory_settings, sign_in
from pydantic import SecretStr

from wfm_bridge import Bridge, Settings
from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.assembled.emulator.seed import seed_demo
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer
from wfm_bridge.ports.models import Meeting

KEY = "sk_live_" + "x" * 32
COACH = "james.miller@example.com"
T = "/api/v1/tenants/default"


@dataclass
class World:
    """The emulator and the settings of an installation with its own data directory."""

    emulator: Emulator
    base_url: str
    root: Path

    def settings(self, name: str) -> Settings:
        """Installation ``name``: its own data directory and ledger, the tenant's key."""
        settings: Settings = memory_settings(
            self.root / name, provider="assembled", state="local",
            provider_options={"base_url": self.base_url},
        )
        return settings

    def book_in_first(self) -> Meeting:
        """A 1:1 with a facilitator, booked by the first installation (in both calendars)."""
        when = (datetime.now(UTC) + timedelta(days=3)).replace(
            hour=15, minute=0, second=0, microsecond=0
        )
        with Bridge(self.settings("first")) as bridge:
            _store_key(bridge)
            meeting = bridge.tenant("default").meetings.book(
                AGENT, when, 30, "Coaching", COACH, force=True
            )
        assert len(meeting.companions) == 1  # the agent's activity and the coach's
        return meeting

    def activities(self) -> dict[str, dict[str, Any]]:
        """What the WFM system holds right now, by activity id."""
        with self.emulator.state.lock:
            return {str(a["id"]): dict(a) for a in self.emulator.state.activities.values()}


def _store_key(bridge: Bridge) -> None:
    bridge.vault.put("default", "assembled", {"api_key": SecretStr(KEY)}, bridge.clock.now())


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    emulator = Emulator(EmulatorConfig(keys=(KEY,), rate=1000, burst=1000))
    seed_demo(emulator.state, date.today())
    with EmulatorServer(emulator) as server:
        yield World(emulator, server.base_url, tmp_path)


@pytest.fixture
def second(world: World) -> Iterator[Face]:
    with face(world.settings("second")) as f:
        _store_key(f.bridge)
        yield f


def _without_reference(world: World) -> str:
    """An activity of the agent's that the product did not book (no reference)."""
    return next(
        str(a["id"]) for a in world.activities().values() if "(ref " not in str(a["description"])
    )


def test_delete_with_agent_and_day_cancels_what_another_installation_booked(
    world: World, second: Face
) -> None:
    before = world.activities()
    meeting = world.book_in_first()
    parts = {meeting.provider_activity_id, *(c.id for c in meeting.companions)}
    assert parts <= set(world.activities())
    headers = second.auth("default")
    day = meeting.start.date().isoformat()
    seen = second.client.get(
        f"{T}/schedules?email={AGENT}&start={day}&days=7", headers=headers
    ).json()
    texts = [b["description"] for e in seen["employees"] for d in e["days"] for b in d["blocks"]]
    (shown,) = [t for t in texts if meeting.id in t]
    reference = re.findall(r"mtg-[A-Za-z0-9]+", shown)[-1]

    unnamed = second.client.delete(f"{T}/meetings/{reference}", headers=headers)
    assert unnamed.status_code == 404 and "--agent EMAIL" in unnamed.json()["error"]["message"]
    other = _without_reference(world)
    plain = second.client.delete(f"{T}/meetings/{other}?agent={AGENT}&on={day}", headers=headers)
    assert plain.status_code == 404
    assert "only meetings created by this product" in plain.json()["error"]["message"]
    elsewhere = second.client.delete(
        f"{T}/meetings/mtg-0000000000000000?agent={AGENT}&on={day}", headers=headers
    )
    assert elsewhere.status_code == 404
    assert "no 1:1 carrying the reference" in elsewhere.json()["error"]["message"]
    assert world.activities().keys() >= parts  # nothing refused touched anything

    done = second.client.delete(
        f"{T}/meetings/{reference}?agent={AGENT}&on={day}&tz=UTC", headers=headers
    )

    assert done.status_code == 200, done.text
    answer = done.json()
    assert answer["status"] == "cancelled" and answer["id"] == meeting.id
    assert {answer["provider_activity_id"], *(c["id"] for c in answer["companions"])} == parts
    assert world.activities() == before  # both calendars' parts gone, nothing else touched
    again = second.client.delete(f"{T}/meetings/{reference}", headers=headers)
    assert again.status_code == 200 and again.json()["status"] == "cancelled"

    with face(world.settings("first")) as first:  # the booker's ledger still says booked
        _store_key(first.bridge)
        mine = first.auth("default")
        (recorded,) = first.client.get(f"{T}/meetings", headers=mine).json()["items"]
        assert (recorded["status"], recorded["in_provider"]) == ("booked", None)
        checked = first.client.get(f"{T}/meetings?verify=true", headers=mine).json()
        assert checked["verified"] is True
        assert [(m["id"], m["in_provider"], m["status"]) for m in checked["items"]] == [
            (meeting.id, "gone", "booked")]  # a read: the record is unchanged


def test_cancel_session_on_my_one_to_ones_cancels_a_1to1_booked_elsewhere(
    world: World, second: Face
) -> None:
    before = world.activities()
    meeting = world.book_in_first()
    sign_in(second)
    page = second.client.get(f"/one-to-ones?agent={AGENT}")
    assert page.status_code == 200
    (block,) = re.findall(rf'<div [^>]*data-reference="{meeting.id}"[^>]*>', page.text)
    assert "referenced" in re.findall(r'class="([^"]*)"', block)[0].split()
    start = re.search(r'data-start="([^"]+)"', block)
    assert start is not None
    form = {"csrf": hidden(page.text, "csrf"), "agent": AGENT, "minutes": "30"}

    plain = second.client.post("/one-to-ones/cancel", data={
        **form, "meeting_id": _without_reference(world), "at": start.group(1)})
    assert plain.status_code == 404 and 'class="refusal"' in plain.text
    assert "only meetings created by this product" in plain.text
    assert len(world.activities()) == len(before) + 2

    done = second.client.post("/one-to-ones/cancel", data={
        **form, "meeting_id": meeting.id, "at": start.group(1)})

    assert done.status_code == 303, done.text
    after = second.client.get(done.headers["location"])
    assert "Cancelled the 1:1 with" in after.text
    assert f'data-reference="{meeting.id}"' not in after.text
    assert world.activities() == before

    with face(world.settings("first")) as first:  # the booker's page: no longer listed
        _store_key(first.bridge)
        sign_in(first)
        mine = first.client.get(f"/one-to-ones?agent={AGENT}")
        assert "1 1:1(s) booked here for" in mine.text and "cancelled elsewhere" in mine.text
        assert f'data-meeting-id="{meeting.id}"' not in mine.text
        assert "No 1:1 booked here for this agent yet" in mine.text
