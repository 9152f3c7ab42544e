"""Slide splitting and frontmatter, by Slidev's own rules (``@slidev/parser``: ``parse``,
``parseSlide`` and ``matter`` in ``core.ts``), written with JavaScript's string rules
(:mod:`.js`) where Python's differ.

- A line starting with ``---`` outside a fence ends a slide; when the next line is not
  blank it opens frontmatter, which runs to the next line that is exactly ``---``.
  A ``---`` right after another (or on line 1) ends no slide, so the next slide starts
  where the empty one would have (a deck opening ``---`` and a blank line starts at 1).
  A fence is opened by a line starting with backticks and closed, for the splitter, by
  the next line starting with as many (so ```` ```js ```` closes ```` ```python ````).
- The frontmatter Slidev reads ends at the first ``---`` after the opening line, even
  inside a line; with no ``---`` frontmatter, a leading ```` ```yaml ```` block is the
  frontmatter. Its YAML is read as Slidev reads it (:mod:`.yaml12`).
- A trailing HTML comment is the presenter notes; the title is the frontmatter's
  ``title`` or ``name`` if true in JavaScript, else the first heading before the notes.
- A slide is hidden when ``hide`` or ``disabled`` is true in JavaScript (``hide: no``
  is the string "no": hidden).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from nlpdeck.reader import js, yaml12

RE_FRONTMATTER = re.compile(rf"^---{js.DOT}*\r?\n([\s\S]*?)---")
RE_YAML_BLOCK = re.compile(rf"^{js.S}*```ya?ml([\s\S]*?)```")
RE_COMMENT = re.compile(r"<!--([\s\S]*?)-->")
RE_HEADING = re.compile(r"(#+) (.*)")
RE_FENCE_LEVEL = re.compile(rf"^{js.S}*`+")


@dataclass(frozen=True)
class RawSlide:
    """A slide as Slidev's parser sees it; lines are 0-based, spans half-open."""

    start: int  # first line (the frontmatter's ``---``, if any)
    content_start: int  # first line after the frontmatter the splitter found
    end: int
    body: tuple[str, ...]  # lines start..end, the frontmatter Slidev reads blanked
    frontmatter: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)  # top-level key: 1-based line
    errors: tuple[tuple[int, str], ...] = ()  # (1-based line, what to do)
    title: str | None = None
    notes: int | None = None  # first line of the presenter notes, if any
    hidden: bool = False


@dataclass(frozen=True)
class Split:
    """A file's slides, and the fences the splitter skipped, as (open, close) lines."""

    lines: tuple[str, ...]
    slides: tuple[RawSlide, ...]
    fences: tuple[tuple[int, int], ...]


def lines_of(text: str) -> list[str]:
    """The lines of a file as Slidev numbers them (split at LF or CRLF)."""
    return re.split(r"\r?\n", text)


def split(text: str) -> Split:
    """Split markdown into slides at ``---`` lines outside fences, as Slidev does."""
    lines = lines_of(text)
    spans: list[tuple[int, int, int]] = []
    fences: list[tuple[int, int]] = []
    start = content_start = 0

    def cut(end: int) -> None:  # Slidev's slice(): an empty span moves nothing on
        nonlocal start, content_start
        if start != end:
            spans.append((start, content_start, end))
            start = content_start = end + 1

    i = 0
    while i < len(lines):
        line = js.trim_end(lines[i])
        if line.startswith("---"):
            cut(i)
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if line[3:4] != "-" and js.trim(following):
                start = i
                i += 1
                while i < len(lines) and js.trim_end(lines[i]) != "---":
                    i += 1
                content_start = i + 1
        elif js.trim_start(line).startswith("```"):
            level = RE_FENCE_LEVEL.match(line)
            assert level is not None
            j = i + 1
            while j < len(lines) and not lines[j].startswith(level.group(0)):
                j += 1
            if j != len(lines):
                fences.append((i, j))
                i = j
        i += 1
    if start <= len(lines) - 1:
        cut(len(lines))
    slides = tuple(parse_slide(lines, *span) for span in spans)
    return Split(tuple(lines), slides, tuple(fences))


def parse_slide(lines: list[str], start: int, content_start: int, end: int) -> RawSlide:
    """One slide's frontmatter, title, notes and hidden flag (Slidev's ``parseSlide``)."""
    raw = "\n".join(lines[start:end])
    match = RE_FRONTMATTER.match(raw) or RE_YAML_BLOCK.match(raw)
    frontmatter: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    errors: list[tuple[int, str]] = []
    body = raw
    if match:
        first = start + raw[: match.start(1)].count("\n")  # 0-based line of the YAML's start
        matched = raw[match.start() : match.end()]
        body = raw[: match.start()] + "\n" * matched.count("\n") + raw[match.end() :]
        dashes = match.re is RE_FRONTMATTER
        frontmatter, key_lines, errors = _frontmatter(match.group(1), first, dashes)
    content = js.trim(body)
    notes = None
    comments = list(RE_COMMENT.finditer(content))
    if comments and comments[-1].end() >= len(content):
        lead = len(body) - len(js.trim_start(body))
        notes = start + body[: lead + comments[-1].start()].count("\n")
        content = js.trim(content[: comments[-1].start()])
    return RawSlide(
        start=start,
        content_start=content_start,
        end=end,
        body=tuple(body.split("\n")),
        frontmatter=frontmatter,
        key_lines=key_lines,
        errors=tuple(errors),
        title=title(content, frontmatter),
        notes=notes,
        hidden=js.truthy(frontmatter.get("disabled")) or js.truthy(frontmatter.get("hide")),
    )


def _frontmatter(
    text: str, first: int, dashes: bool
) -> tuple[dict[str, Any], dict[str, int], list[tuple[int, str]]]:
    """The keys of one frontmatter, their lines, and its YAML errors at file lines
    (``first``: its first line, 0-based; ``dashes``: opened by ``---``, not a yaml block)."""
    if not text:
        return {}, {}, []
    loaded = yaml12.load(text)
    errors = [(first + line + 1, message) for line, message in loaded.errors]
    value = loaded.value
    if not isinstance(value, dict):
        if js.truthy(value):
            kind = "a list" if isinstance(value, list) else f"the text {js.to_string(value)!r}"
            why = (
                "the `---` above is followed by a line that is not blank, so Slidev reads "
                "the lines up to the next `---` as frontmatter"
                if dashes
                else "a leading yaml block is frontmatter"
            )
            message = (
                f"this frontmatter is {kind}, not `key: value` lines ({why}): if it is the "
                "slide's content, leave a blank line after the `---`"
            )
            errors.append((first + 1, message))
        return {}, {}, errors
    key_lines = {key: first + line + 1 for key, line in loaded.key_lines.items()}
    return value, key_lines, errors


def title(content: str, frontmatter: dict[str, Any]) -> str | None:
    """The frontmatter's ``title`` or ``name`` if true, else the content's first heading."""
    for key in ("title", "name"):
        if js.truthy(frontmatter.get(key)):
            return js.to_string(frontmatter[key])
    for line in js.LINE_BREAKS.split(content):
        match = RE_HEADING.fullmatch(line)
        if match:
            return js.trim(match.group(2))
    return None
