"""Persistence of the fake server: round trips, reset, damage, and concurrent writers."""

from __future__ import annotations

import multiprocessing
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from wfm_bridge.plugins.local.fs import try_file_lock
from wfm_bridge.plugins.memory_fake import store
from wfm_bridge.plugins.memory_fake.backend import NewActivity
from wfm_bridge.plugins.memory_fake.demo import demo_activities, demo_anchor
from wfm_bridge.plugins.memory_fake.snapshot import Snapshot, encode_activities
from wfm_bridge.plugins.memory_fake.store import (
    PersistentFakeBackend,
    configured_anchor,
    demo_info,
    demo_path,
    open_demo_backend,
    reset_demo,
)
from wfm_bridge.ports.errors import (
    BusyError,
    IntegrityError,
    InvalidInputError,
    UnavailableError,
)
from wfm_bridge.ports.models import Activity, ActivityType, ProviderPerson, ScorePush

T0 = datetime(2024, 6, 10, 8, tzinfo=UTC)
ANCHOR = date(2024, 6, 3)


def _small_seed() -> Snapshot:
    return Snapshot(
        anchor=None,
        people=[ProviderPerson(person_id="p1", agent_id="a1", email="ana@example.com")],
        activity_types=[ActivityType(id="mtg", name="Meeting")],
        activity_rows=encode_activities(
            [Activity(id="seeded", agent_id="a1", type_id="mtg", start=T0, end=T0 + timedelta(1))]
        ),
    )


def _open(path: Path) -> PersistentFakeBackend:
    return PersistentFakeBackend(path, _small_seed)


def _new(minutes: int, tz: ZoneInfo | None = None) -> NewActivity:
    start = (T0 + timedelta(minutes=minutes, microseconds=123)).astimezone(tz or UTC)
    return NewActivity(agent_id="a1", type_id="mtg", start=start, end=start + timedelta(hours=1))


def _score(evaluation: str, value: float) -> ScorePush:
    return ScorePush(
        evaluation_id=evaluation,
        agent_id="a1",
        score=value,
        max_score=100,
        evaluated_at=T0,
        updated_at=T0,
    )


