"""The JSON value type that crosses the Cache and StateStore ports."""

from __future__ import annotations

from typing import TypeAlias

JsonValue: TypeAlias = (
    dict[str, "JsonValue"] | list["JsonValue"] | str | int | float | bool | None
)
