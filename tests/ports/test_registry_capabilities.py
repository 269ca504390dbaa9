"""Providers declare capabilities at registration; build checks each declared port."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wfm_bridge.plugins.assembled import plugin as assembled_plugin
from wfm_bridge.plugins.memory_fake import plugin as memory_plugin
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.provider import Capability, capability_port
from wfm_bridge.ports.registry import AdapterRegistry, PortKind, ProviderContext

CTX = ProviderContext(Path("/nonexistent/wfm-capabilities"), "t", None, InMemoryClock())
OPTIONAL = [Capability.ONE_TO_ONES, Capability.SCORES]


def _members(port: type) -> set[str]:
    names = set(getattr(port, "__annotations__", {}))
    names |= {n for n, v in vars(port).items() if callable(v)}
    return {n for n in names if not n.startswith("_")}


def _adapter(*capabilities: Capability, without: str | None = None) -> Any:
    """An object with every member of these capability ports (minus ``without``)."""
    body: dict[str, Any] = {}
    for capability in capabilities:
        for member in _members(capability_port(capability)):
            body[member] = lambda self, *a, **k: None
    body.update({"name": "vendor", "batch_limit": 100, "cadence": "daily"})
    body.pop(without or "", None)
    return type("Candidate", (), body)()


def _registry(adapter: object, capabilities: Any = None) -> AdapterRegistry:
    registry = AdapterRegistry()
    extra = {} if capabilities is None else {"capabilities": capabilities}
    registry.add(PortKind.PROVIDER, "vendor", lambda ctx: adapter, plugin="acme", **extra)
    return registry


def test_a_provider_declares_schedules_by_default() -> None:
    adapter = _adapter(Capability.SCHEDULES)
    registry = _registry(adapter)

    assert registry.get(PortKind.PROVIDER, "vendor").capabilities == (Capability.SCHEDULES,)
    assert registry.build(PortKind.PROVIDER, "vendor", CTX) is adapter


@given(declared=st.sets(st.sampled_from(OPTIONAL)), data=st.data())
def test_every_declared_port_is_checked_and_undeclared_ones_are_not(
    declared: set[Capability], data: st.DataObject
) -> None:
    capabilities = [Capability.SCHEDULES, *sorted(declared)]
    whole = _adapter(*capabilities)
    assert _registry(whole, capabilities).build(PortKind.PROVIDER, "vendor", CTX) is whole
    if not declared:
        return
    lacking = data.draw(st.sampled_from(sorted(declared)))
    member = data.draw(st.sampled_from(sorted(_members(capability_port(lacking)) - {"name"})))
    broken = _adapter(*capabilities, without=member)

    with pytest.raises(InvalidInputError) as err:
        _registry(broken, capabilities).build(PortKind.PROVIDER, "vendor", CTX)
    assert capability_port(lacking).__name__ in str(err.value) and member in str(err.value)


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        (("schedules", "bookings"), "unknown capability 'bookings'"),
        (("one_to_ones",), "must declare the capability 'schedules'"),
        ((), "must declare the capability 'schedules'"),
    ],
)
def test_a_bad_declaration_is_refused_at_registration_naming_the_plugin(
    declared: tuple[str, ...], message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message) as err:
        _registry(_adapter(Capability.SCHEDULES), declared)
    assert "'acme'" in str(err.value) and "'vendor'" in str(err.value)


def test_declared_once_in_order_and_ignored_for_other_ports() -> None:
    registry = _registry(_adapter(*Capability), ["schedules", "scores", "schedules"])
    assert registry.get(PortKind.PROVIDER, "vendor").capabilities == (
        Capability.SCHEDULES,
        Capability.SCORES,
    )
    registry.add(PortKind.CLOCK, "c", lambda ctx: None, plugin="p")
    assert registry.get(PortKind.CLOCK, "c").capabilities == ()


@pytest.mark.parametrize("plugin", [memory_plugin, assembled_plugin], ids=lambda p: p.PLUGIN)
def test_the_built_in_providers_declare_all_four(plugin: Any) -> None:
    registry = AdapterRegistry()
    plugin.wfm_register_adapters(registry)
    (spec,) = [s for s in registry.specs() if s.kind is PortKind.PROVIDER]
    assert [c.value for c in spec.capabilities] == ["schedules", "one_to_ones", "scores", "teams"]
