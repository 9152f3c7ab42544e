"""Drawing primitives for the deck's block diagrams, in the figure style.

A diagram is drawn on a :func:`canvas` whose data coordinates are inches from the
bottom-left corner, so boxes and text keep their size whatever the figure's shape,
and a figure shown ``w`` pixels wide has ``w / width`` pixels per unit.

    >>> from nlpdeck.figures import diagram
    >>> fig, ax = diagram.canvas(5, 3)                                  # doctest: +SKIP
    >>> diagram.box(ax, 2.5, 1.5, 2, 0.5, "编码器", "Encoder")           # doctest: +SKIP
    >>> style.save(fig, path)                                           # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from nlpdeck.figures import style

BLUE, ORANGE, GREEN, PINK, PURPLE, OLIVE, TEAL = style.PALETTE
SUB = 0.78
"""Size of an English sub-label relative to its Chinese label."""


def canvas(width: float, height: float) -> tuple[Figure, Axes]:
    """A blank figure of ``width x height`` inches whose axes fill it, in inches."""
    fig, ax = style.figure((width, height), layout=None)
    ax.set_position((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return fig, ax


def tint(color: str, amount: float = 0.18) -> str:
    """``color`` mixed into white: ``amount`` 0 is white, 1 is the colour itself."""
    r, g, b = to_rgb(color)
    return to_hex((1 - amount + amount * r, 1 - amount + amount * g, 1 - amount + amount * b))


def box(
    ax: Axes,
    x: float,
    y: float,
    w: float,
    h: float,
    text: str = "",
    sub: str = "",
    *,
    color: str = BLUE,
    fill: str | None = None,
    size: float = 13,
    weight: str = "normal",
    radius: float = 0.06,
    lw: float = 1.4,
    zorder: float = 2,
) -> FancyBboxPatch:
    """A rounded box centred on ``(x, y)``; ``text`` above an optional smaller ``sub``."""
    patch = FancyBboxPatch(
        (x - w / 2, y - h / 2),
        w,
        h,
        boxstyle=f"round,pad=0,rounding_size={radius}",
        facecolor=fill if fill is not None else tint(color),
        edgecolor=color,
        linewidth=lw,
        zorder=zorder,
    )
    ax.add_patch(patch)
    if text and sub:
        gap = size * SUB / 72 * 0.62
        ax.text(
            x,
            y + gap,
            text,
            ha="center",
            va="center",
            fontsize=size,
            weight=weight,
            zorder=zorder + 1,
        )
        ax.text(
            x,
            y - gap,
            sub,
            ha="center",
            va="center",
            fontsize=size * SUB,
            color=style.MUTED,
            zorder=zorder + 1,
        )
    elif text or sub:
        ax.text(
            x,
            y,
            text or sub,
            ha="center",
            va="center",
            fontsize=size,
            weight=weight,
            zorder=zorder + 1,
        )
    return patch


def frame(
    ax: Axes,
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    *,
    color: str = style.MUTED,
    dashed: bool = False,
    fill: str = "#f6f8fa",
) -> FancyBboxPatch:
    """A light rounded rectangle behind a group of boxes (a block, a stage)."""
    patch = FancyBboxPatch(
        (x0, y0),
        x1 - x0,
        y1 - y0,
        boxstyle="round,pad=0,rounding_size=0.12",
        facecolor=fill,
        edgecolor=color,
        linewidth=1.2,
        linestyle="--" if dashed else "-",
        zorder=0,
    )
    ax.add_patch(patch)
    return patch


def arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    *,
    color: str = style.INK,
    lw: float = 1.4,
    rad: float = 0.0,
    head: float = 10,
    zorder: float = 1,
    **kwargs: Any,
) -> FancyArrowPatch:
    """A straight (or, with ``rad``, curved) arrow from ``start`` to ``end``."""
    patch = FancyArrowPatch(
        start,
        end,
        arrowstyle="-|>",
        mutation_scale=head,
        color=color,
        lw=lw,
        connectionstyle=f"arc3,rad={rad}",
        shrinkA=0,
        shrinkB=0,
        zorder=zorder,
        **kwargs,
    )
    ax.add_patch(patch)
    return patch


def path(
    ax: Axes,
    points: Sequence[tuple[float, float]],
    *,
    color: str = style.INK,
    lw: float = 1.4,
    head: float = 10,
    zorder: float = 1,
) -> None:
    """A polyline through ``points`` with an arrow head at the last one."""
    xs, ys = zip(*points, strict=True)
    ax.plot(xs[:-1], ys[:-1], color=color, lw=lw, solid_capstyle="round", zorder=zorder)
    arrow(ax, points[-2], points[-1], color=color, lw=lw, head=head, zorder=zorder)


def plus(ax: Axes, x: float, y: float, r: float = 0.11, *, color: str = style.INK) -> None:
    """The ⊕ of an element-wise sum (drawn, since fonts render U+2295 unevenly)."""
    ax.add_patch(Circle((x, y), r, facecolor="white", edgecolor=color, lw=1.3, zorder=3))
    ax.plot([x - r * 0.6, x + r * 0.6], [y, y], color=color, lw=1.3, zorder=4)
    ax.plot([x, x], [y - r * 0.6, y + r * 0.6], color=color, lw=1.3, zorder=4)


def text(ax: Axes, x: float, y: float, s: str, size: float = 13, **kwargs: Any) -> None:
    """A label, centred unless ``ha``/``va`` say otherwise."""
    kwargs.setdefault("ha", "center")
    kwargs.setdefault("va", "center")
    ax.text(x, y, s, fontsize=size, **kwargs)
