"""Reads a rendered calendar page back (stdlib HTMLParser): elements with classes and data."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Element:
    """One start tag: its name, attributes, classes and the text directly inside it."""

    tag: str
    attrs: dict[str, str]
    text: list[str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        """The element's CSS classes."""
        return set(self.attrs.get("class", "").split())

    def data(self, name: str) -> str:
        """A ``data-*`` attribute (must exist)."""
        return self.attrs[f"data-{name}"]


class _Reader(HTMLParser):
    VOID = frozenset({"meta", "br", "img", "link", "input", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1].tag in ("style", "script", "title"):
            return
        self.texts.append(data)
        for element in self.open:
            element.text.append(data)


def read_page(page: str) -> tuple[list[Element], str]:
    """All elements of ``page`` in document order, and its visible text."""
    reader = _Reader()
    reader.feed(page)
    reader.close()
    return reader.elements, "".join(reader.texts)


def with_class(elements: list[Element], name: str) -> list[Element]:
    """The elements carrying CSS class ``name``."""
    return [e for e in elements if name in e.classes]
