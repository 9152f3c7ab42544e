"""The one reader of Slidev markdown.

Slides are split exactly as Slidev's own parser does (``@slidev/parser``, checked by a
test against it); inside a slide, fences and HTML are parsed with markdown-it-py.
Parsing is pure (:func:`parse_text`: text in, frozen dataclasses out);
:func:`read_deck` adds the disk: ``src:`` imports and ``<<<`` snippet files.
All line numbers are 1-based lines of the file named by ``path``.

    >>> deck = read_deck("slides/part2/slides.md")            # doctest: +SKIP
    >>> [(b.slide, b.lang, b.line) for b in deck.blocks()]    # doctest: +SKIP
    [(23, 'python', 531), (23, 'python', 541)]
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

RE_SNIPPET = re.compile(r"^<<<[ \t]*(\S.*?)(#[\w-]+)?[ \t]*(?:[ \t](\S+?))?[ \t]*(\{.*)?$")
RE_DIRECTIVE = re.compile(r"^\s*<!--\s*check:(.*?)-->\s*$", re.S)
RE_REGION = re.compile(r"^\s*#\s*#?region\b\s*(.*?)\s*$")
RE_ENDREGION = re.compile(r"^\s*#\s*#?endregion\b\s*(.*?)\s*$")
PYTHON_LANGS = {"python", "py", "python3"}
ASSET_TAGS = {"img": "src", "video": "src", "source": "src", "iframe": "src", "audio": "src"}

_markdown = MarkdownIt("commonmark", {"html": True})


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
    """One presented slide, with its source span (1-based, inclusive)."""

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


def show_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# ---- slide splitting: Slidev's own rules (packages/parser/src/core.ts, parse) ----


@dataclass(frozen=True)
class RawSlide:
    """A slide as the splitter sees it: 0-based half-open line span of its file."""

    start: int
    content_start: int
    end: int
    frontmatter: dict[str, Any]
    frontmatter_error: str | None


def split_slides(text: str) -> list[RawSlide]:
    """Split markdown into slides at ``---`` lines outside fences, as Slidev does."""
    lines = re.split(r"\r?\n", text)
    spans: list[tuple[int, int, int]] = []
    start = content_start = 0
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if line.startswith("---"):
            if start != i:
                spans.append((start, content_start, i))
            start = content_start = i + 1
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if line[3:4] != "-" and following.strip():
                start = i
                i += 1
                while i < len(lines) and lines[i].rstrip() != "---":
                    i += 1
                content_start = i + 1
        elif line.lstrip().startswith("```"):
            level = re.match(r"^\s*`+", line)
            assert level is not None
            j = i + 1
            while j < len(lines) and not lines[j].startswith(level.group(0)):
                j += 1
            if j != len(lines):
                i = j
        i += 1
    if start <= len(lines) - 1:
        spans.append((start, content_start, len(lines)))
    return [_raw_slide(lines, *span) for span in spans]


def _raw_slide(lines: list[str], start: int, content_start: int, end: int) -> RawSlide:
    matter, error = {}, None
    if lines[start].startswith("---") and content_start > start + 1:
        try:
            loaded = yaml.safe_load("\n".join(lines[start + 1 : content_start - 1]))
            matter = loaded if isinstance(loaded, dict) else {}
        except yaml.YAMLError as exc:
            error = f"frontmatter is not valid YAML: {exc}".replace("\n", " ")
    return RawSlide(start, content_start, end, matter, error)


# ---- inside a slide: fences, magic-move steps, snippets, assets ----


def _title(content: str, frontmatter: dict[str, Any]) -> str | None:
    if frontmatter.get("title") or frontmatter.get("name"):
        return str(frontmatter.get("title") or frontmatter.get("name"))
    match = re.search(r"^(#+) (.*)$", content, re.M)
    return match.group(2).strip() if match else None


def parse_directive(comment: str) -> Directive | None:
    """``<!-- check: skip because X -->``, ``raises ValueError``, ``needs org/model``,
    ``timeout 120``; several separated by ``;``."""
    match = RE_DIRECTIVE.match(comment)
    if not match:
        return None
    fields: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in match.group(1).split(";"))):
        word, _, rest = part.partition(" ")
        if word == "skip":
            fields["skip"] = rest.strip() or "skipped by the deck"
        elif word == "raises":
            fields["raises"] = rest.strip()
        elif word == "needs":
            fields["needs"] = tuple(rest.split())
        elif word == "timeout":
            try:
                fields["timeout"] = float(rest)
            except ValueError:
                raise ValueError(
                    f"timeout needs seconds, e.g. 'timeout 120', not {rest!r}"
                ) from None
        else:
            raise ValueError(f"unknown check directive {word!r} (skip, raises, needs, timeout)")
    return Directive(**fields)


@dataclass
class _SlideScan:
    """Accumulates one slide's blocks, assets and problems while walking tokens."""

    path: Path
    number: int
    lines: list[str]  # the whole file's lines
    blocks: list[CodeBlock] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    pending: Directive | None = None

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, self.number, message))

    def walk(self, tokens: list[Token], offset: int, step_group: bool = False) -> None:
        step = 0
        for token in tokens:
            line = offset + (token.map[0] if token.map else 0) + 1
            # A directive applies to the next fence or snippet; anything else between
            # them (prose, another block) drops it.
            if token.type == "fence":
                step += step_group
                self.fence(token, offset, step if step_group else None)
            elif token.type == "html_block":
                self.html(token.content, line)
                self.pending = self.directive(token.content, line)
            elif token.type == "inline":
                self.inline(token, line)
            elif token.type == "paragraph_open" and token.map:
                self.snippets(offset + token.map[0], offset + token.map[1])
                self.pending = None
            elif token.type != "paragraph_close":
                self.pending = None

    def directive(self, comment: str, line: int) -> Directive | None:
        if "check:" not in comment:
            return None
        try:
            return parse_directive(comment)
        except ValueError as exc:
            self.problem(line, str(exc))
            return None

    def fence(self, token: Token, offset: int, step: int | None) -> None:
        assert token.map is not None
        open_line = offset + token.map[0]  # 0-based in file
        close_line = offset + token.map[1] - 1
        info = token.info.strip()
        lang, _, options = info.partition(" ")
        closing = self.lines[close_line].strip() if close_line < len(self.lines) else ""
        if close_line == open_line or not _closes(token.markup, closing):
            self.problem(
                open_line + 1,
                f"fence {token.markup}{info} is never closed: end it with a line of "
                f"{len(token.markup)} or more {token.markup[0]!r} "
                "(a shorter fence does not close it)",
            )
        if "magic-move" in options:
            inner = _markdown.parse(token.content)
            self.walk(inner, open_line + 1, step_group=True)
            return
        block = CodeBlock(
            slide=self.number,
            index=len(self.blocks) + 1,
            lang=lang.lower(),
            options=options.strip(),
            code=token.content,
            path=self.path,
            line=open_line + 2,
            fence_line=open_line + 1,
            markdown=self.path,
            step=step,
            directive=self.pending or Directive(),
        )
        self.blocks.append(block)
        self.pending = None

    def snippets(self, first: int, last: int) -> None:
        for i in range(first, last):
            match = RE_SNIPPET.match(self.lines[i])
            if match:
                self.snippet(i, *match.groups())

    def snippet(
        self, i: int, ref: str, region: str | None, lang: str | None, meta: str | None
    ) -> None:
        source = _snippet_path(ref, self.path)
        lang = (lang or Path(ref).suffix.lstrip(".")).lower()
        if lang == "py":
            lang = "python"
        block = CodeBlock(
            slide=self.number,
            index=len(self.blocks) + 1,
            lang=lang,
            options=(meta or "").strip(),
            code="",
            path=source,
            line=0,
            fence_line=i + 1,
            markdown=self.path,
            snippet=self.lines[i].strip(),
            directive=self.pending or Directive(),
        )
        self.blocks.append(self.snippet_region(block, (region or "").lstrip("#")))
        self.pending = None

    def snippet_region(self, block: CodeBlock, region: str) -> CodeBlock:
        """The lines Slidev shows for ``<<< path#region``: markers dropped, dedented."""
        if not block.path.is_file():
            self.problem(block.fence_line, f"snippet file {block.path} does not exist")
            return block
        lines = block.path.read_text(encoding="utf-8").splitlines()
        first, last = 0, len(lines)
        if region:
            span = _find_region(lines, region)
            if span is None:
                self.problem(
                    block.fence_line,
                    f"region {region!r} not found in {block.path}: "
                    f"mark it with '# region {region}' ... '# endregion'",
                )
                return block
            first, last = span
        markers = (RE_REGION, RE_ENDREGION)
        shown = [ln for ln in lines[first:last] if not any(m.match(ln) for m in markers)]
        return replace(block, code=textwrap.dedent("\n".join(shown)) + "\n", line=first + 1)

    def html(self, content: str, line: int) -> None:
        finder = _AssetFinder()
        finder.feed(content)
        for kind, url, row in finder.found:
            self.assets.append(Asset(kind, url, line + row - 1, self.path))

    def inline(self, token: Token, line: int) -> None:
        for child in token.children or []:
            if child.type == "image":
                self.assets.append(
                    Asset("markdown-image", str(child.attrGet("src")), line, self.path)
                )
            elif child.type == "html_inline":
                self.html(child.content, line)


