"""``GET .../auth/status``: what may be shown of a tenant's key (``wfm auth status --json``).

Never the key: the row the CLI prints (field names, fingerprints, when it was validated,
which master key seals it, whether the provider is ready for one-to-ones).
"""

from __future__ import annotations

from typing import Any

from wfm_bridge.host.cli.auth_cmd import status_row
from wfm_bridge.host.tenant import Tenant


def auth_status(tenant: Tenant) -> dict[str, Any]:
    """The tenant's row, exactly as ``wfm auth status --json`` shows it."""
    info = tenant.bridge.vault.info(tenant.name, tenant.settings.provider)
    return status_row(tenant.bridge, tenant.settings, info)
