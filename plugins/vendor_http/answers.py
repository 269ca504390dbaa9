"""A vendor's JSON answer validated as its wire model: anything malformed is one
``ProviderResponseError`` naming the vendor, the endpoint and where the answer went wrong."""

from __future__ import annotations

import functools
from typing import Any, TypeVar, cast

from pydantic import TypeAdapter, ValidationError

from wfm_bridge.ports.errors import ProviderResponseError

W = TypeVar("W")


@functools.cache  # one adapter per wire model, built on first use
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def parse_answer(model: type[W], content: bytes, endpoint: str, *, vendor: str, hint: str) -> W:
    """Validate a JSON body as ``model``; ``hint`` says what to check (``"check the base
    URL"``) when ``vendor``'s answer to ``endpoint`` is malformed."""
    try:
        return cast(W, _adapter(cast(Any, model)).validate_json(content))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "body"
        raise ProviderResponseError(
            f"{vendor} sent an unexpected answer to {endpoint} ({where}: {first.get('msg')}); "
            f"{hint}, and report it if it persists"
        ) from exc
