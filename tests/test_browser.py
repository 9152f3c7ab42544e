"""The deck in a real browser: it builds, and every slide renders at every click step.

Headless Chromium (Debian's, driven by playwright-chromium from node_modules) visits the
deck served by `slidev` as `make present` serves it. A slide fails on a broken image or
video, a code editor not drawn, a request leaving localhost, a console error, a missing
title, content that leaves the 16:9 frame, or a picture with no words for a screen reader
(a described figure: other words than its description). Each step is inspected once the
slide is still (tests/browser/render_deck.mjs). Screenshots go to build/slides/<deck>/
for people to look at.
"""

from __future__ import annotations

import shutil
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from browser_tools import run_script
from live_tools import Presenting
from markdown_it import MarkdownIt

from nlpdeck import lint, project
from nlpdeck.reader import Slide

DECKS = project.repository_decks()
SCRIPT = Path(__file__).parent / "browser" / "render_deck.mjs"
VITE_CONFIG = "slidev-addon-nlpdeck/vite.config.ts"


def shown_title(slide: Slide) -> str | None:
    """The slide's first heading as text (HTML inside it stripped): what a viewer reads."""
    lines = slide.path.read_text(encoding="utf-8").splitlines()[slide.content_start - 1 : slide.end]
    tokens = MarkdownIt("commonmark").parse("\n".join(lines))
    for opening, inline in zip(tokens, tokens[1:], strict=False):
        if opening.type == "heading_open" and inline.children is not None:
            text = "".join(c.content for c in inline.children if c.type in ("text", "code_inline"))
            return text.strip() or None
    return slide.title


@pytest.fixture(scope="module", params=DECKS, ids=[d.parent.name for d in DECKS])
def deck(request: pytest.FixtureRequest) -> project.DeckProject:
    """Each deck of the repository in turn."""
    return project.load(request.param)


@pytest.fixture(scope="module")
def deck_server(deck: project.DeckProject, presented: Callable[[Path], Presenting]) -> Presenting:
    """The deck as `make present` presents it on a fresh clone (Vite's dependency cache
    rebuilt); the live runner's tests use the same server after this module."""
    return presented(deck.path)


def unworded_figures(deck: project.DeckProject, report: dict) -> list[str]:
    """Every picture, view, video and chart shown has words for a screen reader; a
    figure the build describes has the build's words (the addon fills them in)."""
    described = lint.described_figures(deck)
    prefix = f"/{deck.figures.relative_to(deck.dir).as_posix()}/"
    shown = [f for s in report["slides"] for f in s["figures"]]
    problems = [] if shown or not described else ["no picture found on any slide"]
    for s in report["slides"]:
        for f in s["figures"]:
            src = urllib.parse.urlsplit(f["src"] or "").path
            name = f"{src}.png" if f["tag"] == "chart" else src.partition(prefix)[2]
            where = f"{deck.name} slide {s['number']} (click {s['clicks']}): {f['tag']} {f['src']}"
            if not (f["words"] or "").strip():
                problems.append(f"{where} has no words for a screen reader")
            elif name in described and f["words"] != described[name]:
                problems.append(f"{where} says {f['words']!r}, not its description")
    return problems


@pytest.mark.browser
@pytest.mark.devserver
@pytest.mark.kernel
def test_every_slide_renders_at_every_click(deck, deck_server, tmp_path):
    shots = deck.build_dir / "screenshots"
    shutil.rmtree(shots, ignore_errors=True)
    config = {
        "base": deck_server.deck_url,
        "out": str(shots),
        "slides": [{"number": s.number, "title": shown_title(s)} for s in deck.deck.slides],
    }
    report = run_script(SCRIPT, config, tmp_path)
    seen = {s["number"] for s in report["slides"]}
    assert seen == {s.number for s in deck.deck.slides}
    problems = [
        f"{deck.name} slide {s['number']} (click {s['clicks']}): {problem}"
        for s in report["slides"]
        for problem in s["problems"]
    ]
    problems += unworded_figures(deck, report)
    problems += [f"{n['where']}: request leaves localhost: {n['url']}" for n in report["network"]]
    problems += [f"{c['where']}: console error: {c['text']}" for c in report["console"]]
    problems += [
        f"Vite bundled {dep} only when a slide imported it and reloaded the page: "
        f"add it to optimizeDeps.include in {VITE_CONFIG}"
        for dep in deck_server.late_dependencies()
    ]
    assert problems == [], f"screenshots in {shots}\n" + "\n".join(problems)
