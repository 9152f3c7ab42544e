"""Findings a deck's markdown turns off with an HTML comment, as eslint and markdownlint
comments do (Slidev shows neither: an HTML comment is no slide content)::

    <!-- nlpdeck-disable-next-line remote-asset -->
    <img src="https://example.org/photo.jpg">

    <!-- nlpdeck-disable undefined-name, mislabelled-fence -->
    ... every finding of these rules up to the enable comment (or the file's end) ...
    <!-- nlpdeck-enable undefined-name, mislabelled-fence -->

A comment naming no rule applies to every rule. The "next line" is the next one that
is not itself a one-line HTML comment (so it can stand above a ``<!-- check: ... -->``
comment); before a code fence it covers the whole block (a finding inside Python code
cannot have an HTML comment above its line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from nlpdeck.lint.finding import Finding

RE_COMMENT = re.compile(r"<!--\s*nlpdeck-(disable-next-line|disable|enable)\b(.*?)-->", re.S)


@dataclass(frozen=True)
class Span:
    first: int
    last: int  # inclusive; a large number up to the file's end
    rules: frozenset[str] | None  # None: every rule

    def covers(self, finding: Finding) -> bool:
        lines = {finding.line} if finding.fence is None else {finding.line, finding.fence}
        inside = any(self.first <= line <= self.last for line in lines)
        return inside and (self.rules is None or finding.rule in self.rules)


RE_ONE_LINE_COMMENT = re.compile(r"\s*<!--.*-->\s*")


def spans(text: str) -> list[Span]:
    """What each comment of a markdown file turns off, and where."""
    lines = text.split("\n")
    found: list[Span] = []
    open_: dict[str | None, int] = {}  # rule (None: all): line its disable comment ends on
    for match in RE_COMMENT.finditer(text):
        kind = match.group(1)
        names = frozenset(re.split(r"[\s,]+", match.group(2).strip())) - {""} or None
        end = text.count("\n", 0, match.end()) + 1
        if kind == "disable-next-line":
            target = end + 1
            while target <= len(lines) and RE_ONE_LINE_COMMENT.fullmatch(lines[target - 1]):
                target += 1
            found.append(Span(target, target, names))
        elif kind == "disable":
            for name in names or [None]:
                open_.setdefault(name, end)
        else:
            for name in list(open_) if names is None else names:
                if name in open_:
                    first = open_.pop(name)
                    found.append(Span(first, end, None if name is None else frozenset([name])))
    found += [
        Span(first, 1 << 30, None if name is None else frozenset([name]))
        for name, first in open_.items()
    ]
    return found


def keep(findings: list[Finding]) -> list[Finding]:
    """The findings no comment of their markdown file turns off."""
    cache: dict[Path, list[Span]] = {}

    def of(path: Path) -> list[Span]:
        if path not in cache:
            markdown = path.suffix.lower() in (".md", ".markdown") and path.is_file()
            text = path.read_text(encoding="utf-8", errors="replace") if markdown else ""
            cache[path] = spans(text)
        return cache[path]

    return [f for f in findings if not any(s.covers(f) for s in of(f.path))]
