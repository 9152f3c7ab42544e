"""``make export [DECK=...]``: a deck as one PDF and one PNG per slide.

Slidev's own exporter renders the deck in Debian's chromium (no browser is downloaded).
Live Python blocks show their recorded outputs (print mode starts no kernel). The files
go to the deck's build folder: ``build/slides/part2/export/part2.pdf`` and
``…/export/part2-png/``. Each is written beside its target first and moved in only when
whole, so a failed export leaves the previous one as it was.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from nlpdeck import env
from nlpdeck.project import DeckProject
from nlpdeck.reader import show_path

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_MS = 150_000
"""How long the print page may take to settle. Slidev's 30 s default is too short for a
deck of 37 slides on a cold Vite cache on 2 busy cores (seen: 55 s)."""
ATTEMPTS = 3
HANG = 'waiting until "networkidle"'
"""Slidev waits for Playwright's ``networkidle``, which can miss its moment for good when
requests start and end before DOMContentLoaded (microsoft/playwright#42598): the page is
drawn, the wait never ends. Seen once in several CI runs, on a page with no request
pending; a fresh attempt does not inherit it."""


def outputs(deck: DeckProject) -> tuple[Path, Path]:
    """The PDF and the PNG folder of a deck's export."""
    folder = deck.build_dir / "export"
    return folder / f"{deck.name}.pdf", folder / f"{deck.name}-png"


def _slidev_export(deck: DeckProject, form: list[str]) -> tuple[int, bool]:
    """Run ``slidev export`` once, its output passed through; (exit code, hung at idle)."""
    command = [
        *(str(deck.project.slidev), "export", str(deck.path), *form),
        *("--executable-path", str(CHROMIUM), "--timeout", str(TIMEOUT_MS)),
    ]
    with subprocess.Popen(
        command,
        cwd=deck.project.root,
        env=env.subprocess_environ(deck.project),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    ) as process:
        assert process.stdout is not None
        hung = False
        for line in process.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            hung = hung or HANG in line
    return process.returncode, hung


def _export_one(deck: DeckProject, form: list[str]) -> int:
    for attempt in range(1, ATTEMPTS + 1):
        code, hung = _slidev_export(deck, form)
        if code == 0 or not hung:
            return code
        if attempt < ATTEMPTS:
            print(
                f"nlpdeck export: the print page did not report its network idle in "
                f"{TIMEOUT_MS // 1000} s (a slow machine, or Playwright's networkidle race); "
                f"trying again ({attempt + 1} of {ATTEMPTS})"
            )
    return code


def _presented(deck: DeckProject) -> int:
    """How many slides Slidev presents (and so exports): hidden ones are left out."""
    return sum(1 for slide in deck.deck.slides if not slide.hidden)


def pdf(deck: DeckProject, out: Path) -> int:
    """Slidev's PDF alone, written to ``out``: what a check of the PDF's text needs."""
    return _export_one(deck, ["--output", str(out)])


def export(deck: DeckProject) -> int:
    pdf, png = outputs(deck)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=pdf.parent, prefix=".partial-") as partial:
        new_pdf, new_png = Path(partial) / pdf.name, Path(partial) / png.name
        for form in (["--output", str(new_pdf)], ["--format", "png", "--output", str(new_png)]):
            code = _export_one(deck, form)
            if code != 0:
                print(
                    f"nlpdeck export: slidev export of {show_path(deck.path)} failed ({code}); "
                    f"its output above says why. The previous export is untouched."
                )
                return code
        shots, expected = len(list(new_png.glob("*.png"))), _presented(deck)
        if not new_pdf.is_file() or shots != expected:
            print(
                f"nlpdeck export: slidev export of {show_path(deck.path)} wrote "
                f"{'a' if new_pdf.is_file() else 'no'} PDF and {shots} PNGs for {expected} "
                f"slides; the previous export is untouched. Open /print?print=true under "
                f"`make present DECK={show_path(deck.dir)}` to see which slides do not draw."
            )
            return 1
        new_pdf.replace(pdf)
        if png.exists():
            shutil.rmtree(png)
        new_png.replace(png)
    print(f"exported {show_path(pdf)} and {show_path(png)}/ ({expected} slides)")
    return 0
