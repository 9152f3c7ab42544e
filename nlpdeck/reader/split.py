"""Slide splitting and frontmatter: Slidev's own rules (``@slidev/parser``, ``parse``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml


@dataclass(frozen=True)
class RawSlide:
    """A slide as the splitter sees it: 0-based half-open line span of its file."""

    start: int
    content_start: int
    end: int
    frontmatter: dict[str, Any]
    frontmatter_error: str | None


def lines_of(text: str) -> list[str]:
    """The lines of a file as Slidev numbers them (split at LF or CRLF)."""
    return re.split(r"\r?\n", text)


def split_slides(text: str) -> list[RawSlide]:
    """Split markdown into slides at ``---`` lines outside fences, as Slidev does."""
    lines = lines_of(text)
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


def title(content: str, frontmatter: dict[str, Any]) -> str | None:
    """The slide's title: the frontmatter's ``title`` or ``name``, else its first heading."""
    if frontmatter.get("title") or frontmatter.get("name"):
        return str(frontmatter.get("title") or frontmatter.get("name"))
    match = re.search(r"^(#+) (.*)$", content, re.M)
    return match.group(2).strip() if match else None
