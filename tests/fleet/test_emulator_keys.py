"""The emulator serves many tenants: one bucket per key, each key's pushes and 429s apart."""

from __future__ import annotations

import httpx

from wfm_bridge.plugins.assembled.emulator.emulator import (
    SCORES_PATH,
    Emulator,
    EmulatorConfig,
    key_id,
)
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer

KEYS = tuple(f"sk_live_fleet{i:06d}".ljust(40, "0") for i in range(300))


def _push(client: httpx.Client, key: str, ids: list[str]) -> int:
    rows = [{"conversation_external_id": i, "score": 1} for i in ids]
    return client.post(SCORES_PATH, json={"qa_scores": rows}, auth=(key, "")).status_code


def test_each_key_has_its_own_bucket_and_its_own_pushes() -> None:
    emulator = Emulator(EmulatorConfig(keys=KEYS, rate=1.0, burst=2, rate_limit=True))
    first, second, unknown = KEYS[0], KEYS[299], "sk_live_" + "x" * 32
    with EmulatorServer(emulator) as server, httpx.Client(base_url=server.base_url) as client:
        assert [_push(client, first, [f"a{n}"]) for n in range(3)] == [202, 202, 429]
        assert _push(client, second, ["a0"]) == 202  # its own bucket, untouched by the first
        assert _push(client, unknown, ["a0"]) == 401
        ledger = client.get("/_emulator/ledger").json()
    assert ledger["pushed_by_key"] == {
        key_id(first): [[{"conversation_external_id": "a0", "score": 1}],
                        [{"conversation_external_id": "a1", "score": 1}]],
        key_id(second): [[{"conversation_external_id": "a0", "score": 1}]],
    }
    assert ledger["throttled_by_key"] == {key_id(first): 1}
    assert all(k not in str(ledger) for k in (first, second))  # fingerprints, never keys
    stored = emulator.state.ledger.stored_for(key_id(first), "conversation_external_id")
    assert sorted(stored) == ["a0", "a1"]