def _closes(markup: str, closing: str) -> bool:
    return closing.startswith(markup[0] * len(markup)) and set(closing) == {markup[0]}


def _find_region(lines: list[str], name: str) -> tuple[int, int] | None:
    """0-based half-open span inside the region markers (Slidev's findRegion)."""
    start = next((i + 1 for i, ln in enumerate(lines) if _marker(RE_REGION, ln) == name), None)
    if start is None:
        return None
    depth = 1
    for i in range(start, len(lines)):
        if _marker(RE_REGION, lines[i]) == name:
            depth += 1
        elif _marker(RE_ENDREGION, lines[i]) in (name, ""):
            depth -= 1
            if depth == 0:
                return start, i
    return None


def _marker(pattern: re.Pattern[str], line: str) -> str | None:
    match = pattern.match(line)
    return match.group(1) if match else None


def _snippet_path(ref: str, markdown: Path) -> Path:
    """``@/x`` is relative to the deck's folder (Slidev's userRoot), else to the file."""
    if ref.startswith("@/"):
        return markdown.parent / ref[2:]
    return markdown.parent / ref


class _AssetFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = ASSET_TAGS.get(tag)
        value = dict(attrs).get(attr) if attr else None
        if value:
            self.found.append((tag, value, self.getpos()[0]))


