"""Provider options from the environment: ``WFM_OPTION_<NAME>`` sets option ``<name>``.

Before, only ``base_url`` could reach a provider from the `wfm` command line, so every other
documented Assembled option (timeouts, rate, the score endpoint's path and fields) was
unreachable; the chaos run needs a short client timeout in its `wfm` processes.
"""

from __future__ import annotations

import io
import sys

import pytest

from wfm_bridge.host.cli.app import run
from wfm_bridge.host.settings import Settings


def test_option_variables_become_provider_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WFM_OPTION_TIMEOUT", "2.5")
    monkeypatch.setenv("WFM_OPTION_SCORES_FIELDS", "conversation_external_id=evaluation_id,a=b")
    monkeypatch.setenv("WFM_OPTION_", "ignored: no name")

    options = Settings.from_env().provider_options

    assert options == {
        "timeout": "2.5",
        "scores_fields": "conversation_external_id=evaluation_id,a=b",
    }


def test_base_url_variable_and_option_win_over_the_generic_form(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WFM_OPTION_BASE_URL", "https://generic.example")
    assert Settings.from_env().provider_options["base_url"] == "https://generic.example"
    monkeypatch.setenv("WFM_BASE_URL", "https://specific.example")
    assert Settings.from_env().provider_options["base_url"] == "https://specific.example"
    overridden = Settings.from_env(provider_options={"base_url": "https://cli.example"})
    assert overridden.provider_options["base_url"] == "https://cli.example"


def test_the_options_reach_the_assembled_plugin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    monkeypatch.setenv("WFM_HOME", str(tmp_path))
    monkeypatch.setenv("WFM_OPTION_TIMEOUTT", "2")  # a typo is refused, never ignored
    monkeypatch.setattr(sys, "stdin", io.StringIO("sk_live_" + "x" * 32))

    code = run(["--provider", "assembled", "auth", "set-key"])

    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "unknown assembled option(s) timeoutt" in err
