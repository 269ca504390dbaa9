"""Every vendor client of the process verifies TLS through one shared context (built once: a
fresh one per tenant's client loads the certificate bundle again)."""

from __future__ import annotations

import ssl

from pydantic import SecretStr

from wfm_bridge.plugins.assembled.client import AssembledClient
from wfm_bridge.plugins.assembled.config import AssembledConfig
from wfm_bridge.plugins.genesys.client import GenesysClient
from wfm_bridge.plugins.genesys.config import GenesysConfig
from wfm_bridge.plugins.memory_fake.clock import InMemoryClock
from wfm_bridge.plugins.vendor_http.tls import tls_context


def _context_of(client: AssembledClient | GenesysClient) -> object:
    return client._http._transport._pool._ssl_context  # type: ignore[attr-defined]


def test_clients_share_one_verifying_context() -> None:
    clock = InMemoryClock()
    clients = [
        AssembledClient(AssembledConfig.from_options({}), SecretStr(f"sk_live_{n}"), clock)
        for n in range(3)
    ] + [
        GenesysClient(GenesysConfig.from_options({}), "id", SecretStr("secret"), clock)
        for _ in range(2)
    ]
    try:
        assert {id(_context_of(c)) for c in clients} == {id(tls_context())}
    finally:
        for c in clients:
            c.close()
    context = tls_context()
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
    assert context.minimum_version >= ssl.TLSVersion.TLSv1_2
