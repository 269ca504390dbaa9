"""JSON in and out for an emulator's routes; ``Rejected`` is an error answer in the making
(the vendor's app turns it into the vendor's error body)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

BodyReader = Callable[[Request], Awaitable[Any]]


class Rejected(Exception):
    """An error answer: HTTP ``status``, a message and (where the vendor has them) a ``code``."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A compact JSON answer."""
    body = json.dumps(data, separators=(",", ":")).encode()
    return Response(body, status, headers=headers, media_type="application/json")


def json_reader(not_json: str) -> BodyReader:
    """A reader of a request's JSON body that answers 400 ``not_json`` when it is not JSON."""

    async def json_body(request: Request) -> Any:
        """The request's JSON body; 400 when it is not JSON."""
        try:
            return await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise Rejected(400, not_json) from None

    return json_body
