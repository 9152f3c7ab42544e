"""The one reader of Slidev markdown, in layers named for what they hold.

- :mod:`.model`: what it returns (frozen dataclasses: Deck, Slide, CodeBlock, Asset,
  Problem, Directive);
- :mod:`.split`: slide splitting and frontmatter, by Slidev's own rules
  (``@slidev/parser``, checked against it by the tests), with :mod:`.js` (JavaScript's
  string rules and truthiness) and :mod:`.yaml12` (frontmatter as YAML 1.2);
- :mod:`.walk`: inside a slide, fences, magic-move steps, ``<<<`` lines, check
  directives and assets, from markdown-it tokens;
- :mod:`.parse`: one file's slides, text in, dataclasses out;
- :mod:`.files`: a file's text as Slidev reads it, and what is wrong with its bytes;
- :mod:`.snippets`: the code a ``<<< path#region`` shows (reads the snippet's file);
- :mod:`.load`: a deck from disk, following ``src:`` imports.

Everything but :mod:`.files`, :mod:`.snippets` and :mod:`.load` is pure: text in,
dataclasses out. Nothing raises on a deck: what is wrong is a :class:`Problem` with
file, line, slide and what to do.
"""

from nlpdeck.reader.load import read_deck
from nlpdeck.reader.model import (
    PYTHON_LANGS,
    Asset,
    CodeBlock,
    Deck,
    Directive,
    Problem,
    Slide,
    show_path,
)
from nlpdeck.reader.parse import parse_text
from nlpdeck.reader.snippets import RE_ENDREGION, RE_REGION
from nlpdeck.reader.walk import parse_directive

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
