"""Employees named by display name where an email is expected, through the host directory.

A word without ``@`` is a display name: it must name exactly one employee of the directory
(case and spacing ignored), and stands for that employee's email. Unknown names are refused
with the closest names, ambiguous ones with every candidate's email.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from wfm_bridge.core.people_index import normalise_name
from wfm_bridge.ports.errors import InvalidInputError, UnknownIdError
from wfm_bridge.ports.models import Employee

CLOSEST = 3


def is_name(item: str) -> bool:
    """Whether ``item`` is a display name rather than an email."""
    return bool(item.strip()) and "@" not in item


def resolve_names(items: Sequence[str], employees: Iterable[Employee]) -> list[str]:
    """``items`` with each display name replaced by its one employee's email (emails and
    blanks pass through for the use case to judge)."""
    if not any(is_name(item) for item in items):
        return list(items)
    by_name: dict[str, list[Employee]] = {}
    shown: dict[str, str] = {}
    for e in employees:
        if e.email and e.name.strip():
            key = normalise_name(e.name)
            by_name.setdefault(key, []).append(e)
            shown.setdefault(key, " ".join(e.name.split()))
    return [_email(item, by_name, shown) if is_name(item) else item for item in items]


def _email(item: str, by_name: dict[str, list[Employee]], shown: dict[str, str]) -> str:
    key = normalise_name(item)
    found = by_name.get(key, [])
    if len(found) == 1 and found[0].email:
        return found[0].email.strip()
    given = " ".join(item.split())
    if found:
        emails = ", ".join(sorted((e.email or "").strip() for e in found))
        raise InvalidInputError(
            f"{given!r} is the name of {len(found)} employees ({emails}); give the email "
            "of the one you mean"
        )
    close = difflib.get_close_matches(key, list(by_name), n=CLOSEST, cutoff=0.6)
    hint = (
        "closest: " + ", ".join(f"{shown[k]} <{by_name[k][0].email}>" for k in close)
        if close
        else "see `wfm mapping show` for the employees"
    )
    raise UnknownIdError(
        f"{given!r} is not an email and no employee has that name; {hint}"
    )
