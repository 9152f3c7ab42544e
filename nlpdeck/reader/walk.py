"""Inside a slide: fences, magic-move steps, ``<<<`` snippet references, check
directives and assets, found by walking markdown-it tokens. Pure: no file is read (a
snippet's block is returned empty, for :mod:`.snippets` to fill).

A ``<<<`` line is what Slidev's snippet transform matches: a line of the slide's
content (not its notes) starting ``<<<`` in column 0, wherever it stands. One in a
paragraph (a list item's too) becomes a code block; one inside another block (a
fence, HTML) is expanded there by Slidev as text, so it is kept only to check its file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from nlpdeck.reader import js
from nlpdeck.reader.model import Asset, CodeBlock, Directive, Problem

RE_SNIPPET = re.compile(
    rf"^<<<[ \t]*(\S{js.DOT}*?)(#[\w-]+)?[ \t]*(?:[ \t](\S+?))?[ \t]*(\{{{js.DOT}*)?$", re.ASCII
)
RE_DIRECTIVE = re.compile(r"^\s*<!--\s*check:(.*?)-->\s*$", re.S)
ASSET_TAGS = {"img": "src", "video": "src", "source": "src", "iframe": "src", "audio": "src"}
IMAGE_EXTENSIONS = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|avif|ico|bmp|tiff?)$", re.I)
CR = "\ue00d"  # stands for a lone \r while markdown-it reads a slide (it would split there)

markdown = MarkdownIt("commonmark", {"html": True})

# Slidev (52.14, node/syntax/transform/) rewrites fences in the raw markdown before
# markdown-it reads it: mermaid and PlantUML blocks become components, and every other
# fence is wrapped in <CodeBlockWrapper> with blank lines around it. So a fence right
# under an HTML line (`<div>` then ```) is a fence in Slidev, where CommonMark would keep
# it inside the HTML block. These are Slidev's own patterns (JavaScript's \w is ASCII).
SLIDEV_FENCES = (
    re.compile(r"^```mermaid *(\{[^\n]*\})?\n([\s\S]+?)\n```", re.M | re.ASCII),
    re.compile(r"^```plantuml[^\n{}]*(\{[^}\n]*\})?\n([\s\S]+?)\n```", re.M | re.ASCII),
    re.compile(
        r"^```([\w'-]+)?(?:[ \t]*|[ \t][ \w\t'-]*)(?:\[([^\]]*)\])?[ \t]*"
        r"(?:\{([\w*,|-]+)\}[ \t]*(\{[^}]*\})?([^\r\n]*))?\r?\n((?:(?!^```)[\s\S])*?)^```$",
        re.M | re.ASCII,
    ),
)


def as_slidev_reads(lines: list[str]) -> tuple[list[str], list[int]]:
    """The slide's lines with a blank line before each fence that Slidev sees but that
    CommonMark leaves inside an HTML block, and where each line stands in ``lines``."""
    text = "\n".join(lines)
    inside_html: set[int] = set()
    for token in markdown.parse(text + "\n"):
        if token.type == "html_block" and token.map:
            inside_html.update(range(token.map[0] + 1, token.map[1]))
    starts = {text.count("\n", 0, m.start()) for r in SLIDEV_FENCES for m in r.finditer(text)}
    openers = starts & inside_html
    out: list[str] = []
    where: list[int] = []
    for i, line in enumerate(lines):
        if i in openers:
            out.append("")
            where.append(i)
        out.append(line)
        where.append(i)
    return out, where


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


def snippet_path(ref: str, markdown_file: Path, root: Path) -> Path:
    """Where Slidev looks for a snippet: ``@/x`` in the deck's folder (its userRoot),
    any other path from the folder of the file the ``<<<`` line is written in."""
    if ref.startswith("@/"):
        return root / ref[2:]
    return markdown_file.parent / ref


def frontmatter_assets(
    frontmatter: dict[str, Any], key_lines: dict[str, int], path: Path
) -> list[Asset]:
    """Pictures the frontmatter names (Slidev's ``extractImagesUsage``): ``image`` and
    ``backgroundImage``, and ``background`` when it is a picture, not a colour."""
    found = []
    for key in ("background", "image", "backgroundImage"):
        value = frontmatter.get(key)
        if not isinstance(value, str) or not value or value.startswith("data:"):
            continue
        if key == "background" and not (
            IMAGE_EXTENSIONS.search(value) or value.startswith(("/", "http"))
        ):
            continue
        found.append(Asset(f"frontmatter:{key}", value, key_lines.get(key, 1), path))
    return found


@dataclass
class SlideScan:
    """One slide's blocks, assets and problems, gathered by walking its tokens."""

    path: Path
    number: int
    lines: list[str]  # the file's lines, this slide's frontmatter blanked
    root: Path  # the deck's folder, for ``@/`` snippets
    swallowing: frozenset[int] = frozenset()  # fences that run over a slide separator
    blocks: list[CodeBlock] = field(default_factory=list)
    embedded: list[CodeBlock] = field(default_factory=list)  # <<< inside another block
    assets: list[Asset] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    pending: Directive | None = None
    end: int = 0  # the line after the slide
    snippet_lines: dict[int, re.Match[str]] = field(default_factory=dict)

    def scan(self, first: int, last: int, content_end: int) -> None:
        """Walk lines ``first``..``last`` (0-based, half-open); ``<<<`` lines count up
        to ``content_end`` (where the notes start)."""
        for i in range(first, content_end):
            match = RE_SNIPPET.match(self.lines[i])
            if match:
                self.snippet_lines[i] = match
        self.end = last
        lines, where = as_slidev_reads(self.lines[first:last])
        text = "\n".join(lines).replace("\r", CR)
        text += "" if text.endswith("\n") else "\n"  # so an open fence's last line counts
        self.walk(markdown.parse(text), [first + i for i in where] + [last, last + 1])
        for i in sorted(self.snippet_lines):
            self.embedded.append(self.snippet(i, self.snippet_lines[i]))

    def problem(self, line: int, message: str, rule: str) -> None:
        self.problems.append(Problem(self.path, line, self.number, message, rule=rule))

    def walk(self, tokens: list[Token], at: Sequence[int], step_group: bool = False) -> None:
        """Walk markdown-it's tokens; ``at[i]`` is the file line (0-based) of their line i."""
        step = 0
        for token in tokens:
            line = at[token.map[0] if token.map else 0] + 1
            # A directive applies to the next fence or snippet; anything else between
            # them (prose, another block) drops it.
            if token.type == "fence":
                step += step_group
                self.fence(token, at, step if step_group else None)
            elif token.type == "html_block":
                self.html(_restore(token.content), line)
                self.pending = self.directive(token.content, line)
            elif token.type == "inline":
                self.inline(token, line)
            elif token.type == "paragraph_open" and token.map:
                for i in (at[j] for j in range(token.map[0], token.map[1])):
                    if i in self.snippet_lines:
                        self.blocks.append(self.snippet(i, self.snippet_lines.pop(i)))
                        self.pending = None
                self.pending = None
            elif token.type != "paragraph_close":
                self.pending = None

    def directive(self, comment: str, line: int) -> Directive | None:
        if "check:" not in comment:
            return None
        try:
            return parse_directive(comment)
        except ValueError as exc:
            self.problem(line, str(exc), "check-directive")
            return None

    def fence(self, token: Token, at: Sequence[int], step: int | None) -> None:
        assert token.map is not None
        open_line = at[token.map[0]]  # 0-based in file
        info = _restore(token.info).strip()
        lang, _, options = info.partition(" ")
        # closed: markdown-it counted the closing line in the span but not the content
        closed = token.content.count("\n") == token.map[1] - token.map[0] - 2
        if not closed:
            ends = self.end < len(self.lines) and self.lines[self.end].startswith("---")
            tilde = (
                f" (the `---` on line {self.end + 1} ends the slide even inside a ~~~ "
                "fence: Slidev knows only ``` fences there)"
                if ends and token.markup[0] == "~"
                else ""
            )
            self.problem(
                open_line + 1,
                f"fence {token.markup}{info} is never closed: end it with a line of "
                f"{len(token.markup)} or more {token.markup[0]!r} "
                f"(a shorter fence does not close it){tilde}",
                "unclosed-fence",
            )
        if "magic-move" in options:
            inner = markdown.parse(token.content)
            self.walk(inner, range(open_line + 1, open_line + token.map[1] + 2), step_group=True)
            return
        block = CodeBlock(
            slide=self.number,
            index=len(self.blocks) + 1,
            lang=lang.lower(),
            options=options.strip(),
            code=_restore(token.content),
            path=self.path,
            line=open_line + 2,
            fence_line=open_line + 1,
            markdown=self.path,
            step=step,
            directive=self.pending or Directive(),
            closed=closed and open_line not in self.swallowing,
        )
        self.blocks.append(block)
        self.pending = None

    def snippet(self, i: int, match: re.Match[str]) -> CodeBlock:
        ref, lang, meta = match.group(1), match.group(3), match.group(4)
        lang = (lang or Path(ref).suffix.lstrip(".")).lower()
        if lang == "py":
            lang = "python"
        return CodeBlock(
            slide=self.number,
            index=len(self.blocks) + 1,
            lang=lang,
            options=(meta or "").strip(),
            code="",
            path=snippet_path(ref, self.path, self.root),
            line=0,
            fence_line=i + 1,
            markdown=self.path,
            snippet=self.lines[i].strip(),
            directive=self.pending or Directive(),
        )

    def html(self, content: str, line: int) -> None:
        finder = _AssetFinder()
        finder.feed(content)
        for kind, url, row, alt in finder.found:
            self.asset(kind, url, line + row - 1, alt)

    def inline(self, token: Token, line: int) -> None:
        for child in token.children or []:
            if child.type == "image":
                url = markdown.normalizeLinkText(str(child.attrGet("src")))
                self.asset("markdown-image", _restore(url), line, child.content or None)
            elif child.type == "html_inline":
                self.html(_restore(child.content), line)

    def asset(self, kind: str, url: str, line: int, alt: str | None = None) -> None:
        """A file the slide shows; inline data and Vue bindings are no file."""
        if url.strip() and not url.lower().startswith("data:") and "{{" not in url:
            self.assets.append(Asset(kind, url, line, self.path, alt))


def _restore(text: str) -> str:
    return text.replace(CR, "\r")


class _AssetFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, int, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = ASSET_TAGS.get(tag)
        values = dict(attrs)
        value = values.get(attr) if attr else None
        bound = values.get(":alt") or values.get("v-bind:alt")
        alt = (values["alt"] or "") if "alt" in values else ("{{" + bound + "}}" if bound else None)
        if value:
            self.found.append((tag, value, self.getpos()[0], alt))
