"""Colours for activity types: the provider's colour where valid, else a stable palette.

Provider colours end up inside a CSS ``style`` attribute, so only plain hex colours are
accepted; anything else (names, ``url(...)``, injected declarations) falls back to the palette.
Palette colours are chosen by a SHA-256 hash of the activity type id (``hash()`` is salted per
process), so the same type gets the same colour on every run.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

# Tableau 10 plus two light tones: distinguishable, and each readable with dark or white text.
PALETTE: tuple[str, ...] = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#a0cbe8",
    "#8cd17d",
)
DARK_TEXT = "#000000"
LIGHT_TEXT = "#ffffff"

_HEX = re.compile(r"^#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def safe_color(value: str | None) -> str | None:
    """``value`` as ``#rrggbb`` when it is a plain hex colour, else ``None``."""
    if value is None:
        return None
    text = value.strip()
    if not _HEX.match(text):
        return None
    digits = text.lstrip("#").lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits}"


def hashed_index(type_id: str) -> int:
    """The palette index an activity type id prefers (stable across runs and machines)."""
    digest = hashlib.sha256(type_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % len(PALETTE)


def palette_colors(type_ids: Iterable[str]) -> dict[str, str]:
    """A palette colour per type id: its hashed colour, probing onward when already taken.

    Ids are visited in sorted order, so the same set of types always gets the same colours;
    two types only share a colour when there are more types than palette entries.
    """
    taken: set[int] = set()
    colors: dict[str, str] = {}
    for type_id in sorted(set(type_ids)):
        index = hashed_index(type_id)
        if len(taken) < len(PALETTE):
            while index in taken:
                index = (index + 1) % len(PALETTE)
        taken.add(index)
        colors[type_id] = PALETTE[index]
    return colors


def _luminance(color: str) -> float:
    """WCAG relative luminance of a ``#rrggbb`` colour."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio between two ``#rrggbb`` colours (1 to 21)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_color(background: str) -> str:
    """Dark or white text, whichever contrasts more with ``background`` (``#rrggbb``)."""
    dark = contrast_ratio(background, DARK_TEXT)
    light = contrast_ratio(background, LIGHT_TEXT)
    return DARK_TEXT if dark >= light else LIGHT_TEXT
