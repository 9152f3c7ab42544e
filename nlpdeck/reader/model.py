"""What the reader returns: frozen dataclasses, one per thing a deck is made of.

All line numbers are 1-based lines of the file named by ``path`` (lines as Slidev counts
them: split at ``\\n`` or ``\\r\\n``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PYTHON_LANGS = frozenset({"python", "py", "python3"})


def show_path(path: Path) -> str:
    """A path as messages show it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Directive:
    """What the ``<!-- check: ... -->`` comment before a block asks of the check."""

    skip: str | None = None  # reason
    raises: str | None = None  # exception class name the block is expected to raise
    needs: tuple[str, ...] = ()  # hub ids the block needs besides those it names
    timeout: float | None = None  # seconds


@dataclass(frozen=True)
class CodeBlock:
    """One code block the audience sees (a fence, a magic-move step or a snippet)."""

    slide: int  # number in the presented deck, 1-based
    index: int  # 1-based among the slide's blocks
    lang: str
    options: str  # Slidev fence options, e.g. "{*|3|*}" or "{monaco-run} {autorun:false}"
    code: str
    path: Path  # file holding the code: the markdown, or the snippet's source
    line: int  # line of the first code line in ``path``
    fence_line: int  # line of the fence (or ``<<<``) in the slide's markdown file
    markdown: Path  # the markdown file the block is written in
    step: int | None = None  # magic-move step, 1-based
    snippet: str | None = None  # the ``<<<`` reference, if imported
    directive: Directive = Directive()
    closed: bool = True  # False: the fence runs on past where it was meant to end

    @property
    def is_python(self) -> bool:
        return self.lang in PYTHON_LANGS

    @property
    def monaco_run(self) -> bool:
        return "monaco-run" in self.options

    @property
    def where(self) -> str:
        """``file:line (slide N)`` for messages."""
        return f"{show_path(self.markdown)}:{self.fence_line} (slide {self.slide})"


@dataclass(frozen=True)
class Asset:
    """An image, video or iframe a slide references."""

    kind: str  # tag name, "markdown-image" or "frontmatter:<key>"
    url: str
    line: int
    path: Path  # the markdown file
    alt: str | None = None  # an image's alt text, None when absent ("" marks decoration)


def place(slide: int, between: bool) -> str:
    """Where on the presented deck: ``slide 3``, ``after slide 3`` (a line that is no
    slide of its own, such as a ``src:`` import), or ``no slide``."""
    if between:
        return f"after slide {slide}" if slide else "before slide 1"
    return f"slide {slide}" if slide else "no slide"


@dataclass(frozen=True)
class Problem:
    """Something the reader could not make sense of, with where and what to do."""

    path: Path
    line: int
    slide: int  # presented slide; 0 when the line is on none
    message: str
    between: bool = False  # the line is between slides: ``slide`` is the one before
    rule: str = "markdown"  # the lint rule it is reported under (nlpdeck.lint.rules)

    def __str__(self) -> str:
        return f"{show_path(self.path)}:{self.line} ({place(self.slide, self.between)}): " + (
            self.message
        )


@dataclass(frozen=True)
class Slide:
    """One slide, with its source span (1-based, inclusive): from its first line (the
    frontmatter's ``---``, if any) through its last, the content from ``content_start``.
    ``frontmatter`` is what Slidev presents it with (an importer's keys included)."""

    number: int
    path: Path
    start: int
    content_start: int
    end: int
    frontmatter: dict[str, Any]
    title: str | None
    blocks: tuple[CodeBlock, ...] = ()
    assets: tuple[Asset, ...] = ()
    problems: tuple[Problem, ...] = ()
    hidden: bool = False  # ``hide`` or ``disabled`` (Slidev does not present it)
    key_lines: dict[str, int] = field(default_factory=dict)  # frontmatter key: its line
    embedded: tuple[CodeBlock, ...] = ()  # ``<<<`` lines inside other blocks (no block)
    notes: int | None = None  # first line of the presenter notes


@dataclass(frozen=True)
class Deck:
    path: Path
    headmatter: dict[str, Any]
    slides: tuple[Slide, ...]
    file_problems: tuple[Problem, ...] = ()  # imports, encodings: not one slide's
    headmatter_lines: dict[str, int] = field(default_factory=dict)  # key: line in ``path``
    headmatter_slide: int = 1  # presented number of the slide the headmatter heads (0: none)

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.file_problems + tuple(p for s in self.slides for p in s.problems)

    def blocks(self) -> Iterator[CodeBlock]:
        for slide in self.slides:
            yield from slide.blocks

    @property
    def dir(self) -> Path:
        return self.path.parent
