"""The one look of every matplotlib figure in the deck.

Fonts are the deck's (Noto Sans CJK, so Chinese labels render), colours read on the
seriph theme's white slides, and sizes are chosen for a 16:9 slide: a full-width figure
is drawn at 10 x 5 inches and shown about 900 px wide, where 14 pt text is as large
as the slide's body text. Saving strips timestamps, so same inputs give the same bytes.

    >>> from nlpdeck.figures import style
    >>> fig, ax = style.figure()          # doctest: +SKIP
    >>> style.save(fig, path)             # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # figures are files; never open a window

import matplotlib.pyplot as plt  # noqa: E402
from cycler import cycler  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

FONT = "Noto Sans CJK SC"
"""The deck's sans font (Source Han Sans); covers Latin and Chinese."""

INK = "#1f2328"  # body text on the seriph theme
MUTED = "#6e7781"  # secondary labels, grid
PALETTE = ("#1f5f9e", "#d9822b", "#2e8b57", "#b8336a", "#6a4c93", "#8c6d1f", "#3a8fb7")
"""Categorical colours, distinct for colour-blind viewers in the first four."""
CMAP = "Blues"  # sequential data (attention, similarity)
DIVERGING = "RdBu_r"

FULL = (10.0, 5.0)  # a figure spanning the slide's width
HALF = (6.0, 5.0)  # one of two columns
DPI = 200

RC: dict[str, Any] = {
    "font.family": [FONT, "DejaVu Sans"],
    "font.size": 14,
    "axes.titlesize": 16,
    "axes.labelsize": 14,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "figure.titlesize": 18,
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": MUTED,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.prop_cycle": cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.unicode_minus": False,  # CJK fonts lack U+2212
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.facecolor": "white",
    "svg.hashsalt": "nlpdeck",  # stable ids in SVG output
    "pdf.fonttype": 42,  # embed TrueType, so PDF text stays text
}


def apply() -> None:
    """Set the deck's rcParams (every drawing module calls :func:`figure`, which does)."""
    plt.style.use(RC)


def figure(size: tuple[float, float] = FULL, **subplots: Any) -> tuple[Figure, Any]:
    """A new figure in the deck's style; keyword arguments go to ``plt.subplots``."""
    apply()
    subplots.setdefault("layout", "constrained")
    return plt.subplots(figsize=size, **subplots)


# Metadata keys that would differ between runs (dates) or machines (versions).
_NO_METADATA = {
    ".png": {"Software": None},
    ".pdf": {"Creator": None, "Producer": None, "CreationDate": None, "ModDate": None},
    ".svg": {"Creator": None, "Date": None},
}


def save(fig: Figure, path: Path) -> Path:
    """Write ``fig`` without timestamps or version stamps, then close it."""
    fig.savefig(path, metadata=_NO_METADATA.get(path.suffix, {}), facecolor="white")
    plt.close(fig)
    return path
