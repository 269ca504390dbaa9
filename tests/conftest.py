"""Test-wide settings: hypothesis profiles (quick default; thorough: HYPOTHESIS_PROFILE=ci)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True, scope="session")
def _isolated_wfm_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Never touch the real data dir or master keys: local adapters are the default."""
    saved = {k: os.environ.get(k) for k in ("WFM_HOME", "WFM_MASTER_KEYS")}
    os.environ["WFM_HOME"] = str(tmp_path_factory.mktemp("wfm-home"))
    os.environ.pop("WFM_MASTER_KEYS", None)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
