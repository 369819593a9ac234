"""Reading a report page back: its figures, sections, links and tags (for the report tests)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["Page", "external"]


class Page(HTMLParser):
    """Figures (id -> has svg, caption text), section ids, and every src/href value."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.figures: dict[str, dict] = {}
        self.sections: list[str] = []
        self.links: list[str] = []
        self.tags: set[str] = set()
        self._figure: str | None = None
        self._in_caption = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        self.tags.add(tag)
        for name in ("src", "href", "xlink:href", "data", "poster", "srcset", "action"):
            if attrs.get(name):
                self.links.append(attrs[name])
        if tag == "section":
            self.sections.append(attrs.get("id", ""))
        if tag == "figure":
            self._figure = attrs.get("id", "")
            self.figures[self._figure] = {"svg": False, "caption": "", "note": False}
        elif self._figure is not None:
            if tag == "svg":
                self.figures[self._figure]["svg"] = True
            if tag == "figcaption":
                self._in_caption = True
            if attrs.get("class") == "note":
                self.figures[self._figure]["note"] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "figcaption":
            self._in_caption = False
        if tag == "figure":
            self._figure = None

    def handle_data(self, data: str) -> None:
        if self._in_caption and self._figure is not None:
            self.figures[self._figure]["caption"] += data


def external(links: list[str]) -> list[str]:
    return [u for u in links if re.match(r"\s*(?:[a-z][a-z0-9+.-]*:|//)", u, re.I)]
