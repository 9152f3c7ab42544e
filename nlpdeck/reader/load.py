"""A deck from disk: the entry file, the files its ``src:`` imports name, and the
snippet files its ``<<<`` lines name. The only part of the reader that reads files."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from nlpdeck.reader import snippets
from nlpdeck.reader.model import Deck, Problem, Slide
from nlpdeck.reader.parse import parse_text


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
            out.append(_with_snippets(_renumber(slide, len(out) + 1)))
            continue
        target = (path.parent / str(src).split("#")[0]).resolve()
        if not target.is_file() or target in seen:
            why = "does not exist" if not target.is_file() else "imports itself"
            problems.append(Problem(path, slide.start, len(out) + 1, f"src: {target} {why}"))
            continue
        _load(target, out, problems, (*seen, path))


def _with_snippets(slide: Slide) -> Slide:
    blocks, problems = [], list(slide.problems)
    for block in slide.blocks:
        if block.snippet is not None:
            block, found = snippets.fill(block)
            problems += found
        blocks.append(block)
    return replace(slide, blocks=tuple(blocks), problems=tuple(problems))


def _renumber(slide: Slide, number: int) -> Slide:
    if slide.number == number:
        return slide
    blocks = tuple(replace(b, slide=number) for b in slide.blocks)
    problems = tuple(replace(p, slide=number) for p in slide.problems)
    return replace(slide, number=number, blocks=blocks, problems=problems)
