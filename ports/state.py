"""The StateStore port: durable state that must survive crashes (ledger, checkpoints, locks)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

from wfm_bridge.ports.jsonvalue import JsonValue


@runtime_checkable
class StateStore(Protocol):
    """Durable, namespaced key-value store of JSON-compatible values.

    Every write is atomic and durable once the call returns: a process killed at any point
    leaves either the old or the new value, never a mix. Namespaces isolate tenants and
    features (the caller puts the tenant in the namespace). ``scan`` yields in key order.
    ``lock`` is an exclusive, non-blocking, cross-process lock that is released when the
    holder exits, even by SIGKILL; when it is held elsewhere it raises ``BusyError``.
    """

    def get(self, namespace: str, key: str) -> JsonValue | None:
        """The stored value, or None when absent."""
        ...

    def put(self, namespace: str, key: str, value: JsonValue) -> None:
        """Store ``value`` atomically, replacing any previous one."""
        ...

    def put_if_absent(self, namespace: str, key: str, value: JsonValue) -> bool:
        """Store ``value`` only if ``key`` is absent; True when stored (atomic test-and-set)."""
        ...

    def delete(self, namespace: str, key: str) -> None:
        """Remove one entry; absent keys are fine."""
        ...

    def scan(self, namespace: str) -> Iterator[tuple[str, JsonValue]]:
        """Every (key, value) of a namespace, in key order."""
        ...

    def lock(self, name: str) -> AbstractContextManager[None]:
        """Hold an exclusive lock named ``name`` for the ``with`` block, or raise BusyError."""
        ...
