"""The one reader of Slidev markdown (:mod:`nlpdeck.reader`), under the name its
callers import it by.

Slides are split exactly as Slidev's own parser does (``@slidev/parser``, checked by a
test against it); inside a slide, fences and HTML are parsed with markdown-it-py.
Parsing is pure (:func:`parse_text`: text in, frozen dataclasses out);
:func:`read_deck` adds the disk: ``src:`` imports and ``<<<`` snippet files.
All line numbers are 1-based lines of the file named by ``path``.

    >>> deck = read_deck("slides/part2/slides.md")            # doctest: +SKIP
    >>> [(b.slide, b.lang, b.line) for b in deck.blocks()]    # doctest: +SKIP
    [(23, 'python', 531), (23, 'python', 541)]
"""

from nlpdeck.reader import (
    PYTHON_LANGS,
    RE_ENDREGION,
    RE_REGION,
    Asset,
    CodeBlock,
    Deck,
    Directive,
    Problem,
    Slide,
    parse_directive,
    parse_text,
    read_deck,
    show_path,
)

__all__ = [
    "PYTHON_LANGS",
    "RE_ENDREGION",
    "RE_REGION",
    "Asset",
    "CodeBlock",
    "Deck",
    "Directive",
    "Problem",
    "Slide",
    "parse_directive",
    "parse_text",
    "read_deck",
    "show_path",
]
