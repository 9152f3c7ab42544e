"""One markdown file's slides: text in, frozen dataclasses out (no file is read)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from nlpdeck.reader import js
from nlpdeck.reader.model import Problem, Slide
from nlpdeck.reader.split import Split, split
from nlpdeck.reader.walk import SlideScan, frontmatter_assets


@dataclass(frozen=True)
class ParsedFile:
    """A file's slides (hidden ones and ``src:`` importers included), and what is wrong
    with the file as a whole (each problem on the file's first slide, if any)."""

    slides: tuple[Slide, ...]
    problems: tuple[Problem, ...]


def parse_text(
    text: str, path: Path, first_number: int = 1, root: Path | None = None
) -> list[Slide]:
    """All slides of one markdown file, numbered from ``first_number``; ``root`` is the
    deck's folder (``@/`` in snippets; the file's folder by default). Snippet blocks
    are returned empty (:mod:`.snippets` fills them)."""
    return list(parse_file(text, path, root or path.parent, first_number).slides)


def parse_file(text: str, path: Path, root: Path, first_number: int = 1) -> ParsedFile:
    parts = split(text)
    swallowed = _swallowing(parts)
    slides = []
    for number, raw in enumerate(parts.slides, start=first_number):
        lines = list(parts.lines)
        lines[raw.start : raw.end] = raw.body
        scan = SlideScan(path, number, lines, root, frozenset(swallowed))
        scan.problems += [
            Problem(path, line, number, message, rule="frontmatter") for line, message in raw.errors
        ]
        scan.problems += [
            Problem(path, fence + 1, number, message, rule="unclosed-fence")
            for fence, message in swallowed.items()
            if raw.start <= fence < raw.end
        ]
        scan.scan(raw.start, raw.end, raw.end if raw.notes is None else raw.notes)
        assets = frontmatter_assets(raw.frontmatter, raw.key_lines, path) + scan.assets
        slides.append(
            Slide(
                number=number,
                path=path,
                start=raw.start + 1,
                content_start=raw.content_start + 1,
                end=raw.end,
                frontmatter=raw.frontmatter,
                title=raw.title,
                blocks=tuple(scan.blocks),
                assets=tuple(assets),
                problems=tuple(scan.problems),
                hidden=raw.hidden,
                key_lines=raw.key_lines,
                embedded=tuple(scan.embedded),
                notes=None if raw.notes is None else raw.notes + 1,
            )
        )
    number = first_number if slides else 0
    return ParsedFile(tuple(slides), tuple(_file_problems(text, parts, path, number)))


def _swallowing(parts: Split) -> dict[int, str]:
    """Fences the splitter closes with a line that opens another (```` ```js ```` after
    ```` ```python ````), running over a ``---`` line: the slides in between become
    code. By the line of the fence, what to do."""
    found = {}
    for first, last in parts.fences:
        lines = parts.lines
        separators = [k for k in range(first + 1, last) if js.trim_end(lines[k]).startswith("---")]
        opening = js.trim(lines[first])
        ticks = len(opening) - len(opening.lstrip("`"))
        closer = re.fullmatch(r"[ \t]*(`+)[ \t]*", lines[last])
        if separators and not (closer and len(closer.group(1)) >= ticks):
            found[first] = (
                f"fence {opening} is not closed before the `---` on line {separators[0] + 1}, "
                f"so Slidev reads on to line {last + 1} ({js.trim(lines[last])}) as its code "
                f"and the slides between are lost: close the fence before line "
                f"{separators[0] + 1}"
            )
    return found


def _file_problems(text: str, parts: Split, path: Path, slide: int) -> list[Problem]:
    found = []
    if parts.lines[0].startswith("\ufeff---"):
        found.append(
            Problem(
                path,
                1,
                slide,
                "the file starts with a byte-order mark, so Slidev does not see the `---` "
                "of the headmatter and shows it as text: save the file as UTF-8 without "
                "BOM",
                rule="file-encoding",
            )
        )
    if "\r" in text and "\n" not in text:
        found.append(
            Problem(
                path,
                1,
                slide,
                "lines end in CR only (classic Mac line ends): Slidev splits lines at LF, so "
                "it reads the whole file as one line: convert them, e.g. "
                f"`tr '\\r' '\\n' < {path.name} > converted.md`",
                rule="file-encoding",
            )
        )
    return found
