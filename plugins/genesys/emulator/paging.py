"""Genesys's paged listings: ``pageSize``/``pageNumber`` (1-based) in, entity listing out."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from wfm_bridge.plugins.genesys.emulator.responses import Rejected


def page_params(query: Mapping[str, str], *, default_size: int, max_size: int) -> tuple[int, int]:
    """``(pageSize, pageNumber)`` from the query; 400 when out of range."""
    size = _int(query, "pageSize", default_size)
    number = _int(query, "pageNumber", 1)
    if not 1 <= size <= max_size:
        raise Rejected(400, f"pageSize must be between 1 and {max_size}")
    if number < 1:
        raise Rejected(400, "pageNumber must be at least 1")
    return size, number


def listing(
    items: Sequence[Any],
    size: int,
    number: int,
    path: str,
    params: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One page of ``items`` as Genesys's entity listing, with its navigation URIs."""
    total = len(items)
    count = max(1, math.ceil(total / size))

    def uri(n: int) -> str:
        return path + "?" + urlencode({**(params or {}), "pageSize": size, "pageNumber": n})

    body: dict[str, Any] = {
        "entities": list(items[(number - 1) * size : number * size]),
        "pageSize": size,
        "pageNumber": number,
        "total": total,
        "pageCount": count,
        "firstUri": uri(1),
        "selfUri": uri(number),
        "lastUri": uri(count),
    }
    if number < count:
        body["nextUri"] = uri(number + 1)
    if number > 1:
        body["previousUri"] = uri(number - 1)
    return body


def _int(query: Mapping[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise Rejected(400, f"{name} must be an integer") from None


def id_list(query: Any, name: str) -> list[str]:
    """A list query parameter, repeated (``id=a&id=b``) or comma-joined (``id=a,b``) as the
    SDK sends it."""
    values = query.getlist(name) if hasattr(query, "getlist") else [query.get(name, "")]
    return [part for value in values for part in value.split(",") if part]
