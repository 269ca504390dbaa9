"""The Cache port: short-lived, rebuildable data (mapping, activity types)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from wfm_bridge.ports.jsonvalue import JsonValue


@runtime_checkable
class Cache(Protocol):
    """A namespaced key-value cache of JSON-compatible values.

    Entries may vanish at any time (eviction, TTL); callers must be able to rebuild them.
    Use cases keep their own ``fetched_at`` inside the value and judge freshness with the Clock
    port, so expiry rules are deterministic under a fake clock; ``ttl_seconds`` is a storage
    hint that lets a real cache drop stale entries. Namespaces isolate tenants: a use case puts
    the tenant in the namespace. Values round-trip exactly (JSON types only).
    """

    def get(self, namespace: str, key: str) -> JsonValue | None:
        """The stored value, or None when absent or expired."""
        ...

    def set(self, namespace: str, key: str, value: JsonValue, ttl_seconds: float | None) -> None:
        """Store ``value``, replacing any previous one."""
        ...

    def delete(self, namespace: str, key: str) -> None:
        """Remove one entry; absent keys are fine."""
        ...

    def clear(self, namespace: str) -> int:
        """Remove every entry of a namespace; returns how many were removed."""
        ...
