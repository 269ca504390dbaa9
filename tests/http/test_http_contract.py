"""Contract of the HTTP face: schemathesis over /openapi.json against a running server.

Every documented operation gets generated requests (the tenant path parameter pinned to the
token's tenant, so requests reach the use cases); every answer must be no server error and
match its documented status and schema. A few examples per operation by default, more under
HYPOTHESIS_PROFILE=ci.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from http_world import memory_settings
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from wfm_bridge import Bridge
from wfm_bridge.host.http import HttpServer, TokenStore

TENANT = "acme"
# Not positive_data_acceptance: input a schema cannot judge (an unknown time zone, a start in
# the past, a text that is no email) is a documented 400 with the use case's message.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 60 if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else 8


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, token of TENANT) of a live server on the memory_fake default."""
    home: Path = tmp_path_factory.mktemp("contract")
    with Bridge(memory_settings(home)) as bridge:
        token, _ = TokenStore(bridge.state, bridge.clock).create(TENANT)
        with HttpServer(bridge, log_level="critical") as server:
            yield server.url, token


@pytest.fixture(scope="module")
def api_schema(running: tuple[str, str]) -> Any:
    url, token = running
    config = SchemathesisConfig.from_dict(
        {
            "headers": {"Authorization": f"Bearer {token}"},
            "parameters": {"tenant": TENANT},
            "generation": {"max-examples": EXAMPLES},
        }
    )
    return schemathesis.openapi.from_url(f"{url}/openapi.json", config=config)


def test_every_answer_is_documented_and_never_a_server_error(api_schema: Any) -> None:
    # One hypothesis run per operation, inside this test: schemathesis' own pytest loader
    # (from_fixture) does not run on this pytest.
    checked, seen = [], Counter[int]()
    for result in api_schema.get_all_operations():
        operation = result.ok()
        pinned = {"tenant": TENANT} if "{tenant}" in operation.path else None

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        @given(case=operation.as_strategy(path_parameters=pinned))
        def check(case: Any) -> None:
            response = case.call()
            seen[response.status_code] += 1
            assert response.status_code < 500, (case.method, case.formatted_path, response.text)
            case.validate_response(response, checks=CHECKS)

        check()
        checked.append(f"{operation.method.upper()} {operation.path}")
    assert len(checked) >= 18, checked
    print("answers by status:", dict(sorted(seen.items())))
    assert seen[200] + seen[201] >= len(checked), seen  # requests reach the use cases


def test_the_openapi_document_is_valid(api_schema: Any, running: tuple[str, str]) -> None:
    import httpx

    api_schema.validate()  # against the OpenAPI meta-schema of its version
    document = httpx.get(f"{running[0]}/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert "HTTPBearer" in document["components"]["securitySchemes"]
    statuses = {s for path in document["paths"].values() for op in path.values()
                for s in op["responses"]}
    assert "422" not in statuses and {"400", "401", "403", "404", "409", "429", "503"} <= statuses
