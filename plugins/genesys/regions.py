"""Genesys Cloud regions -> the login and API hosts of each, and the base-URL override.

A region is named by its AWS-style id (``us-east-1``, ``eu-west-2``...) or by its domain
(``mypurecloud.com``, ``mypurecloud.ie``, ``euw2.pure.cloud``...); the API lives at
``https://api.<domain>`` and the token endpoint at ``https://login.<domain>``. A base URL
(``--base-url``, e.g. the emulator's) replaces both: its ``api.`` host becomes ``login.``
for the token, as the official SDK does, and any other host serves both. HTTPS only; plain
http is accepted for loopback hosts alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from wfm_bridge.host.loopback import checked_base_url
from wfm_bridge.ports.errors import InvalidInputError

DEFAULT_REGION = "us-east-1"

# The official SDK's table (PureCloudRegionHosts); a test keeps the two equal.
REGIONS: dict[str, str] = {
    "us-east-1": "mypurecloud.com",
    "eu-west-1": "mypurecloud.ie",
    "ap-southeast-2": "mypurecloud.com.au",
    "ap-northeast-1": "mypurecloud.jp",
    "eu-central-1": "mypurecloud.de",
    "us-west-2": "usw2.pure.cloud",
    "ca-central-1": "cac1.pure.cloud",
    "ap-northeast-2": "apne2.pure.cloud",
    "eu-west-2": "euw2.pure.cloud",
    "ap-south-1": "aps1.pure.cloud",
    "us-east-2": "use2.us-gov-pure.cloud",
    "sa-east-1": "sae1.pure.cloud",
    "me-central-1": "mec1.pure.cloud",
    "ap-northeast-3": "apne3.pure.cloud",
    "eu-central-2": "euc2.pure.cloud",
    "mx-central-1": "mxc1.pure.cloud",
    "ap-southeast-1": "apse1.pure.cloud",
    "eusc-de-east-1": "edee1.eusc-pure.cloud",
}


@dataclass(frozen=True)
class Hosts:
    """Where the API and the token endpoint of one organisation are."""

    api: httpx.URL
    login: httpx.URL


def domain_of(region: str) -> str:
    """The domain of a region given by id or by domain; the error lists the known ones."""
    name = region.strip().lower()
    if name in REGIONS:
        return REGIONS[name]
    if name in REGIONS.values():
        return name
    known = ", ".join(f"{r} ({d})" for r, d in REGIONS.items())
    raise InvalidInputError(f"unknown Genesys Cloud region {region!r}; known: {known}")


def hosts_for(region: str = DEFAULT_REGION, base_url: str | None = None) -> Hosts:
    """The hosts of ``region``, or of ``base_url`` when given (it wins over the region)."""
    if base_url is None:
        domain = domain_of(region)
        return Hosts(httpx.URL(f"https://api.{domain}"), httpx.URL(f"https://login.{domain}"))
    api = check_url(base_url, "base URL")
    host = api.host
    login = api.copy_with(host="login." + host[4:]) if host.startswith("api.") else api
    return Hosts(api, login)


def check_url(url: str, what: str = "URL") -> httpx.URL:
    """``url`` if it is https, or plain http to a loopback host; else InvalidInputError."""
    return checked_base_url(
        url.rstrip("/"), f"the genesys {what}", "the client secret and tokens"
    )
