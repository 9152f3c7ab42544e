"""One markdown file's slides: text in, frozen dataclasses out (no file is read)."""

from __future__ import annotations

from pathlib import Path

from nlpdeck.reader.model import Asset, Slide
from nlpdeck.reader.split import lines_of, split_slides, title
from nlpdeck.reader.walk import SlideScan, markdown


def parse_text(text: str, path: Path, first_number: int = 1) -> list[Slide]:
    """All slides of one markdown file, hidden ones included, numbered from
    ``first_number``; snippet blocks are returned empty (see :mod:`.snippets`)."""
    lines = lines_of(text)
    slides = []
    for number, raw in enumerate(split_slides(text), start=first_number):
        scan = SlideScan(path, number, lines)
        body = "\n".join(lines[raw.content_start : raw.end])
        scan.walk(markdown.parse(body), raw.content_start)
        if raw.frontmatter_error:
            scan.problem(raw.start + 1, raw.frontmatter_error)
        for key in ("background", "image", "backgroundImage"):
            value = raw.frontmatter.get(key)
            if isinstance(value, str) and value and not value.startswith("data:"):
                scan.assets.append(Asset(f"frontmatter:{key}", value, raw.start + 2, path))
        slides.append(
            Slide(
                number=number,
                path=path,
                start=raw.start + 1,
                content_start=raw.content_start + 1,
                end=raw.end,
                frontmatter=raw.frontmatter,
                title=title(body, raw.frontmatter),
                blocks=tuple(scan.blocks),
                assets=tuple(scan.assets),
                problems=tuple(scan.problems),
            )
        )
    return slides
