"""A deck from disk: the entry file, the files its ``src:`` imports name, and the
snippet files its ``<<<`` lines name. The only part of the reader that reads files.

Imports follow Slidev's ``load`` (``@slidev/parser/fs``): a slide whose frontmatter has
``src: path#range`` stands for the slides of that file (``#2``, ``#2-4``, ``#3-``,
``#1,3``: those only), which take the importer's other keys over their own; a path
starting with ``/`` is from the deck's folder, any other from the importing file's.
Hidden slides (``hide``/``disabled``, an importer's too) are dropped. An import that
leads back to itself is reported and not followed (Slidev runs out of memory on it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from nlpdeck.reader import js, snippets
from nlpdeck.reader.files import read_source
from nlpdeck.reader.model import Asset, Deck, Problem, Slide
from nlpdeck.reader.parse import ParsedFile, parse_file
from nlpdeck.reader.walk import frontmatter_assets

Origin = dict[str, tuple[Path, int]]  # an importer's key: the file and line giving it
Chain = tuple[tuple[Path, int], ...]  # importing slides, by file and first line


def read_deck(path: str | Path) -> Deck:
    """Read a deck from disk, following ``src:`` imports and dropping hidden slides."""
    entry = Path(path).resolve()
    loader = _Loader(entry.parent)
    head = next(iter(loader.file(entry).slides), None)
    loader.markdown(entry, None, {}, {}, ())
    loader.place_file_problems()
    presented = [
        s.number for s in loader.slides if head and (s.path, s.start) == (entry, head.start)
    ]
    return Deck(
        path=entry,
        headmatter=dict(head.frontmatter) if head else {},
        slides=tuple(loader.slides),
        file_problems=tuple(loader.problems),
        headmatter_lines=dict(head.key_lines) if head else {},
        headmatter_slide=presented[0] if presented else 0,
    )


@dataclass
class _Loader:
    root: Path  # the deck's folder (Slidev's userRoot)
    slides: list[Slide] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    parsed: dict[Path, ParsedFile] = field(default_factory=dict)
    snippet_files: snippets.Files = field(default_factory=dict)
    unplaced: list[Problem] = field(default_factory=list)  # a whole file's problems

    def file(self, path: Path) -> ParsedFile:
        if path not in self.parsed:
            source = read_source(path)
            parsed = parse_file(source.text, path, self.root)
            self.parsed[path] = parsed
            self.unplaced += parsed.problems
            if source.problem is not None:
                line, message = source.problem
                self.unplaced.append(Problem(path, line, 0, message, rule="file-encoding"))
        return self.parsed[path]

    def markdown(
        self, path: Path, span: str | None, override: dict[str, Any], origin: Origin, chain: Chain
    ) -> None:
        """The slides of ``path`` that ``span`` names (all when None)."""
        slides = self.file(path).slides
        for index in _valid(len(slides), span):
            self.slide(slides[index - 1], override, origin, chain)

    def slide(self, slide: Slide, override: dict[str, Any], origin: Origin, chain: Chain) -> None:
        if slide.hidden:
            return
        src = slide.frontmatter.get("src")
        if not js.truthy(src):
            self.present(slide, override, origin)
            return
        line = slide.key_lines.get("src", slide.start)
        if not isinstance(src, str):
            kind = "a list" if isinstance(src, list) else js.to_string(src)
            self.between(slide.path, line, f"src: {kind} is not a file path: name a markdown file")
            return
        target, span = self.target(slide, src)
        if not target.is_file():
            self.between(
                slide.path,
                line,
                f"src: {src} not found (looked for {target}): fix the path (one starting "
                "with / is from the deck's folder, any other from this file's folder)",
            )
            return
        chain = (*chain, (slide.path, slide.start))
        loop = self.loop(target, span, chain)
        if loop:
            names = " -> ".join(f"{p.name}:{n}" for p, n in loop)
            self.between(
                slide.path,
                line,
                f"src: {src} leads back to itself ({names}): Slidev runs out of memory on "
                "this loop; remove the import or narrow its range",
            )
            return
        count = len(self.file(target).slides)
        named = _range(count, span, keep_all=True)
        if any(not (1 <= i <= count and float(i).is_integer()) for i in named):
            self.between(
                slide.path,
                line,
                f"src: {src} names slides that {target.name} does not have (it has {count}): "
                "Slidev skips them; fix the range",
            )
        merged = {k: v for k, v in {**slide.frontmatter, **override}.items() if k != "src"}
        own = {k: (slide.path, slide.key_lines.get(k, slide.start)) for k in slide.frontmatter}
        self.markdown(target, span, merged, {**own, **origin}, chain)

    def target(self, slide: Slide, src: str) -> tuple[Path, str | None]:
        """The file a ``src:`` names, and its range (Slidev splits at ``#``)."""
        raw, *rest = src.split("#")
        base = self.root / raw[1:] if raw.startswith("/") else slide.path.parent / raw
        return base.resolve(), rest[0] if rest else None

    def loop(self, path: Path, span: str | None, chain: Chain) -> Chain:
        """The chain of imports by which ``path#span`` reaches a slide of ``chain``."""
        slides = self.file(path).slides
        for index in _valid(len(slides), span):
            slide = slides[index - 1]
            src = slide.frontmatter.get("src")
            if slide.hidden or not isinstance(src, str) or not src:
                continue
            if (slide.path, slide.start) in chain:
                return (*chain, (slide.path, slide.start))
            target, inner = self.target(slide, src)
            if target.is_file():
                found = self.loop(target, inner, (*chain, (slide.path, slide.start)))
                if found:
                    return found
        return ()

    def present(self, slide: Slide, override: dict[str, Any], origin: Origin) -> None:
        number = len(self.slides) + 1
        problems = list(slide.problems)
        blocks = []
        for block in slide.blocks:
            if block.snippet is not None:
                block, found = snippets.fill(block, self.snippet_files)
                problems += found
            blocks.append(replace(block, slide=number))
        for block in slide.embedded:
            problems += snippets.fill(block, self.snippet_files)[1]
        self.slides.append(
            replace(
                slide,
                number=number,
                frontmatter={**slide.frontmatter, **override},
                blocks=tuple(blocks),
                assets=_assets(slide, override, origin),
                problems=tuple(replace(p, slide=number) for p in problems),
            )
        )

    def between(self, path: Path, line: int, message: str) -> None:
        self.problems.append(
            Problem(path, line, len(self.slides), message, between=True, rule="slide-import")
        )

    def place_file_problems(self) -> None:
        """A problem of a whole file goes on the first presented slide from it."""
        for problem in self.unplaced:
            slide = next((s for s in self.slides if s.path == problem.path), None)
            self.problems.append(replace(problem, slide=slide.number if slide else 0))


def _assets(slide: Slide, override: dict[str, Any], origin: Origin) -> tuple[Asset, ...]:
    """The slide's assets; a picture key its importer gives replaces the slide's own."""
    keys = {"background", "image", "backgroundImage"} & override.keys()
    if not keys:
        return slide.assets
    kept = [a for a in slide.assets if a.kind.removeprefix("frontmatter:") not in keys]
    for key in sorted(keys):
        path, line = origin.get(key, (slide.path, slide.start))
        kept += frontmatter_assets({key: override[key]}, {key: line}, path)
    return tuple(kept)


def _valid(total: int, span: str | None) -> list[int]:
    return [int(i) for i in _range(total, span) if i >= 1 and float(i).is_integer()]


def _range(total: int, span: str | None, keep_all: bool = False) -> list[float]:
    """Slidev's ``parseRangeString``: ``2``, ``2-4``, ``3-`` (to the end), ``1,3;5``,
    ``all``, ``*``, ``none``; numbers past ``total`` dropped (unless ``keep_all``)."""
    if not span or span in ("all", "*"):
        return list(range(1, total + 1))
    if span == "none":
        return []
    found: list[float] = []
    for part in re.split(r"[,;]", span):
        if "-" not in part:
            found.append(js.to_number(part))
            continue
        first, last = part.split("-")[:2]
        index, stop = js.to_number(first), total + 1 if not last else js.to_number(last) + 1
        while index < stop and len(found) < 10_000:
            found.append(index)
            index += 1
    unique = list(dict.fromkeys(found))
    return unique if keep_all else sorted(i for i in unique if i <= total)
