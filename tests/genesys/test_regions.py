"""Regions map to the official SDK's hosts; the base URL overrides them; https only."""

from __future__ import annotations

import pytest
from PureCloudPlatformClientV2.purecloud_region_hosts import PureCloudRegionHosts

from wfm_bridge.plugins.genesys.config import GenesysConfig
from wfm_bridge.plugins.genesys.regions import REGIONS, hosts_for
from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.registry import CallBudget


def test_the_region_table_is_the_sdks() -> None:
    sdk = {r.name.replace("_", "-"): r.get_api_host() for r in PureCloudRegionHosts}
    assert {name: f"https://api.{domain}" for name, domain in REGIONS.items()} == sdk


@pytest.mark.parametrize(
    ("region", "api", "login"),
    [
        ("us-east-1", "https://api.mypurecloud.com", "https://login.mypurecloud.com"),
        ("mypurecloud.ie", "https://api.mypurecloud.ie", "https://login.mypurecloud.ie"),
        ("EU-WEST-2", "https://api.euw2.pure.cloud", "https://login.euw2.pure.cloud"),
        ("euw2.pure.cloud", "https://api.euw2.pure.cloud", "https://login.euw2.pure.cloud"),
    ],
)
def test_a_region_names_its_api_and_login_hosts(region: str, api: str, login: str) -> None:
    hosts = GenesysConfig.from_options({"region": region}).hosts
    assert (str(hosts.api), str(hosts.login)) == (api, login)


def test_a_base_url_overrides_the_region() -> None:
    hosts = hosts_for("us-east-1", "https://api.mypurecloud.de/")
    assert (str(hosts.api), str(hosts.login)) == (
        "https://api.mypurecloud.de",
        "https://login.mypurecloud.de",
    )
    local = hosts_for("us-east-1", "http://127.0.0.1:8766")
    assert str(local.api) == str(local.login) == "http://127.0.0.1:8766"


@pytest.mark.parametrize(
    "options",
    [
        {"region": "mars-north-1"},
        {"base_url": "http://api.mypurecloud.com"},  # clear text off loopback
        {"base_url": "ftp://127.0.0.1"},
        {"base_url": "https://user:pw@api.mypurecloud.com"},
        {"rate": "0"},
        {"page_size": "501"},
        {"timeout": "nan"},
        {"colour": "blue"},
    ],
)
def test_bad_options_are_invalid_input_naming_them(options: dict[str, str]) -> None:
    with pytest.raises(InvalidInputError) as caught:
        GenesysConfig.from_options(options)
    message = str(caught.value)
    assert message and "\n" not in message and "genesys" in message.lower()


def test_budgets_shape_the_retries() -> None:
    quick = GenesysConfig.from_options({}, CallBudget.INTERACTIVE).retry
    patient = GenesysConfig.from_options({}, CallBudget.BACKGROUND).retry
    assert quick.max_attempts < patient.max_attempts
    assert quick.retry_after_cap < patient.retry_after_cap
