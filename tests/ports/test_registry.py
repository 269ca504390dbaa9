"""Typed registration: what a factory builds must satisfy its port, or it is refused by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from wfm_bridge.plugins.assembled import plugin as assembled_plugin
from wfm_bridge.plugins.local import plugin as local_plugin
from wfm_bridge.plugins.memory_fake import plugin as memory_plugin
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.registry import (
    AdapterContext,
    AdapterRegistry,
    PortKind,
    ProviderContext,
    port_protocol,
)

NOWHERE = Path("/nonexistent/wfm-registry-test")  # the fakes below never touch it
CTX = AdapterContext(data_dir=NOWHERE, tenant="t")
PROVIDER_CTX = ProviderContext(data_dir=NOWHERE, tenant="t", api_key=None, clock=InMemoryClock())


def _context(kind: PortKind) -> AdapterContext | ProviderContext:
    return PROVIDER_CTX if kind is PortKind.PROVIDER else CTX


def _members(port: type) -> tuple[set[str], set[str]]:
    """(data attributes, methods) a port declares."""
    attributes = {n for n in getattr(port, "__annotations__", {}) if not n.startswith("_")}
    methods = {n for n, v in vars(port).items() if callable(v) and not n.startswith("_")}
    return attributes, methods


def _adapter(port: type, keep: set[str]) -> Any:
    """An object with only the ``keep`` members of ``port`` (methods callable)."""
    attributes, methods = _members(port)
    body: dict[str, Any] = {m: (lambda self, *a, **k: None) for m in methods & keep}
    body.update({a: "value" for a in attributes & keep})
    return type("Candidate", (), body)()


def _registry(kind: PortKind, adapter: object, name: str = "vendor") -> AdapterRegistry:
    registry = AdapterRegistry()
    registry.add(kind, name, lambda ctx: adapter, plugin="acme_vendor")
    return registry


def test_a_tuple_registered_as_a_clock_is_refused_naming_plugin_port_and_adapter() -> None:
    registry = _registry(PortKind.CLOCK, ("vendor-clock", None))

    with pytest.raises(InvalidInputError) as err:
        registry.build(PortKind.CLOCK, "vendor", CTX)

    message = str(err.value)
    assert "'acme_vendor'" in message and "clock adapter 'vendor'" in message
    assert "type 'tuple', which is not a Clock (missing or not callable: now, sleep)" in message
    assert registry.get(PortKind.CLOCK, "vendor").plugin == "acme_vendor"  # get() is unchanged


def test_the_ports_are_the_runtime_checkable_protocols() -> None:
    assert port_protocol(PortKind.CLOCK) is Clock
    assert _members(Clock) == (set(), {"now", "sleep"})
    assert _members(port_protocol(PortKind.PROVIDER))[0] == {"name"}


@given(kind=st.sampled_from(list(PortKind)), data=st.data())
def test_an_adapter_lacking_any_member_of_its_port_is_refused_and_a_whole_one_is_returned(
    kind: PortKind, data: st.DataObject
) -> None:
    port = port_protocol(kind)
    attributes, methods = _members(port)
    members = sorted(attributes | methods)
    dropped = data.draw(st.sets(st.sampled_from(members), min_size=1))

    with pytest.raises(InvalidInputError, match=port.__name__) as err:
        _registry(kind, _adapter(port, set(members) - dropped)).build(
            kind, "vendor", _context(kind)
        )
    assert f"missing or not callable: {', '.join(sorted(dropped))})" in str(err.value)

    whole = _adapter(port, set(members))
    assert _registry(kind, whole).build(kind, "vendor", _context(kind)) is whole


def test_a_method_that_is_not_callable_is_refused() -> None:
    clock = type("AlmostClock", (), {"now": "09:00", "sleep": lambda self, s: None})()

    with pytest.raises(InvalidInputError, match=r"not callable: now\)"):
        _registry(PortKind.CLOCK, clock).build(PortKind.CLOCK, "vendor", CTX)


def test_a_provider_is_built_from_a_provider_context_only() -> None:
    port = port_protocol(PortKind.PROVIDER)
    registry = _registry(PortKind.PROVIDER, _adapter(port, set().union(*_members(port))))

    with pytest.raises(InvalidInputError, match="from ProviderContext, not from AdapterContext"):
        registry.build(PortKind.PROVIDER, "vendor", CTX)
    with pytest.raises(InvalidInputError, match="from AdapterContext, not from ProviderContext"):
        _registry(PortKind.CLOCK, InMemoryClock()).build(PortKind.CLOCK, "vendor", PROVIDER_CTX)


def test_an_unknown_name_still_lists_the_installed_ones() -> None:
    with pytest.raises(InvalidInputError, match="installed: vendor"):
        _registry(PortKind.CACHE, object()).build(PortKind.CACHE, "nosuch", CTX)


def test_the_context_carries_the_shared_clock_when_given() -> None:
    clock = InMemoryClock()
    seen: list[AdapterContext] = []

    def factory(ctx: AdapterContext) -> InMemoryClock:
        seen.append(ctx)
        return clock

    registry = AdapterRegistry()
    registry.add(PortKind.CLOCK, "echo", factory, plugin="p")

    registry.build(PortKind.CLOCK, "echo", AdapterContext(data_dir=NOWHERE, tenant="t"))
    registry.build(PortKind.CLOCK, "echo", AdapterContext(NOWHERE, "t", clock=clock))

    assert [c.clock for c in seen] == [None, clock]


def _builtins() -> AdapterRegistry:
    registry = AdapterRegistry()
    for plugin in (memory_plugin, local_plugin, assembled_plugin):
        plugin.wfm_register_adapters(registry)
    return registry


@pytest.mark.parametrize(
    ("kind", "name"), [(s.kind, s.name) for s in _builtins().specs()], ids=str
)
def test_every_built_in_adapter_satisfies_its_port(
    kind: PortKind, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WFM_MASTER_KEYS", raising=False)
    clock = InMemoryClock()
    context: AdapterContext | ProviderContext = (
        ProviderContext(tmp_path, "acme", SecretStr("sk_test_registry"), clock)
        if kind is PortKind.PROVIDER
        else AdapterContext(tmp_path, "acme", clock=clock)
    )

    adapter = _builtins().build(kind, name, context)

    assert isinstance(adapter, port_protocol(kind))
    close = getattr(adapter, "close", None)
    if callable(close):
        close()
