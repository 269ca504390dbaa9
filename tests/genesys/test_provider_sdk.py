"""The provider's own requests, as sent over the wire, judged by the official SDK: every body
GenesysProvider sends (schedule search, coaching appointment, metric batch) deserialises into
the SDK's request model and survives its serialisation unchanged."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from contract.genesys_harness import CLIENT_ID, CLIENT_SECRET, genesys_emulator

from wfm_bridge.plugins.genesys.config import GenesysConfig
from wfm_bridge.plugins.genesys.provider import GenesysProvider
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.models import ActivityType, OneToOne, ProviderPerson, ScorePush
from wfm_bridge.ports.schedule_source import collect

from .support import Spy, judge, serialised

MODELS = {
    "/agentschedules/search": "BuSearchAgentSchedulesRequest",
    "/api/v2/coaching/appointments": "CreateCoachingAppointmentRequest",
    "/externalmetrics/data": "ExternalMetricDataWriteRequest",
}
T0 = datetime(2025, 6, 2, 9, tzinfo=UTC)


def _same(value: Any) -> Any:
    """JSON with instants compared as instants (the SDK writes ``+00:00``, Genesys ``Z``)."""
    if isinstance(value, dict):
        return {k: _same(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_same(v) for v in value]
    if isinstance(value, str) and len(value) >= 20 and value[10:11] == "T":
        return datetime.fromisoformat(value)
    return value


def test_every_body_the_provider_sends_is_the_sdks_request_model(tmp_path: Path) -> None:
    from pydantic import SecretStr

    with genesys_emulator(tmp_path) as h:
        people = [ProviderPerson(person_id=a, agent_id=a, email=f"{a}@x.com") for a in "ab"]
        h.seed(people, [ActivityType(id="t-shift", name="Shift")])
        h.enable_one_to_ones()
        spy = Spy()
        config = GenesysConfig.from_options({"base_url": h.server.base_url})
        provider = GenesysProvider(
            config, SecretStr(CLIENT_ID), SecretStr(CLIENT_SECRET), InMemoryClock(), transport=spy
        )
        collect(provider.activities(["a", "b"], T0, T0 + timedelta(days=50)))
        provider.book(
            OneToOne(reference="mtg-1", agent_id="a", facilitator_id="b", start=T0,
                     end=T0 + timedelta(minutes=30), title="One To One", description="d")
        )  # fmt: skip
        provider.push(
            [ScorePush(evaluation_id="ev", agent_id="a", score=4, max_score=5, scorecard="C",
                       evaluated_at=T0, updated_at=T0)]
        )  # fmt: skip
        provider.close()

    judged = []
    for request in spy.seen:
        if request.method != "POST" or request.url.path == "/oauth/token":
            continue
        model = next(m for suffix, m in MODELS.items() if request.url.path.endswith(suffix))
        body = json.loads(request.content)
        sdk = judge(body, model)
        assert type(sdk).__name__ == model and _same(serialised(sdk)) == _same(body)
        judged.append(model)
    assert sorted(set(judged)) == sorted(MODELS.values())
    assert judged.count("BuSearchAgentSchedulesRequest") == 2  # 50 days: two planned searches
