"""ActivityTypeCatalog: the provider's activity types, cached per scope for 24 h.

Stored in the Cache port (namespace ``<scope>:activity_types``; the scope names tenant,
provider and account, see ``core.mapping``) with their fetch time;
freshness is judged by the Clock. ``refresh`` forces a re-fetch.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from wfm_bridge.core.snapshot import CachedSnapshot, Snapshot
from wfm_bridge.ports.cache import Cache
from wfm_bridge.ports.clock import Clock
from wfm_bridge.ports.models import ActivityType
from wfm_bridge.ports.schedule_source import ScheduleSource


def activity_types_namespace(scope: str) -> str:
    """The cache namespace holding the activity types of ``scope``."""
    return f"{scope}:activity_types"


class ActivityTypeCatalog:
    """Activity types by id and by exact name."""

    def __init__(
        self,
        provider: ScheduleSource,
        cache: Cache,
        clock: Clock,
        scope: str,
        ttl: timedelta = timedelta(hours=24),
    ) -> None:
        self._types = CachedSnapshot(
            cache,
            clock,
            activity_types_namespace(scope),
            ActivityType,
            provider.list_activity_types,
            ttl,
        )
        self._by_id: tuple[Snapshot[ActivityType], dict[str, ActivityType]] | None = None

    def all(self) -> dict[str, ActivityType]:
        """Every activity type by id, in provider order (cached for the ttl)."""
        snapshot = self._types.get()
        if self._by_id is None or self._by_id[0] is not snapshot:
            self._by_id = (snapshot, {t.id: t for t in snapshot.items})
        return dict(self._by_id[1])

    def by_name(self, name: str) -> ActivityType | None:
        """The first activity type whose name is exactly ``name`` (case and spaces count)."""
        return next((t for t in self.all().values() if t.name == name), None)

    def refresh(self) -> None:
        """Re-fetch the activity types now."""
        self._types.refresh()

    def refreshed_at(self) -> datetime | None:
        """When the activity types were last fetched into the cache, None if never."""
        return self._types.refreshed_at()
