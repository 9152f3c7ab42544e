"""Text on figures: a word highlighted inside its sentence, and point labels that do not
overlap. Both measure text with the figure's renderer, so place them after the axes
have their final position and limits (``layout="none"``).

    >>> split_at("After the storm the river burst its bank.", "bank")
    ('After the storm the river burst its', 'bank', '.')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nlpdeck.figures import style

PUNCTUATION = ".,;:!?'\""

# Offsets (points) a label may take from its point, nearest first.
SPOTS = [
    (radius * dx, radius * dy)
    for radius in (5, 12, 20, 30, 42)
    for dx, dy in (
        (1, 0),
        (-1, 0),
        (0, 1),
        (0, -1),
        (0.7, 0.7),
        (-0.7, 0.7),
        (0.7, -0.7),
        (-0.7, -0.7),
    )
]


def _find(words: list[str], word: str) -> int:
    return next(i for i, w in enumerate(words) if w.strip(PUNCTUATION).lower() == word)


def split_at(sentence: str, word: str) -> tuple[str, str, str]:
    """``sentence`` as (before, the word, after); ``after`` starts with a space, or with
    the punctuation glued to the word."""
    words = sentence.split()
    at = _find(words, word)
    core = words[at].strip(PUNCTUATION)
    lead, _, trail = words[at].partition(core)
    rest = " ".join(words[at + 1 :])
    return " ".join([*words[:at], lead]).strip(), core, trail + (" " + rest if rest else "")


def trimmed(sentence: str, word: str, limit: int) -> tuple[str, str, str]:
    """:func:`split_at`, dropping words ("…") from the end, then from the start, until the
    line has at most ``limit`` characters.

    >>> trimmed("The bank approved our loan after a long wait.", "bank", 30)
    ('The', 'bank', ' approved our loan…')
    """
    before, core, after = split_at(sentence, word)
    head, tail = before.split(), after.split(" ")
    cut_head = cut_tail = False

    def length() -> int:
        return len(" ".join(head)) + len(core) + len(" ".join(tail)) + 2

    while length() > limit and len(tail) > 2:
        tail, cut_tail = tail[:-1], True
    while length() > limit and len(head) > 1:
        head, cut_head = head[1:], True
    after = " ".join(tail).rstrip(PUNCTUATION) + "…" if cut_tail else " ".join(tail)
    return ("…" if cut_head else "") + " ".join(head), core, after


def snippet(sentence: str, word: str, before: int = 2, after: int = 1) -> str:
    """A few words around ``word``, as a point label.

    >>> snippet("They had a picnic on the bank of the river.", "bank")
    '…on the bank of…'
    """
    words = sentence.split()
    at = _find(words, word)
    start, end = max(0, at - before), min(len(words), at + after + 1)
    text = " ".join(words[start:end]).rstrip(PUNCTUATION)
    return ("…" if start > 0 else "") + text + ("…" if end < len(words) else "")


def highlighted(
    ax: Any, x: float, y: float, parts: tuple[str, str, str], colour: str, size: float
) -> float:
    """Draw ``before WORD after`` on one baseline from axes point (x, y), the word bold
    in ``colour``; returns the line's right end in display pixels."""
    renderer = ax.figure.canvas.get_renderer()
    before, core, after = parts
    space = _width(ax, "a a", size) - _width(ax, "aa", size)
    end = ax.transAxes.transform((x, y))[0]
    pieces = (
        (before, False, False),
        (core, True, bool(before)),
        (after.lstrip(), False, after.startswith(" ")),
    )
    for text, bold, spaced in pieces:
        if not text:
            continue
        end += space if spaced else 0
        piece = ax.text(
            ax.transAxes.inverted().transform((end, 0))[0],
            y,
            text,
            transform=ax.transAxes,
            va="baseline",
            fontsize=size,
            fontweight="bold" if bold else "normal",
            color=colour if bold else style.INK,
        )
        end = piece.get_window_extent(renderer).x1
    return float(end)


def _width(ax: Any, text: str, size: float) -> float:
    probe = ax.text(0, 0, text, fontsize=size)
    width = float(probe.get_window_extent(ax.figure.canvas.get_renderer()).width)
    probe.remove()
    return width


def place_labels(
    ax: Any, xy: np.ndarray, texts: Sequence[str], colours: Sequence[str], size: float
) -> None:
    """Label each point where the label covers no other label or point and stays inside
    the axes, crowded points first, nearer spots first (greedy and deterministic); a label
    pushed away from its point gets a thin leader line."""
    from matplotlib.transforms import Bbox

    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    dot = 0.06 * ax.figure.dpi  # a marker's radius in pixels, with a little air
    centres = ax.transData.transform(xy)
    taken = [Bbox.from_extents(x - dot, y - dot, x + dot, y + dot) for x, y in centres]

    def cost(box: Bbox) -> float:
        inside = Bbox.intersection(box, frame)
        outside = box.width * box.height - (inside.width * inside.height if inside else 0)
        hits = [Bbox.intersection(box, other) for other in taken]
        return 10 * outside + sum(h.width * h.height for h in hits if h is not None)

    crowding = [-(np.linalg.norm(centres - c, axis=1) < 40 * dot).sum() for c in centres]
    for i in sorted(range(len(xy)), key=lambda i: (crowding[i], i)):
        choices = []
        for dx, dy in SPOTS:
            probe = ax.annotate(
                texts[i],
                xy[i],
                xytext=(dx, dy),
                textcoords="offset points",
                fontsize=size,
                **_anchor(dx, dy),
            )
            box = probe.get_window_extent(renderer)
            probe.remove()
            choices.append((cost(box), (dx, dy), box))
            if choices[-1][0] == 0:
                break
        _, (dx, dy), box = min(choices, key=lambda c: c[0])
        leader = {"arrowstyle": "-", "color": colours[i], "alpha": 0.5, "lw": 0.6, "shrinkB": 3}
        ax.annotate(
            texts[i],
            xy[i],
            xytext=(dx, dy),
            textcoords="offset points",
            fontsize=size,
            color=colours[i],
            arrowprops=leader if abs(dx) + abs(dy) > 6 else None,
            **_anchor(dx, dy),
        )
        taken.append(box)


def _anchor(dx: float, dy: float) -> dict[str, str]:
    """Alignment that puts a label on the side of its point the offset points to."""
    ha = "left" if dx > 0 else "right" if dx < 0 else "center"
    va = "bottom" if dy > 0 else "top" if dy < 0 else "center"
    return {"ha": ha, "va": va}
