"""A report's HTML as its tags and text (the HTML reports' tests share it)."""

from __future__ import annotations

from html.parser import HTMLParser


class Parsed(HTMLParser):
    """Every start tag with its attributes, and every text run, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Parsed:
    """Return ``html`` parsed (see :class:`Parsed`)."""
    p = Parsed()
    p.feed(html)
    p.close()
    return p