def parse_text(text: str, path: Path, first_number: int = 1) -> list[Slide]:
    """All slides of one markdown file, numbered from ``first_number`` (no file access
    except snippet regions, which name their own files)."""
    lines = re.split(r"\r?\n", text)
    slides = []
    for number, raw in enumerate(split_slides(text), start=first_number):
        scan = _SlideScan(path, number, lines)
        body = "\n".join(lines[raw.content_start : raw.end])
        scan.walk(_markdown.parse(body), raw.content_start)
        if raw.frontmatter_error:
            scan.problem(raw.start + 1, raw.frontmatter_error)
        for key in ("background", "image", "backgroundImage"):
            value = raw.frontmatter.get(key)
            if isinstance(value, str) and value and not value.startswith("data:"):
                scan.assets.append(Asset(f"frontmatter:{key}", value, raw.start + 2, path))
        slides.append(
            Slide(
                number=number,
                path=path,
                start=raw.start + 1,
                content_start=raw.content_start + 1,
                end=raw.end,
                frontmatter=raw.frontmatter,
                title=_title(body, raw.frontmatter),
                blocks=tuple(scan.blocks),
                assets=tuple(scan.assets),
                problems=tuple(scan.problems),
            )
        )
    return slides


def read_deck(path: str | Path) -> Deck:
    """Read a deck from disk, following ``src:`` imports and dropping hidden slides."""
    entry = Path(path).resolve()
    slides: list[Slide] = []
    problems: list[Problem] = []
    _load(entry, slides, problems, seen=())
    headmatter = slides[0].frontmatter if slides else {}
    return Deck(entry, headmatter, tuple(slides), tuple(problems))


def _load(path: Path, out: list[Slide], problems: list[Problem], seen: tuple[Path, ...]) -> None:
    for slide in parse_text(path.read_text(encoding="utf-8"), path, len(out) + 1):
        if slide.frontmatter.get("disabled") or slide.frontmatter.get("hide"):
            continue
        src = slide.frontmatter.get("src")
        if not src:
            out.append(_renumber(slide, len(out) + 1))
            continue
        target = (path.parent / str(src).split("#")[0]).resolve()
        if not target.is_file() or target in seen:
            why = "does not exist" if not target.is_file() else "imports itself"
            problems.append(Problem(path, slide.start, len(out) + 1, f"src: {target} {why}"))
            continue
        _load(target, out, problems, (*seen, path))


def _renumber(slide: Slide, number: int) -> Slide:
    if slide.number == number:
        return slide
    blocks = tuple(replace(b, slide=number) for b in slide.blocks)
    problems = tuple(replace(p, slide=number) for p in slide.problems)
    return replace(slide, number=number, blocks=blocks, problems=problems)
