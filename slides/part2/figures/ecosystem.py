"""The Hugging Face libraries this project uses, stacked by who builds on whom, with
the versions installed here.

Versions are read with :mod:`importlib.metadata` and must equal the pins of
``requirements.lock`` (the target's declared file, so a re-lock rebuilds the figure);
a mismatch fails the build instead of drawing numbers the lock does not promise.

    >>> from part2.figures import ecosystem
    >>> ecosystem.installed(["transformers"])     # doctest: +SKIP
    {'transformers': '5.24.0'}
"""

from __future__ import annotations

import importlib.metadata
import json
import re
from collections.abc import Iterable
from pathlib import Path

from nlpdeck.figures import style
from nlpdeck.figures.diagram import BLUE, GREEN, ORANGE, PURPLE, arrow, box, canvas, text
from nlpdeck.figures.target import Job

LOCK = "../../requirements.lock"  # from the deck's folder
ROW_COLORS = (GREEN, PURPLE, ORANGE, BLUE)


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares them (``huggingface_hub`` = ``huggingface-hub``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def installed(names: Iterable[str]) -> dict[str, str]:
    """Distribution name -> installed version."""
    return {name: importlib.metadata.version(name) for name in names}


def pinned(lock: Path) -> dict[str, str]:
    """Normalized name -> version of every ``name==version`` line of a lock file."""
    found = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        name, sep, version = line.partition("==")
        if sep:
            found[normalize(name.strip())] = version.strip()
    return found


def check_lock(versions: dict[str, str], lock: Path) -> None:
    """Raise unless every version equals the lock's pin."""
    pins = pinned(lock)
    wrong = {n: v for n, v in versions.items() if pins.get(normalize(n)) != v}
    if wrong:
        found = ", ".join(
            f"{n} {v} (lock: {pins.get(normalize(n), 'absent')})" for n, v in wrong.items()
        )
        raise RuntimeError(f"installed versions differ from {LOCK}: {found}: run `make setup`")


def hf_ecosystem(job: Job) -> None:
    """hf-ecosystem.png (and hf-ecosystem.json, the versions drawn)."""
    rows = job.params["rows"]
    versions = installed(name for row in rows for name, _ in row)
    check_lock(versions, job.file(LOCK))
    fig, ax = canvas(5.2, 4.6)
    width, gap = 5.0, 0.12
    for r, (row, color) in enumerate(zip(rows, ROW_COLORS, strict=True)):
        y = 4.05 - r * 0.92
        w = (width - gap * (len(row) - 1)) / len(row)
        for i, (name, role) in enumerate(row):
            x = 0.1 + w / 2 + i * (w + gap)
            box(
                ax,
                x,
                y,
                w,
                0.7,
                name,
                f"{versions[name]} · {role}",
                color=color,
                size=12,
                weight="bold",
            )
        if r:
            arrow(ax, (2.6, y + 0.36), (2.6, y + 0.56), head=8, color=style.MUTED)
    box(ax, 2.6, 0.32, width, 0.5, job.params["hub"], color=style.MUTED, fill="#f6f8fa", size=11.5)
    arrow(ax, (2.6, 0.58), (2.6, 0.78), head=8, color=style.MUTED)
    text(ax, 5.15, 4.5, "上层的库建立在下层之上", 9, ha="right", color=style.MUTED)
    style.save(fig, job.output("hf-ecosystem.png"))
    job.output("hf-ecosystem.json").write_text(
        json.dumps(versions, indent=1) + "\n", encoding="utf-8"
    )
