"""``BERTopic.png``: BERTopic's pipeline as small multiples, drawn from one real run.

documents → 384-d sentence vectors → UMAP 2-D → HDBSCAN clusters (outliers marked)
→ c-TF-IDF top words per topic. Every count, point and word comes from ``topics.json``
and the cached embeddings of the same build, so the picture is the run, not a sketch.

    >>> from part2.figures import topic_pipeline
    >>> topic_pipeline.draw(found, corpus, embeddings, path)  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from course import corpora
from nlpdeck.figures import style

SIZE = (10.0, 3.9)
ARROW = 0.22  # width of the arrow columns, relative to a panel
OUTLIER = -1  # HDBSCAN's label for documents in no cluster

TOPIC_COLOURS = (*style.PALETTE, "#c0392b", "#17a2b8", "#9aa329", "#e377c2", "#4b6584")
"""One colour per topic, the same in every figure of the group; outliers are grey."""


def colour(topic: int) -> str:
    return style.MUTED if topic == OUTLIER else TOPIC_COLOURS[topic % len(TOPIC_COLOURS)]


def _title(ax: Any, text: str) -> None:
    ax.set_title(text, loc="left", fontsize=14)


def _arrow(ax: Any) -> None:
    ax.axis("off")
    ax.text(0.5, 0.5, "→", ha="center", va="center", fontsize=26, color=style.MUTED)


def _documents(ax: Any, corpus: corpora.Corpus) -> None:
    ax.axis("off")
    _title(ax, "① 文档")
    for row, doc in enumerate(corpus.documents[:4]):
        words = " ".join(doc.split()[:3]) + " …"
        ax.text(
            0.0,
            0.9 - 0.16 * row,
            words,
            fontsize=10,
            va="top",
            transform=ax.transAxes,
            bbox={"boxstyle": "round,pad=0.3", "fc": "#f3f4f6", "ec": "none"},
        )
    ax.text(0.0, 0.2, "⋮", fontsize=14, transform=ax.transAxes, color=style.MUTED)
    ax.text(0.0, 0.02, f"{len(corpus)} 篇 ABC 新闻", fontsize=12, transform=ax.transAxes)


def _vectors(ax: Any, embeddings: np.ndarray, assignments: np.ndarray, encoder: str) -> None:
    from matplotlib.colors import to_rgb

    # outliers last, then topics in order: the rows come in blocks of one topic each
    order = np.lexsort((np.arange(len(assignments)), np.where(assignments < 0, 999, assignments)))
    shown = embeddings[order]
    limit = float(np.abs(shown).max())
    ax.imshow(
        shown,
        aspect="auto",
        cmap=style.DIVERGING,
        vmin=-limit,
        vmax=limit,
        interpolation="nearest",
        extent=(-0.5, shown.shape[1] - 0.5, shown.shape[0] - 0.5, -0.5),
    )
    strip = np.array([[to_rgb(colour(int(t)))] for t in assignments[order]])
    width = shown.shape[1] * 0.06
    ax.imshow(
        strip,
        aspect="auto",
        interpolation="nearest",
        extent=(-0.5 - width, -0.5, shown.shape[0] - 0.5, -0.5),
    )
    ax.set_xlim(-0.5 - width, shown.shape[1] - 0.5)
    _title(ax, "② 句向量")
    ax.set_xticks([0, shown.shape[1] - 1], ["1", str(shown.shape[1])], fontsize=10)
    ax.tick_params(length=2)
    ax.set_yticks([0, shown.shape[0] - 1], ["1", str(shown.shape[0])], fontsize=10)
    ax.set_xlabel(f"{shown.shape[1]} 维 ({encoder.split('/')[-1]})", fontsize=10)
    ax.set_ylabel("文档（按主题排列）", fontsize=10)


def _plane(ax: Any, title: str) -> None:
    _title(ax, title)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#d0d7de")


def _umap(ax: Any, xy: np.ndarray, umap: dict[str, Any]) -> None:
    ax.scatter(xy[:, 0], xy[:, 1], s=7, color=style.INK, alpha=0.55, linewidths=0)
    _plane(ax, "③ UMAP")
    ax.set_xlabel(f"{umap['n_components']} 维, n_neighbors={umap['n_neighbors']}", fontsize=10)


def _clusters(ax: Any, xy: np.ndarray, assignments: np.ndarray, found: dict[str, Any]) -> None:
    out = assignments == OUTLIER
    ax.scatter(
        xy[out, 0],
        xy[out, 1],
        s=14,
        marker="x",
        color="#9aa1a9",
        linewidths=0.9,
        label=f"离群 {found['outliers']}",
    )
    for topic in found["topics"]:
        mine = assignments == topic["topic"]
        ax.scatter(xy[mine, 0], xy[mine, 1], s=8, color=colour(topic["topic"]), linewidths=0)
    _plane(ax, "④ HDBSCAN")
    ax.set_xlabel(
        f"{found['n_topics']} 个主题 + {found['outliers']} 篇离群 (×)\n"
        f"min_topic_size={found['params']['min_topic_size']}",
        fontsize=10,
    )


def _words(ax: Any, found: dict[str, Any]) -> None:
    ax.axis("off")
    _title(ax, "⑤ c-TF-IDF")
    ax.text(
        0.0,
        -0.06,
        "数字 = 该主题的文档数",
        fontsize=10,
        va="top",
        color=style.MUTED,
        transform=ax.transAxes,
    )
    rows = found["topics"]
    step = 1.0 / len(rows)
    for i, topic in enumerate(rows):
        y = 1.0 - (i + 0.5) * step
        ax.text(
            0.0,
            y,
            "●",
            color=colour(topic["topic"]),
            fontsize=10,
            va="center",
            transform=ax.transAxes,
        )
        ax.text(
            0.2,
            y,
            str(topic["size"]),
            fontsize=9,
            va="center",
            ha="right",
            color=style.MUTED,
            transform=ax.transAxes,
        )
        words = " ".join(topic["words"][:3])
        ax.text(0.25, y, words, fontsize=10, va="center", transform=ax.transAxes)


def draw(found: dict[str, Any], corpus: corpora.Corpus, embeddings: np.ndarray, path: Path) -> None:
    """The five panels with arrows between them, from one run's numbers."""
    assignments = np.asarray(found["assignments"])
    xy = np.asarray(found["umap_2d"])
    ratios = [2.0, ARROW, 2.2, ARROW, 2.2, ARROW, 2.2, ARROW, 3.3]
    fig, axes = style.figure(SIZE, ncols=len(ratios), width_ratios=ratios)
    for ax in axes[1::2]:
        _arrow(ax)
    _documents(axes[0], corpus)
    _vectors(axes[2], embeddings, assignments, found["encoder"])
    _umap(axes[4], xy, found["params"]["umap"])
    _clusters(axes[6], xy, assignments, found)
    _words(axes[8], found)
    style.save(fig, path)
