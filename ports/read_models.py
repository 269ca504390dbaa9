"""ReadModel: the base of output-only view types (what a use case returns, never accepts).

A schedule view of 500 agents over 60 days holds ~90k time blocks. As pydantic models each
block cost a model object plus its ``__dict__``; as slotted frozen dataclasses they are one
small object built by plain ``__init__``, with nothing process-global to tune for them.
Their values come from DTOs already validated at the port, so construction does not
validate again. What callers of the pydantic versions used is kept: ``model_dump`` and
``model_dump_json`` (the same JSON, through a pydantic ``TypeAdapter``), ``model_validate``
and ``model_validate_json`` (which *do* validate: aware datetimes, no unknown fields) and
``model_copy``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Literal, Self, cast

from pydantic import ConfigDict, TypeAdapter


class ReadModel:
    """Mixin for ``@dataclass(slots=True, frozen=True)`` view types: pydantic's spellings."""

    __slots__ = ()
    __pydantic_config__ = ConfigDict(extra="forbid")  # read by model_validate's adapter

    def model_dump(self, *, mode: Literal["python", "json"] = "python") -> dict[str, Any]:
        """The fields as a dict (nested views too); ``mode="json"`` gives JSON-ready values."""
        return cast(dict[str, Any], _adapter(type(self)).dump_python(self, mode=mode))

    def model_dump_json(self, *, indent: int | None = None) -> str:
        """The view as JSON text, exactly as pydantic writes it."""
        return _adapter(type(self)).dump_json(self, indent=indent).decode()

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> Self:
        """A copy with ``update`` applied (not validated, like pydantic's)."""
        return dataclasses.replace(self, **(update or {}))  # type: ignore[type-var]

    @classmethod
    def model_validate(cls, obj: object) -> Self:
        """A view from Python data (e.g. parsed JSON), validated; pydantic ``ValidationError``."""
        return cast(Self, _adapter(cls).validate_python(obj))

    @classmethod
    def model_validate_json(cls, data: str | bytes) -> Self:
        """A view from JSON text, validated; pydantic ``ValidationError`` otherwise."""
        return cast(Self, _adapter(cls).validate_json(data))


_ADAPTERS: dict[type[ReadModel], TypeAdapter[Any]] = {}


def _adapter(cls: type[ReadModel]) -> TypeAdapter[Any]:
    # Built on first use, once per class (a race between threads only builds one twice).
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter
