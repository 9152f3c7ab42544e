"""The deck's ``<FigureNumber>`` and ``<PlotlyFigure>`` tags, found in each slide's text
(slides and line spans from the one deck reader), for the figure tests to check
against the numbers and files the build wrote."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from nlpdeck import project
from nlpdeck.reader import read_deck

PART2 = project.load(Path(__file__).resolve().parents[1] / "slides.md")
"""The deck these tests belong to."""


@dataclass(frozen=True)
class Tag:
    name: str  # lower-cased, as HTMLParser reports it
    attrs: dict[str, str]
    line: int  # in the deck's markdown
    slide: int
    images: tuple[str, ...] = ()  # src of the <img> inside (a PlotlyFigure's static PNG)


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str], int, list[str]]] = []
        self.open: list[tuple[str, dict[str, str], int, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in ("figurenumber", "plotlyfigure"):
            entry = (tag, values, self.getpos()[0], [])
            self.found.append(entry)
            if tag == "plotlyfigure":
                self.open.append(entry)
        elif tag == "img" and self.open:
            self.open[-1][3].append(values.get("src", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "plotlyfigure" and self.open:
            self.open.pop()


def tags(name: str, path: Path = PART2.path) -> list[Tag]:
    """Every ``<name …>`` in the deck (``figurenumber`` or ``plotlyfigure``)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for slide in read_deck(path).slides:
        finder = _Finder()
        finder.feed("\n".join(lines[slide.content_start - 1 : slide.end]))
        for tag, attrs, row, images in finder.found:
            if tag == name:
                line = slide.content_start + row - 1
                found.append(Tag(tag, attrs, line, slide.number, tuple(images)))
    return found


def lookup(document: Any, dotted: str) -> Any:
    """``lookup(data, "methods.fine_tuning.accuracy")``; list items by index."""
    for key in dotted.split("."):
        document = document[int(key)] if isinstance(document, list) else document[key]
    return document


def read_json(folder: Path, name: str) -> Any:
    """A JSON file the build wrote (``name`` relative to ``folder``): the one reader the
    figure tests share."""
    return json.loads((folder / name).read_text(encoding="utf-8"))


def quoted(figures: Path, of: str) -> list[tuple[Tag, Any]]:
    """Each ``<FigureNumber of=of>`` in the deck with the value it shows from the build."""
    data = read_json(figures, f"{of}.json")
    return [(t, lookup(data, t.attrs["at"])) for t in tags("figurenumber") if t.attrs["of"] == of]


def printed_as_stored(tag: Tag, value: Any) -> bool:
    """A quoted number has no more decimals than FigureNumber.vue prints (3, or ``:digits``),
    so the slide shows exactly the digits the figure printed from the same JSON."""
    digits = int(tag.attrs.get(":digits", 3))
    numbers = value if isinstance(value, list) else [value]
    return all(not isinstance(v, float) or round(v, digits) == v for v in numbers)
