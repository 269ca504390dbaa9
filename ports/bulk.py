"""Building DTOs in bulk: unvalidated construction of checked values, deferred full GCs.

A 60-day view of 500 agents carries ~90k activities in and ~90k time blocks out. Validating
each one (pydantic) and the cyclic garbage collector walking them again and again cost more
than fetching them under the rate limit, so the hot paths use these two tools. Nothing else
should: validation is what keeps a bad value from crossing a port.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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


_deferring = 0  # how many callers are inside full_gc_deferred(), all threads together
_saved_threshold: tuple[int, int, int] | None = None
_lock = threading.Lock()


@contextmanager
def full_gc_deferred() -> Iterator[None]:
    """Defer the cyclic GC's full collections while building many DTOs.

    Every model instance is tracked by the collector, and CPython runs a full collection
    (a walk over every tracked object) each time the long-lived objects have grown by a
    quarter: building a big view paid for about eight of them. Young collections go on as
    usual (much of it while the provider waits on its rate limit); the full one comes later,
    once, like for any other long-lived data. Safe to nest and across threads: the first
    caller in raises the threshold, the last one out puts back what it found.
    """
    global _deferring, _saved_threshold
    with _lock:
        if _deferring == 0:
            _saved_threshold = gc.get_threshold()
            young, middle, _ = _saved_threshold
            gc.set_threshold(young, middle, _NEVER)
        _deferring += 1
    try:
        yield
    finally:
        with _lock:
            _deferring -= 1
            if _deferring == 0 and _saved_threshold is not None:
                gc.set_threshold(*_saved_threshold)
                _saved_threshold = None


_NEVER = 2**30  # young collections before a full one: more than any view makes
