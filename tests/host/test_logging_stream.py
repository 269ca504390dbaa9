"""The CLI's log handler follows sys.stderr, so a closed, swapped-out stream never breaks it."""

from __future__ import annotations

import io
import logging
import sys

import pytest

from wfm_bridge.host.logging_setup import configure_logging


def test_handler_writes_to_the_current_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    try:
        monkeypatch.setattr(sys, "stderr", first)
        configure_logging("INFO")
        first.close()  # e.g. a test capture that ended; a background thread logs later
        monkeypatch.setattr(sys, "stderr", second)
        logging.getLogger("wfm.test").info("still logged")
        assert "still logged" in second.getvalue()
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
