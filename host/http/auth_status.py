"""``GET .../auth/status``: what may be shown of a tenant's key (``wfm auth status --json``).

Never the key: its fingerprint, when it was validated, which master key seals it, and whether
the provider has the ``Meeting`` activity type that booking needs (from the tenant's cached
activity types, so a status page costs no request most of the time).
"""

from __future__ import annotations

from typing import Any

from wfm_bridge.core.meeting_rules import MEETING_TYPE
from wfm_bridge.host.tenant import Tenant
from wfm_bridge.ports.errors import WfmError
from wfm_bridge.ports.registry import PortKind


def _meeting_type(tenant: Tenant, has_key: bool) -> tuple[bool | None, str]:
    spec = tenant.bridge.registry.get(PortKind.PROVIDER, tenant.settings.provider)
    if not has_key and spec.requires_key:
        return None, "unknown: no key stored; run `wfm auth set-key`"
    try:
        names = {t.name for t in tenant.activity_types.all().values()}
    except WfmError as exc:
        return None, f"unknown: {exc}"
    if MEETING_TYPE in names:
        return True, "yes"
    return False, f"missing: create an activity type named exactly `{MEETING_TYPE}`"


def auth_status(tenant: Tenant) -> dict[str, Any]:
    """One row: tenant, provider, fingerprint, validated_at, master key id, `Meeting` check."""
    provider = tenant.settings.provider
    info = tenant.bridge.vault.info(tenant.name, provider)
    exists, note = _meeting_type(tenant, info is not None)
    return {
        "tenant": tenant.name,
        "provider": provider,
        "fingerprint": info.fingerprint if info else None,
        "validated_at": info.validated_at.isoformat() if info and info.validated_at else None,
        "master_key_id": info.master_key_id if info else None,
        "meeting_type_exists": exists,
        "meeting_type": note,
    }
