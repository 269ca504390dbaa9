"""Building port DTOs in bulk: unvalidated construction of values already checked.

A 60-day view of 500 agents brings ~90k activities in. They cross the provider port, so they
are pydantic models like every port DTO; validating each one again (~3 us) after the adapter
checked the wire answer costs more than fetching it under the rate limit, and pydantic's own
``model_construct`` (~3.5 us) is slower still. ``construct`` (~1 us) is what the adapters' hot
paths use, through ``Activity.trusted`` and ``ActivityBatch.trusted``; nothing else should:
validation is what keeps a bad value from crossing a port. (The view going out is built from
slotted dataclasses instead: see read_models.)
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

_new = object.__new__
# The slots BaseModel.model_construct fills, set through their descriptors directly.
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
_EVERY_FIELD: dict[type[BaseModel], set[str]] = {}


def construct(cls: type[M], fields: dict[str, Any]) -> M:
    """``cls`` holding ``fields`` as they are: every field given, each already checked.

    What ``model_construct`` does, without its per-field alias and default handling (which
    costs more than validating). ``fields_set`` is every field, as for a validated instance;
    one set is shared per class (one per instance doubled the objects the GC walks), which is
    safe because pydantic copies it before any change (``model_copy``). Classes with private
    attributes, extra fields or post-init hooks are not supported.
    """
    every = _EVERY_FIELD.get(cls)
    if every is None:
        every = _every_field(cls, fields)
    model = _new(cls)
    _set_dict(model, fields)
    _set_fields_set(model, every)
    _set_extra(model, None)
    _set_private(model, None)
    return model


def _every_field(cls: type[BaseModel], fields: dict[str, Any]) -> set[str]:
    if set(fields) != set(cls.model_fields) or list(fields) != list(cls.model_fields):
        raise TypeError(f"{cls.__name__}: give every field, in declaration order")
    if cls.__private_attributes__ or cls.__pydantic_post_init__:
        raise TypeError(f"{cls.__name__} has private attributes or a post-init hook")
    if cls.model_config.get("extra") == "allow":
        raise TypeError(f"{cls.__name__} allows extra fields")
    every = _EVERY_FIELD[cls] = set(fields)
    return every
