"""``make export [DECK=...]``: a deck as one PDF and one PNG per slide.

Slidev's own exporter renders the deck in Debian's chromium (no browser is downloaded).
Live Python blocks show their recorded outputs (print mode starts no kernel). The files
go to the deck's build folder: ``build/slides/part2/export/part2.pdf`` and
``…/export/part2-png/``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from nlpdeck import env
from nlpdeck.project import DeckProject
from nlpdeck.reader import show_path

SLIDEV = env.ROOT / "node_modules" / ".bin" / "slidev"
CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_MS = 300_000
"""How long a page may take to settle: Slidev's 30 s default is too short for a deck of
37 slides on a cold Vite cache on 2 busy cores (seen: a timeout at the first page)."""


def outputs(deck: DeckProject) -> tuple[Path, Path]:
    """The PDF and the PNG folder of a deck's export."""
    folder = deck.build_dir / "export"
    return folder / f"{deck.name}.pdf", folder / f"{deck.name}-png"


def export(deck: DeckProject) -> int:
    pdf, png = outputs(deck)
    for form in (["--output", str(pdf)], ["--format", "png", "--output", str(png)]):
        command = [
            *(str(SLIDEV), "export", str(deck.path), *form),
            *("--executable-path", str(CHROMIUM), "--timeout", str(TIMEOUT_MS)),
        ]
        done = subprocess.run(command, cwd=env.ROOT, env=env.subprocess_environ())
        if done.returncode != 0:
            print(
                f"nlpdeck export: slidev export of {show_path(deck.path)} failed "
                f"({done.returncode}); its output above says why"
            )
            return done.returncode
    print(f"exported {show_path(pdf)} and {show_path(png)}/")
    return 0
