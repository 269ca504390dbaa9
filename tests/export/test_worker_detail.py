"""What the fleet's run record (shown by `wfm export status --all`) says of a failed turn: our
own error messages, but of anything else only its name (a library's text may hold a URL with a
password or a header)."""

from __future__ import annotations

from wfm_bridge.core.export_worker import _detail
from wfm_bridge.ports.errors import UnavailableError


def test_an_unexpected_exception_is_named_never_quoted() -> None:
    leaky = RuntimeError("connect to postgresql://app:hunter2@db:5432 failed, Authorization: x")
    assert _detail(leaky) == "unexpected RuntimeError; see the worker's log"


def test_our_own_errors_are_quoted_on_one_line() -> None:
    error = UnavailableError("Assembled did not answer\n  GET /v0/people; try again later")
    assert _detail(error) == "Assembled did not answer GET /v0/people; try again later"
