"""What the reader returns: frozen dataclasses, one per thing a deck is made of.

All line numbers are 1-based lines of the file named by ``path`` (lines as Slidev counts
them: split at ``\\n`` or ``\\r\\n``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Problem:
    """Something the reader could not make sense of, with where and what to do."""

    path: Path
    line: int
    slide: int
    message: str

    def __str__(self) -> str:
        return f"{show_path(self.path)}:{self.line} (slide {self.slide}): {self.message}"


@dataclass(frozen=True)
class Slide:
    """One slide, with its source span (1-based, inclusive)."""

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


@dataclass(frozen=True)
class Deck:
    path: Path
    headmatter: dict[str, Any]
    slides: tuple[Slide, ...]
    import_problems: tuple[Problem, ...] = ()  # src: targets that are missing or cyclic

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.import_problems + tuple(p for s in self.slides for p in s.problems)

    def blocks(self) -> Iterator[CodeBlock]:
        for slide in self.slides:
            yield from slide.blocks

    @property
    def dir(self) -> Path:
        return self.path.parent
