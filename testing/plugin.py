"""The conformance kit's pytest plugin (entry point ``pytest11: wfm_bridge``).

Inert for a project that merely has it installed: it adds no fixture, collects nothing and
changes no option. It registers the ``wfm_capability`` marker the kit's suites carry, and when
a test module does opt in (a class inheriting a kit suite) it checks, before anything runs,
that the module gives the suites their ``wfm_harness`` fixture, with a usage error that says
what to write instead of a "fixture not found" at every test.
"""

from __future__ import annotations

import sys

import pytest

MARKER = "wfm_capability"  # testing/suite.py marks with it; not imported: it pulls in
# pydantic and the ports, and this module is loaded by every pytest run

# The suites' asserts explain themselves in a vendor's run as in ours. Named one by one: the
# package itself is already imported (this module lives in it); the suites load lazily.
pytest.register_assert_rewrite(
    *(
        f"wfm_bridge.testing.{name}"
        for name in (
            "caches",
            "calls",
            "errors",
            "kit",
            "reads",
            "redaction",
            "scores",
            "states",
            "suite",
            "writes",
        )
    )
)

HOW = (
    "define a `wfm_harness` fixture (in the test module or a conftest.py) that yields your "
    "ProviderHarness, e.g.\n\n"
    "    @pytest.fixture\n"
    "    def wfm_harness(tmp_path):\n"
    "        with my_harness(tmp_path) as harness:\n"
    "            yield harness\n"
)


def pytest_configure(config: pytest.Config) -> None:
    """Register the kit's marker (so ``--strict-markers`` accepts the suites)."""
    config.addinivalue_line(
        "markers", f"{MARKER}(name): a wfm_bridge kit test needing a declared capability"
    )


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Refuse an opted-in module that gives the suites no ``wfm_harness`` fixture."""
    suite = sys.modules.get("wfm_bridge.testing.suite")
    if suite is None:  # no test module imported a suite: nothing opted in
        return
    for item in items:
        cls = getattr(item, "cls", None)
        if cls is None or not issubclass(cls, suite.KitSuite):
            continue
        info = getattr(item, "_fixtureinfo", None)
        if info is not None and "wfm_harness" not in info.name2fixturedefs:
            raise pytest.UsageError(
                f"{item.nodeid}: the wfm_bridge conformance kit needs a harness; {HOW}"
            )
