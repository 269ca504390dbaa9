"""One TLS context for every vendor client of the process.

httpx builds a fresh context (loading the certificate bundle, ~40 ms) for each ``Client`` told
``verify=True``; a multi-tenant host builds a client per tenant and account, so each would pay
it again. An ``ssl.SSLContext`` is safe to share between clients and threads, and it is built
with httpx's own defaults (certifi's bundle, TLS 1.2 or later), so verification is unchanged.
"""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The process's verifying TLS context, built on first use."""
    return httpx.create_ssl_context()
