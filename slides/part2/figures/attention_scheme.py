"""Attention in general, before self-attention: one query scored against every key,
the scores turned into weights by softmax, the output their weighted sum of the values.

    >>> from part2.figures import attention_scheme
    >>> attention_scheme.softmax([2.0, 0.0])
    [0.8807970779778823, 0.11920292202211755]
"""

from __future__ import annotations

from matplotlib.patches import FancyBboxPatch

from nlpdeck.figures import style
from nlpdeck.figures.diagram import BLUE, GREEN, ORANGE, PINK, arrow, box, canvas, text, tint
from nlpdeck.figures.target import Job


def softmax(scores: list[float]) -> list[float]:
    """Attention weights from scores: exponentiate, then divide by the sum."""
    import math

    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    return [e / sum(exps) for e in exps]


def attention_scheme(job: Job) -> None:
    """general_scheme-min.png: attention in general. A query is scored against every
    key, softmax turns the scores into weights that sum to 1, and the output is the
    weighted sum of the values. The example scores are params; the weights drawn are
    their softmax, computed here."""
    words, scores = job.params["keys"], job.params["scores"]
    weights = softmax(scores)
    fig, ax = canvas(8.4, 3.9)
    rows = [3.0 - 0.52 * i for i in range(len(words))]
    heads = (
        ("键 / 值", "keys kᵢ / values vᵢ", 0.85),
        ("分数", "score(q, kᵢ)", 3.0),
        ("权重", "aᵢ = softmax(score)ᵢ", 5.0),
        ("加权求和", "Σ aᵢ vᵢ", 7.35),
    )
    for label, sub, x in heads:
        text(ax, x, 3.68, label, 13, weight="bold")
        text(ax, x, 3.43, sub, 10.5, color=style.MUTED)
    box(ax, 1.97, 0.22, 2.6, 0.4, f"查询 q：{job.params['query']}", color=PINK, size=11.5)
    ax.plot([1.97, 1.97], [0.42, rows[0]], color=PINK, lw=1.6, zorder=1)
    best = max(range(len(words)), key=lambda i: weights[i])
    for i, (word, score, weight, y) in enumerate(zip(words, scores, weights, rows, strict=True)):
        box(ax, 0.85, y, 1.2, 0.38, word, color=BLUE, size=12.5, lw=2.0 if i == best else 1.0)
        arrow(ax, (1.5, y), (2.45, y), head=8, color=style.MUTED)
        box(ax, 1.97, y, 0.3, 0.3, "q", color=PINK, size=11, radius=0.15, zorder=3)
        text(ax, 3.0, y, f"{score:.1f}", 12.5)
        arrow(ax, (3.5, y), (4.05, y), head=8, color=style.MUTED)
        ax.add_patch(_bar(4.15, y, 1.7 * weight, ORANGE))
        text(ax, 4.22 + 1.7 * weight, y, f"{weight:.2f}", 11.5, ha="left")
        arrow(ax, (5.9, y), (6.75, 1.96), head=8, color=ORANGE, lw=0.6 + 4 * weight)
    box(ax, 7.35, 1.96, 1.05, 0.62, "输出", "上下文向量", color=GREEN, size=12.5)
    text(ax, 7.35, 1.3, "权重之和 = 1", 10.5, color=style.MUTED)
    style.save(fig, job.output("general_scheme-min.png"))


def _bar(x: float, y: float, length: float, color: str) -> FancyBboxPatch:
    return FancyBboxPatch(
        (x, y - 0.13),
        max(length, 0.01),
        0.26,
        boxstyle="round,pad=0,rounding_size=0.03",
        facecolor=tint(color, 0.7),
        edgecolor=color,
        lw=1.0,
    )
