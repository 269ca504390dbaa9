"""Bridge: discovered once, shared resources built once, one provider per tenant, closed."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from wfm_bridge import AsyncBridge, Bridge, Settings
from wfm_bridge.plugins.assembled.emulator.emulator import Emulator, EmulatorConfig
from wfm_bridge.plugins.assembled.emulator.seed import seed_demo
from wfm_bridge.plugins.assembled.emulator.server import EmulatorServer
from wfm_bridge.ports import hookimpl
from wfm_bridge.ports.models import Employee, MappingStatus
from wfm_bridge.ports.registry import AdapterRegistry, PortKind

KEYS = ("sk_live_" + "a" * 32, "sk_live_" + "b" * 32)
TODAY = date.today()


def settings(home: Path, **changes: Any) -> Settings:
    base = {"data_dir": home, "vault": "memory", "cache": "memory", "state": "memory"}
    return Settings.model_validate({**base, **changes})


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    emulator = Emulator(EmulatorConfig(keys=KEYS, rate=1000, burst=1000))
    seed_demo(emulator.state, TODAY)
    with EmulatorServer(emulator) as running:
        yield running


def assembled_bridge(home: Path, server: EmulatorServer, tenants: tuple[str, ...]) -> Bridge:
    bridge = Bridge(
        settings(
            home, provider="assembled", provider_options={"base_url": server.base_url}
        )
    )
    for tenant, key in zip(tenants, KEYS, strict=False):
        bridge.vault.put(tenant, "assembled", {"api_key": SecretStr(key)}, bridge.clock.now())
    return bridge


def test_fifty_tenants_discover_the_plugins_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.metadata

    calls = []
    original = importlib.metadata.entry_points

    def counting(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("group") == "wfm":
            calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(importlib.metadata, "entry_points", counting)
    with Bridge(settings(tmp_path)) as bridge:
        mapped = [bridge.tenant(f"t{i}").mapping.map_all() for i in range(50)]
        assert bridge.tenant("t3") is bridge.tenant("t3")
        states = {id(bridge.tenant(f"t{i}").ledger._state) for i in range(50)}
    assert len(calls) == 1
    assert all(len(rows) == len(mapped[0]) > 0 for rows in mapped)
    assert len(states) == 1  # one state store for the process


def test_sixteen_threads_on_two_fresh_tenants_fetch_people_once_each(
    tmp_path: Path, server: EmulatorServer
) -> None:
    bridge = assembled_bridge(tmp_path, server, ("acme", "globex"))
    barrier = threading.Barrier(16)
    providers: list[Any] = []
    errors: list[BaseException] = []

    def work(i: int) -> None:
        tenant = bridge.tenant("acme" if i % 2 else "globex")
        barrier.wait()
        try:
            tenant.mapping.map_all()
            providers.append(tenant.provider)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bridge.close()
    assert not errors
    assert server.emulator.state.ledger.requests["GET /v0/people 200"] == 2
    assert len({id(p) for p in providers}) == 2  # one provider per tenant
    assert all(p.client._http.is_closed for p in providers)  # closed with the bridge


def test_a_hosts_directory_as_an_in_process_plugin_is_used(tmp_path: Path) -> None:
    class HostDirectory:
        def list_employees(self) -> list[Employee]:
            return [Employee(host_id="h-1", email="ana.lee@example.com", name="Ana Lee")]

        def find_by_email(self, email: str) -> Employee | None:
            found = [e for e in self.list_employees() if e.email == email.strip().lower()]
            return found[0] if found else None

    class HostPlugin:
        @hookimpl
        def wfm_register_adapters(self, registry: AdapterRegistry) -> None:
            registry.add(
                PortKind.DIRECTORY, "host", lambda ctx: HostDirectory(), plugin="host-app"
            )

    with Bridge(settings(tmp_path, directory="host"), plugins=[HostPlugin()]) as bridge:
        rows = bridge.tenant("acme").mapping.map_all()
    assert [(r.employee.host_id, r.status) for r in rows] == [("h-1", MappingStatus.MAPPED)]


def test_a_tenant_pointed_at_another_account_never_sees_the_old_mapping(
    tmp_path: Path,
) -> None:
    empty = Emulator(EmulatorConfig(keys=KEYS[:1], rate=1000, burst=1000))
    shared = {"cache": "local", "vault": "local", "state": "local"}
    with Bridge(settings(tmp_path, **shared)) as demo:  # the demo's people, cached 24 h
        demo_rows = demo.tenant("default").mapping.map_all()
        assert any(r.status is MappingStatus.MAPPED for r in demo_rows)
    with EmulatorServer(empty) as server, Bridge(
        settings(
            tmp_path, provider="assembled",
            provider_options={"base_url": server.base_url}, **shared,
        )
    ) as bridge:
        bridge.vault.put(
            "default", "assembled", {"api_key": SecretStr(KEYS[0])}, bridge.clock.now()
        )
        rows = bridge.tenant("default").mapping.map_all()
    assert rows and all(r.status is not MappingStatus.MAPPED for r in rows)


def test_async_bridge_never_stalls_the_loop(tmp_path: Path, server: EmulatorServer) -> None:
    # A blocking call would stall the loop for a whole answer (>= 300 ms); the bound leaves
    # room for a loaded machine's scheduling without letting one blocked request through.
    server.emulator.configure(latency=0.3)
    bridge = assembled_bridge(tmp_path, server, ("acme",))

    async def main() -> tuple[float, int]:
        abridge = AsyncBridge(bridge=bridge)
        stalls: list[float] = []
        done = asyncio.Event()

        async def ticker() -> None:
            last = time.perf_counter()
            while not done.is_set():
                await asyncio.sleep(0.01)
                now = time.perf_counter()
                stalls.append(now - last - 0.01)
                last = now

        tick = asyncio.create_task(ticker())
        tenant = abridge.tenant("acme")
        view = await tenant.schedules.view(
            ["ana.lee@example.com"], TODAY, 7, "UTC"
        )
        done.set()
        await tick
        await abridge.aclose()
        return max(stalls), len(view.employees)

    worst, employees = asyncio.run(main())
    assert employees == 1
    assert worst < 0.15, f"the event loop stalled {worst * 1000:.0f} ms"


def test_a_closed_bridge_refuses_new_work(tmp_path: Path) -> None:
    from wfm_bridge.ports.errors import InvalidInputError

    bridge = Bridge(settings(tmp_path))
    bridge.tenant("acme").mapping.map_all()
    bridge.close()
    bridge.close()  # twice is fine
    with pytest.raises(InvalidInputError, match="closed"):
        bridge.tenant("acme")


def test_unknown_provider_names_the_installed_ones(tmp_path: Path) -> None:
    from wfm_bridge.ports.errors import InvalidInputError

    with Bridge(settings(tmp_path)) as bridge, pytest.raises(
        InvalidInputError, match=r"installed: .*memory_fake"
    ):
        bridge.tenant("acme", provider="nope")


def test_clearing_a_tenants_caches_forgets_its_people(tmp_path: Path) -> None:
    shared = {"cache": "local", "vault": "local", "state": "local"}
    with Bridge(settings(tmp_path, **shared)) as bridge:
        scope = bridge.tenant("default")
        scope.mapping.map_all()
        assert scope.mapping.refreshed_at() is not None
        scope.clear_caches()
        assert scope.mapping.refreshed_at() is None
