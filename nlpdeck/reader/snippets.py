"""``<<< path#region`` snippets: the code Slidev shows, read from the snippet's file.

Regions are marked as Slidev (and VS Code) mark them, by the comment style of the
file's language: ``// #region x`` ... ``// #endregion`` (TypeScript, JavaScript, C),
``<!-- #region x -->`` (HTML, Markdown, Vue), ``# region x`` (Python, shell, YAML),
``/* #region x */`` (CSS), ``#region x`` (C#), ``-- #region x`` (SQL, Lua),
``#pragma region x`` (C++), ``(* #region x *)`` (F#, OCaml). Inside a region, the
markers are dropped and the lines dedented; a region that is not found shows the
whole file (Slidev's ``transformSnippet`` and ``findRegion``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from nlpdeck.reader.files import read_source
from nlpdeck.reader.model import CodeBlock, Problem
from nlpdeck.reader.split import lines_of
from nlpdeck.reader.walk import RE_SNIPPET


@dataclass(frozen=True)
class Marker:
    start: re.Pattern[str]
    end: re.Pattern[str]


def _marker(lead: str, tail: str, region: str = "region", end: str = "endregion") -> Marker:
    return Marker(
        re.compile(rf"^\s*{lead}{region}\b\s*(.*?){tail}"),
        re.compile(rf"^\s*{lead}{end}\b\s*(.*?){tail}"),
    )


MARKERS = (  # Slidev's, in its order: the first style naming the region is used
    _marker(r"//\s*#?", r"\s*$"),
    _marker(r"<!--\s*#?", r"\s*-->"),
    _marker(r"/\*\s*#", r"\s*\*/"),
    _marker("#", r"\s*$", "[rR]egion", "[eE]nd ?[rR]egion"),
    _marker(r"#\s*#?", r"\s*$"),
    _marker(r"(?:--|::|@?REM)\s*#", r"\s*$"),
    _marker(r"#pragma\s+", r"\s*$"),
    _marker(r"\(\*\s*#", r"\s*\*\)"),
)
RE_REGION, RE_ENDREGION = MARKERS[4].start, MARKERS[4].end  # Python's: ``# region x``

HINTS = {  # how a file of this suffix marks a region
    **dict.fromkeys(
        ("py", "sh", "bash", "rb", "r", "yaml", "yml", "toml", "pl"),
        "# region {0}' ... '# endregion",
    ),
    **dict.fromkeys(
        ("html", "htm", "md", "vue", "xml", "svg"), "<!-- #region {0} -->' ... '<!-- #endregion -->"
    ),
    **dict.fromkeys(("css", "scss", "less"), "/* #region {0} */' ... '/* #endregion */"),
    **dict.fromkeys(("sql", "lua", "hs"), "-- #region {0}' ... '-- #endregion"),
    **dict.fromkeys(("fs", "ml"), "(* #region {0} *)' ... '(* #endregion *)"),
    "cs": "#region {0}' ... '#endregion",
    "bat": "REM #region {0}' ... 'REM #endregion",
}
DEFAULT_HINT = "// #region {0}' ... '// #endregion"  # TypeScript, JavaScript, C-like


Files = dict[Path, tuple[str, Problem | None]]  # read snippet files: text, problem


def fill(block: CodeBlock, read: Files) -> tuple[CodeBlock, list[Problem]]:
    """The snippet block with the code Slidev shows, or what to do when its file or
    region is not there; ``read`` caches files by path (text, problem reading it)."""
    match = RE_SNIPPET.match(block.snippet or "")
    region = ((match.group(2) if match else None) or "").lstrip("#")
    where = (block.markdown, block.fence_line, block.slide)
    if not block.path.is_file():
        why = "is a folder" if block.path.is_dir() else "does not exist"
        message = (
            f"snippet file {block.path} {why}, so Slidev cannot build this slide: fix the "
            "path (`@/` starts at the deck's folder, any other path at this file's folder)"
        )
        return block, [Problem(*where, message, rule="snippet")]
    if block.path not in read:
        source = read_source(block.path)
        problem = None
        if source.problem is not None:
            problem = Problem(
                block.path, source.problem[0], block.slide, source.problem[1], rule="file-encoding"
            )
        read[block.path] = (source.text, problem)
    text, problem = read[block.path]
    problems = [problem] if problem is not None else []
    if not region:
        return replace(block, code=text, line=1), problems
    lines = lines_of(text)
    span = find_region(lines, region)
    if span is None:
        hint = HINTS.get(block.path.suffix.lstrip(".").lower(), DEFAULT_HINT).format(region)
        message = (
            f"region {region!r} not found in {block.path.name}, so Slidev shows the whole "
            f"file: mark it with '{hint}'"
        )
        return replace(block, code=text, line=1), [
            *problems,
            Problem(*where, message, rule="snippet"),
        ]
    first, last, marker = span
    shown = [ln for ln in lines[first:last] if not (marker.start.match(ln) or marker.end.match(ln))]
    return replace(block, code=dedent("\n".join(shown)) + "\n", line=first + 1), problems


def find_region(lines: list[str], name: str) -> tuple[int, int, Marker] | None:
    """0-based half-open span inside the region's markers, and their style: the first
    line any style names ``name`` on opens it (Slidev's ``findRegion``)."""
    chosen = None
    for i, line in enumerate(lines):
        marker = next((m for m in MARKERS if _name(m.start, line) == name), None)
        if marker is not None:
            chosen = (i + 1, marker)
            break
    if chosen is None:
        return None
    start, marker = chosen
    depth = 1
    for i in range(start, len(lines)):
        if _name(marker.start, lines[i]) == name:
            depth += 1
        elif _name(marker.end, lines[i]) in (name, ""):
            depth -= 1
            if depth == 0:
                return start, i, marker
    return None


def dedent(text: str) -> str:
    """Slidev's dedent: drop the fewest leading spaces or tabs of any non-blank line."""
    lines = text.split("\n")
    indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip(" \t")]
    if not indents:
        return text
    least = min(indents)
    return "\n".join(ln[least:] for ln in lines)


def _name(pattern: re.Pattern[str], line: str) -> str | None:
    match = pattern.match(line)
    return match.group(1) if match else None
