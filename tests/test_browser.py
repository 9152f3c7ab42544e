"""The deck in a real browser: it builds, and every slide renders at every click step.

Headless Chromium (Debian's, driven by playwright-chromium from node_modules) visits the
deck served by `slidev` as `make present` serves it. A slide fails on a broken image or
video, a request leaving localhost, a console error, a missing title, content that
leaves the 16:9 frame, or a picture with no words for a screen reader (a described
figure: other words than its description). Screenshots go to build/slides/<deck>/ for
people to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_tools import free_port, require_browser, run_script
from markdown_it import MarkdownIt

from nlpdeck import env, lint, project
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


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"slidev exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(
        f"slidev did not answer at {url} within {seconds:.0f} s:\n{log.read_text()[-3000:]}"
    )


@dataclass(frozen=True)
class Served:
    url: str
    log: Path  # slidev's (and Vite's) output

    def late_dependencies(self) -> list[str]:
        """Dependencies Vite bundled only when a slide imported them, then reloaded the page.

        Vite's first scan starts at Slidev's main.ts and misses dynamic imports in the
        deck's own components; on a cold cache such a find re-bundles everything, fails
        requests in flight (504 Outdated Optimize Dep) and reloads the page mid-talk.
        """
        text = re.sub(r"\x1b\[[0-9;]*m", "", self.log.read_text(errors="replace"))
        found = re.findall(r"new dependencies optimized: (.+)", text)
        return [dep.strip() for line in found for dep in line.split(",")]


@pytest.fixture(scope="module", params=DECKS, ids=[d.parent.name for d in DECKS])
def deck(request: pytest.FixtureRequest) -> project.DeckProject:
    """Each deck of the repository in turn."""
    return project.load(request.param)


@pytest.fixture(scope="module")
def deck_server(
    deck: project.DeckProject, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """`slidev` on the deck at a free port, as `make present` runs it on a first run."""
    require_browser()
    port = free_port()
    log = tmp_path_factory.mktemp("slidev") / "slidev.log"
    with log.open("wb") as out:
        # slidev reads shortcut keys from stdin and quits when it closes: keep a pipe open.
        # --force: Vite's dependency cache starts cold, as on a fresh clone, every time;
        # --log info: Vite says which dependencies it bundled late (Served.late_dependencies).
        process = subprocess.Popen(
            ["npx", "slidev", str(deck.path), "--port", str(port), "--force", "--log", "info"],
            cwd=env.ROOT,
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env.subprocess_environ(),
            start_new_session=True,  # npx does not pass a signal on: stop the whole group
        )
    try:
        wait_for(f"http://localhost:{port}/", process, log, 180)
        yield Served(f"http://localhost:{port}", log)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


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
        "base": deck_server.url,
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
