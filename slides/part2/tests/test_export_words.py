"""Part 2's exported PDF keeps its figures' words: `nlpdeck export` runs Slidev's exporter
(a dev server on the deck) in Debian's chromium; the addon's print caption puts each
shown figure's description in the PDF's text layer."""

from __future__ import annotations

import json
import unicodedata
from html.parser import HTMLParser
from typing import Any

import pytest
from figure_tags import PART2

from nlpdeck.figures import build


class _Switches(HTMLParser):
    """The src of each picture in a ``<v-switch>`` template before its last."""

    def __init__(self) -> None:
        super().__init__()
        self.templates: list[list[str]] = []
        self.inside = 0  # depth of <v-switch>
        self.earlier: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "v-switch":
            self.inside += 1
            self.templates = []
        elif tag == "template" and self.inside:
            self.templates.append([])
        elif tag in ("img", "source") and self.inside and self.templates:
            self.templates[-1].append(dict(attrs).get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "v-switch" and self.inside:
            self.inside -= 1
            self.earlier.update(src for t in self.templates[:-1] for src in t)


def _switched_away(slide: Any) -> set[str]:
    lines = slide.path.read_text(encoding="utf-8").splitlines()
    found = _Switches()
    found.feed("\n".join(lines[slide.content_start - 1 : slide.end]))
    return found.earlier


def _comparable(text: str) -> str:
    """Text as a PDF's text layer can be compared with: Chromium's PDF names some CJK
    characters by their radical forms (民 as ⺠, 见 as ⻅), so every CJK character stands
    for any; spaces go (the layer breaks lines anywhere)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        "字" if "\u2e80" <= c <= "\u2fdf" or "\u3400" <= c <= "\u9fff" else c
        for c in text
        if not c.isspace()
    )


@pytest.mark.export
@pytest.mark.browser
def test_the_exported_pdf_holds_every_shown_figures_words(capsys, tmp_path):
    """The PDF of `nlpdeck export` (Slidev's exporter in Debian's chromium; its PNGs are
    tests/test_new_deck.py's): each figure a slide shows at its last click has its words
    in the PDF's text layer (the addon's print caption), read back with pypdf."""
    from pypdf import PdfReader

    from nlpdeck import export, lint

    # a missing chromium or slidev fails the export, which says what to install
    pdf = tmp_path / "part2.pdf"
    assert export.pdf(PART2, pdf) == 0, capsys.readouterr().out[-3000:]
    text = _comparable("".join(page.extract_text() for page in PdfReader(pdf).pages))
    figures = PART2.figures.resolve()
    shown = {
        lint.resolve_asset(a, PART2).relative_to(figures).as_posix()
        for s in PART2.deck.slides
        for a in s.assets
        if lint.resolve_asset(a, PART2).is_relative_to(figures)
    }
    # the PDF shows each slide at its last click: a <v-switch> its last template
    earlier_clicks = {
        lint.resolve_asset(a, PART2).relative_to(figures).as_posix()
        for s in PART2.deck.slides
        for a in s.assets
        if a.url in _switched_away(s)
    }
    described = json.loads((PART2.figures / build.DESCRIPTIONS).read_text(encoding="utf-8"))
    assert "1-min.png" in earlier_clicks and "8-min.png" not in earlier_clicks
    expected = sorted((shown - earlier_clicks) & set(described))
    assert len(expected) >= 25
    missing = [name for name in expected if _comparable(described[name]) not in text]
    assert missing == []
