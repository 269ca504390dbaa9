"""Activity type catalog: by id, by exact name, cached 24 h per tenant, manual refresh."""

from __future__ import annotations

from datetime import timedelta

from core_world import make_world

from wfm_bridge.ports.models import ActivityType

SHIFT = ActivityType(id="t1", name="Shift", color="#4a90d9")
MEETING = ActivityType(id="t2", name="Meeting", color="#f5a623")


def test_all_by_id_and_by_exact_name() -> None:
    catalog = make_world(activity_types=[SHIFT, MEETING]).catalog()
    assert catalog.all() == {"t1": SHIFT, "t2": MEETING}
    assert catalog.by_name("Meeting") == MEETING
    assert catalog.by_name("meeting") is None
    assert catalog.by_name("Meeting ") is None


def test_cached_for_24h_across_instances_then_fetched_once() -> None:
    world = make_world(activity_types=[SHIFT])
    world.catalog().all()
    world.backend.activity_types[MEETING.id] = MEETING
    world.clock.advance(timedelta(hours=24) - timedelta(seconds=1))
    assert world.catalog().by_name("Meeting") is None
    assert world.backend.calls["list_activity_types"] == 1
    world.clock.advance(timedelta(seconds=1))
    catalog = world.catalog()
    assert catalog.by_name("Meeting") == MEETING
    assert catalog.all() == {"t1": SHIFT, "t2": MEETING}
    assert world.backend.calls["list_activity_types"] == 2
    assert catalog.refreshed_at() == world.clock.now()


def test_refresh_forces_a_fetch_and_tenants_do_not_share() -> None:
    world = make_world(activity_types=[SHIFT])
    catalog = world.catalog()
    catalog.all()
    world.backend.activity_types[MEETING.id] = MEETING
    catalog.refresh()
    assert catalog.by_name("Meeting") == MEETING
    world.tenant = "other"
    world.catalog().all()
    assert world.backend.calls["list_activity_types"] == 3
    assert {ns for ns, _, _ in world.cache.writes} == {
        "acme:activity_types",
        "other:activity_types",
    }


def test_returned_dict_cannot_corrupt_the_catalog() -> None:
    catalog = make_world(activity_types=[SHIFT]).catalog()
    catalog.all().clear()
    assert catalog.all() == {"t1": SHIFT}
