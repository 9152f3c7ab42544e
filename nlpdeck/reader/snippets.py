"""``<<< path#region`` snippets: the lines Slidev shows, read from the snippet's file."""

from __future__ import annotations

import re
import textwrap
from dataclasses import replace

from nlpdeck.reader.model import CodeBlock, Problem
from nlpdeck.reader.walk import RE_SNIPPET

RE_REGION = re.compile(r"^\s*#\s*#?region\b\s*(.*?)\s*$")
RE_ENDREGION = re.compile(r"^\s*#\s*#?endregion\b\s*(.*?)\s*$")


def fill(block: CodeBlock) -> tuple[CodeBlock, list[Problem]]:
    """The snippet block with the code Slidev shows for ``<<< path#region``: markers
    dropped, dedented; or a problem when the file or region is not there."""
    match = RE_SNIPPET.match(block.snippet or "")
    region = ((match.group(2) if match else None) or "").lstrip("#")
    if not block.path.is_file():
        message = f"snippet file {block.path} does not exist"
        return block, [Problem(block.markdown, block.fence_line, block.slide, message)]
    lines = block.path.read_text(encoding="utf-8").splitlines()
    first, last = 0, len(lines)
    if region:
        span = find_region(lines, region)
        if span is None:
            message = (
                f"region {region!r} not found in {block.path}: "
                f"mark it with '# region {region}' ... '# endregion'"
            )
            return block, [Problem(block.markdown, block.fence_line, block.slide, message)]
        first, last = span
    markers = (RE_REGION, RE_ENDREGION)
    shown = [ln for ln in lines[first:last] if not any(m.match(ln) for m in markers)]
    return replace(block, code=textwrap.dedent("\n".join(shown)) + "\n", line=first + 1), []


def find_region(lines: list[str], name: str) -> tuple[int, int] | None:
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
