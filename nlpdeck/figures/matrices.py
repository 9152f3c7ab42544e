"""Matrices drawn as grids of coloured numbers, in a row with the operators between them
(``Q · Kᵀ = S``), for figures that show a computation with its real values.

Coordinates are "cell units": the axes' data limits are chosen so that a number cell is
:data:`CELL_W` x :data:`CELL_H`. :func:`cut` takes the top-left corner of an array that
fits on a slide, remembering what was cut ("…", "⋮") and the full shape; :func:`row` lays
blocks and operators out left to right, centred; the colours say the sign and size of
each number (weights that sum to 1 per row get the sequential map).

    >>> from nlpdeck.figures import matrices
    >>> fig, ax = style.figure((10, 4.4), layout=None)     # doctest: +SKIP
    >>> ax.set_xlim(0, 20); ax.set_ylim(0, 8.8)            # doctest: +SKIP
    >>> q = matrices.cut(values, 3, "$Q$", "4 × 32", rows=tokens)   # doctest: +SKIP
    >>> matrices.row(ax, [q, "=", z], width=20, top=6)              # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.patches import FancyBboxPatch, Rectangle

from nlpdeck.figures import style

CELL_W, TOKEN_W, CELL_H = 1.0, 1.5, 0.7  # a number cell; a cell under a token label
DOTS_W, LABEL_W, OP_W = 0.55, 1.9, 0.7  # the "…" column; row labels; an operator


@dataclass(frozen=True)
class Block:
    """One matrix as drawn: the cells shown, its labels, and its colouring."""

    cells: np.ndarray
    name: str  # under the matrix, e.g. "$Q$"
    shape: str  # the full shape, e.g. "4 × 32"
    rows: list[str] | None  # labels left of the rows (tokens)
    cols: list[str] | None  # labels above the columns (tokens)
    more_cols: bool  # "…": columns cut
    more_rows: bool  # "⋮": rows cut
    kind: str  # "signed" (diverging colours), "weights" (0..1) or "plain"
    limit: float  # colour scale of "signed": the largest |value| of the whole matrix
    result: bool  # the step's result: framed

    @property
    def cell_w(self) -> float:
        return TOKEN_W if self.cols else CELL_W

    @property
    def width(self) -> float:
        return self.cells.shape[1] * self.cell_w + (DOTS_W if self.more_cols else 0)


Part = Block | str | tuple[str, float]
"""What :func:`row` lays out: a matrix, an operator, or an operator and its width."""


def cut(
    values: np.ndarray,
    shown: int,
    name: str,
    shape: str,
    *,
    rows: list[str] | None = None,
    cols: list[str] | None = None,
    cut_rows: int | None = None,
    result: bool = False,
    kind: str | None = None,
) -> Block:
    """The top-left ``cut_rows x shown`` corner of ``values`` as a :class:`Block`."""
    n_rows = cut_rows or values.shape[0]
    cells = values[:n_rows, :shown]
    if kind is None:
        kind = "weights" if values.min() >= 0 and np.allclose(values.sum(axis=1), 1) else "signed"
    return Block(
        cells=cells,
        name=name,
        shape=shape,
        rows=rows,
        cols=cols,
        more_cols=shown < values.shape[1],
        more_rows=n_rows < values.shape[0],
        kind=kind,
        limit=max(float(np.abs(values).max()), 0.1),  # near-zero stays near-white
        result=result,
    )


def row(ax: Any, parts: list[Part], width: float, top: float) -> None:
    """Matrices and operators left to right, centred across ``width``, the first matrix's
    first row at height ``top``; a one-row matrix is centred on the first matrix's rows."""
    widths = [p.width if isinstance(p, Block) else _op_width(p) for p in parts]
    first = parts[0]
    n = first.cells.shape[0] if isinstance(first, Block) else 1
    labels = LABEL_W if isinstance(first, Block) and first.rows else 0
    x = (width - sum(widths) - labels) / 2 + labels
    middle = top - (n - 1) * CELL_H / 2
    for part, part_width in zip(parts, widths, strict=True):
        if isinstance(part, Block):
            matrix(ax, x, top if part.cells.shape[0] > 1 else middle, part)
        else:
            text = part if isinstance(part, str) else part[0]
            ax.text(
                x + part_width / 2,
                middle,
                text,
                ha="center",
                va="center",
                fontsize=18 if len(text) <= 8 else 14,
            )
        x += part_width


def _op_width(part: str | tuple[str, float]) -> float:
    return OP_W if isinstance(part, str) else part[1]


def _fmt(value: float) -> str:
    if abs(value) >= 9.995:
        return f"{value:.1f}"
    return f"{value:.2f}" if round(value, 2) != 0 else "0.00"  # no "-0.00"


def _colour(block: Block, value: float) -> tuple[Any, str]:
    """Cell fill and text colour: light enough that the number stays readable."""
    if block.kind == "plain":
        return "none", style.INK
    if block.kind == "weights":
        return colormaps[style.CMAP](0.08 + 0.72 * value), ("white" if value > 0.55 else style.INK)
    return colormaps[style.DIVERGING](0.5 + 0.27 * value / block.limit), style.INK


def matrix(ax: Any, left: float, top: float, block: Block) -> None:
    """Draw ``block`` with its first row centred at ``top`` and its cells from ``left``."""
    n_rows, n_cols = block.cells.shape
    w = block.cell_w
    for i in range(n_rows):
        y = top - i * CELL_H
        for j in range(n_cols):
            value = float(block.cells[i, j])
            fill, ink = _colour(block, value)
            ax.add_patch(
                Rectangle((left + j * w, y - CELL_H / 2), w, CELL_H, fc=fill, ec="white", lw=1.5)
            )
            ax.text(
                left + (j + 0.5) * w,
                y,
                _fmt(value),
                ha="center",
                va="center",
                fontsize=12,
                color=ink,
            )
        if block.more_cols:
            ax.text(
                left + n_cols * w + DOTS_W / 2,
                y,
                "…",
                ha="center",
                va="center",
                fontsize=12,
                color=style.MUTED,
            )
        if block.rows:
            ax.text(left - 0.15, y, block.rows[i], ha="right", va="center", fontsize=13)
    right = left + block.width
    bottom = top - (n_rows - 0.5) * CELL_H
    if block.more_rows:
        ax.text(
            left + n_cols * w / 2,
            bottom - CELL_H / 2,
            r"$\vdots$",
            ha="center",
            va="center",
            fontsize=12,
            color=style.MUTED,
        )
        bottom -= CELL_H
    for j, label in enumerate(block.cols or []):
        ax.text(
            left + (j + 0.5) * w,
            top + CELL_H / 2 + 0.25,
            label,
            ha="center",
            va="baseline",
            fontsize=10.5,
            color=style.MUTED,
        )
    if block.result:
        ax.add_patch(
            FancyBboxPatch(
                (left - 0.06, bottom - 0.06),
                right - left + 0.12,
                top + CELL_H / 2 - bottom + 0.12,
                boxstyle="round,pad=0.02",
                fc="none",
                ec=style.PALETTE[0],
                lw=2,
            )
        )
    label = f"{block.name}  ({block.shape})" if block.shape else block.name
    ax.text(
        (left + right) / 2,
        bottom - 0.3,
        label,
        ha="center",
        va="top",
        fontsize=13,
        color=style.PALETTE[0] if block.result else style.INK,
        fontweight="bold" if block.result else "normal",
    )