def test_every_write_is_saved_and_seen_by_a_fresh_backend(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    first = _open(path)
    created = first.create(_new(0, ZoneInfo("America/Chicago")), allow_conflicts=True)
    other = first.create(_new(90), allow_conflicts=True)
    first.delete_by_id(other.id)
    first.receive_scores([_score("e1", 50), _score("e2", 60)])
    first.receive_scores([_score("e1", 70)])

    again = _open(path)

    assert again.activities == first.activities
    assert again.activities[created.id].start == created.start  # exact to the microsecond
    assert {k: s.score for k, s in again.scores.items()} == {"e1": 70, "e2": 60}
    assert again.deleted_ids == [other.id]
    assert again.score_batches == [["e1", "e2"], ["e1"]]


def test_a_loaded_backend_sees_writes_made_by_another_backend(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    reader, writer = _open(path), _open(path)

    created = writer.create(_new(0), allow_conflicts=True)

    got = reader.read_activities(["a1"], T0 - timedelta(1), T0 + timedelta(2))
    assert created.id in {a.id for a in got}


def test_a_stale_backend_never_overwrites_newer_writes(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    stale, fresh = _open(path), _open(path)
    stale.read_people()  # loaded, then another process writes
    from_fresh = fresh.create(_new(0), allow_conflicts=True)

    from_stale = stale.create(_new(120), allow_conflicts=True)

    assert {from_fresh.id, from_stale.id, "seeded"} == set(_open(path).activities)


def _create_many(path: Path, count: int) -> None:
    backend = _open(path)
    for i in range(count):
        backend.create(_new(i), allow_conflicts=True)
    os._exit(0)


def test_concurrent_processes_never_lose_a_write(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    _open(path)
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_create_many, args=(path, 10)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)

    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    assert len(_open(path).activities) == 1 + 4 * 10
    assert not list(tmp_path.glob("*.tmp"))


def test_a_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.json"
    backend = _open(path)
    before = path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(UnavailableError, match="WFM_HOME"):
        backend.create(_new(0), allow_conflicts=True)

    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.tmp"))


def test_writers_hold_the_same_flock_as_the_local_plugins(tmp_path: Path) -> None:
    # one lock mechanism (plugins.local.fs): a non-blocking try from it sees the store's lock
    backend = _open(tmp_path / "t.json")

    with (
        backend.file.locked(),
        pytest.raises(BusyError, match="a demo write"),
        try_file_lock(backend.file.lock_path, "a demo write"),
    ):
        pass  # pragma: no cover - the lock is held
    with try_file_lock(backend.file.lock_path, "a demo write"):
        pass  # released again


def test_the_demo_data_is_owner_only_like_every_local_file(tmp_path: Path) -> None:
    path = demo_path(tmp_path, "acme")
    open_demo_backend(tmp_path, "acme", anchor=ANCHOR).receive_scores([_score("e1", 5)])

    files = (path.parent, path, path.with_suffix(".lock"))
    modes = {p.name: p.stat().st_mode & 0o777 for p in files}
    assert modes == {"memory_fake": 0o700, "acme.json": 0o600, "acme.lock": 0o600}
    assert sorted(p.name for p in path.parent.iterdir()) == ["acme.json", "acme.lock"]  # no temp


def test_a_damaged_file_is_an_integrity_error_that_says_how_to_reset(tmp_path: Path) -> None:
    path = demo_path(tmp_path, "default")
    path.parent.mkdir(parents=True)
    path.write_text('{"format": 1, "people": "not a list"}')

    with pytest.raises(IntegrityError, match="wfm demo reset"):
        open_demo_backend(tmp_path, "default", anchor=ANCHOR)


def test_seed_on_first_open_then_keep_changes_then_reset_restores_the_seed(
    tmp_path: Path,
) -> None:
    assert demo_info(tmp_path, "acme") is None
    backend = open_demo_backend(tmp_path, "acme", anchor=ANCHOR)
    seeded = dict(backend.activities)
    victim = next(iter(seeded))
    backend.delete_by_id(victim)
    agent = next(a.agent_id for a in seeded.values())
    created = backend.create(
        NewActivity(agent_id=agent, type_id="type-meeting", start=T0, end=T0 + timedelta(hours=1)),
        allow_conflicts=True,
    )

    reopened = open_demo_backend(tmp_path, "acme", anchor=ANCHOR + timedelta(weeks=1))
    assert reopened.anchor == ANCHOR  # an existing file is never re-seeded
    assert set(reopened.activities) == (set(seeded) - {victim}) | {created.id}

    info = reset_demo(tmp_path, "acme", anchor=ANCHOR)

    assert (info.anchor, info.first_day, info.last_day) == (
        ANCHOR,
        ANCHOR,
        ANCHOR + timedelta(days=69),
    )
    assert (info.agents, info.activities, info.scores) == (40, len(seeded), 0)
    reopened.refresh()
    assert reopened.activities == seeded
    assert demo_info(tmp_path, "acme") == info
    assert demo_info(tmp_path, "other-tenant") is None


def test_reset_anchors_on_today_and_matches_the_generator(tmp_path: Path) -> None:
    today = date(2024, 6, 19)

    info = reset_demo(tmp_path, "default", today=today)

    assert info.anchor == demo_anchor(today)
    backend = open_demo_backend(tmp_path, "default")
    assert sorted(backend.activities.values(), key=lambda a: a.id) == sorted(
        demo_activities(demo_anchor(today)), key=lambda a: a.id
    )


@pytest.mark.parametrize("tenant", ["", "../escape", "a/b", ".hidden", "x" * 65])
def test_tenant_names_that_could_escape_the_data_dir_are_refused(tenant: str) -> None:
    with pytest.raises(InvalidInputError):
        demo_path(Path("/data"), tenant)


def test_configured_anchor_comes_from_options_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(store.ANCHOR_ENV, raising=False)
    assert configured_anchor({}) is None
    assert configured_anchor({"demo_anchor": "2024-06-03"}) == ANCHOR
    monkeypatch.setenv(store.ANCHOR_ENV, "2024-06-10")
    assert configured_anchor({}) == date(2024, 6, 10)
    for bad in ("2024-06-11", "soon"):
        monkeypatch.setenv(store.ANCHOR_ENV, bad)
        with pytest.raises(InvalidInputError):
            configured_anchor({})
