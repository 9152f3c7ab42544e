"""Inside a slide: fences, magic-move steps, ``<<<`` snippet references, check
directives and assets, found by walking markdown-it tokens. Pure: no file is read (a
snippet's block is returned empty, for :mod:`nlpdeck.reader.snippets` to fill)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from nlpdeck.reader.model import Asset, CodeBlock, Directive, Problem

RE_SNIPPET = re.compile(r"^<<<[ \t]*(\S.*?)(#[\w-]+)?[ \t]*(?:[ \t](\S+?))?[ \t]*(\{.*)?$")
RE_DIRECTIVE = re.compile(r"^\s*<!--\s*check:(.*?)-->\s*$", re.S)
ASSET_TAGS = {"img": "src", "video": "src", "source": "src", "iframe": "src", "audio": "src"}

markdown = MarkdownIt("commonmark", {"html": True})


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


def snippet_path(ref: str, markdown_file: Path) -> Path:
    """``@/x`` is relative to the deck's folder (Slidev's userRoot), else to the file."""
    if ref.startswith("@/"):
        return markdown_file.parent / ref[2:]
    return markdown_file.parent / ref


@dataclass
class SlideScan:
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
            inner = markdown.parse(token.content)
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
                self.snippet(i, match.group(1), match.group(3), match.group(4))

    def snippet(self, i: int, ref: str, lang: str | None, meta: str | None) -> None:
        lang = (lang or Path(ref).suffix.lstrip(".")).lower()
        if lang == "py":
            lang = "python"
        block = CodeBlock(
            slide=self.number,
            index=len(self.blocks) + 1,
            lang=lang,
            options=(meta or "").strip(),
            code="",
            path=snippet_path(ref, self.path),
            line=0,
            fence_line=i + 1,
            markdown=self.path,
            snippet=self.lines[i].strip(),
            directive=self.pending or Directive(),
        )
        self.blocks.append(block)
        self.pending = None

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


class _AssetFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = ASSET_TAGS.get(tag)
        value = dict(attrs).get(attr) if attr else None
        if value:
            self.found.append((tag, value, self.getpos()[0]))
