"""encoder_self_attention.mp4: the real self-attention weights of the deck's encoder,
one query word at a time, then the whole matrix.

The weights are those of ``all-MiniLM-L6-v2`` (catalog role ``english-encoder``) for
one sentence, in one layer, averaged over its 12 heads: row ``i`` says how much word
``i`` draws on every word of the sentence, and sums to 1. ``[CLS]`` and ``[SEP]`` are
shown because the model really spends much of its attention on them.

    >>> from part2.figures import encoder, self_attention_video as sa
    >>> tok, model = encoder.load("sentence-transformers/all-MiniLM-L6-v2")  # doctest: +SKIP
    >>> sa.attention(tok, model, "the cat sat on the mat", layer=6)  # doctest: +SKIP
"""

from __future__ import annotations

import json
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from nlpdeck import models
from nlpdeck.figures import encoder, style, video
from nlpdeck.figures.diagram import BLUE, box, canvas, text, tint
from nlpdeck.figures.target import Job

SPECIAL = ("[CLS]", "[SEP]")


def attention(tokenizer: Any, model: Any, sentence: str, layer: int) -> tuple[list[str], Any]:
    """WordPiece tokens and the ``(n, n)`` attention of 1-based ``layer``, mean over heads."""
    import torch

    batch = tokenizer(sentence, return_tensors="pt")
    with torch.no_grad():
        found = model(**batch, output_attentions=True).attentions
    tokens = tokenizer.convert_ids_to_tokens(batch["input_ids"][0])
    return list(tokens), found[layer - 1][0].mean(0).numpy()


def _row(ax: Any, tokens: list[str], weights: Any, query: int, ys: list[float]) -> None:
    """Lines from the query word (left) to every word (right), width and opacity by
    weight; the weights themselves as bars."""
    qx, kx, bx = 1.45, 2.95, 4.3
    scale = 1.25 / weights.max()  # the largest weight anywhere gets the longest bar
    for i, (token, y) in enumerate(zip(tokens, ys, strict=True)):
        special = token in SPECIAL
        color = style.MUTED if special else style.INK
        if i == query:
            box(ax, qx - 0.42, y, 0.9, 0.23, "", color=BLUE, fill=tint(BLUE, 0.3), lw=1.2)
        text(
            ax,
            qx - 0.02,
            y,
            token,
            12,
            ha="right",
            color=color,
            weight="bold" if i == query else "normal",
        )
        text(ax, kx + 0.02, y, token, 12, ha="left", color=color)
        w = float(weights[query, i])
        ax.plot(
            [qx + 0.04, kx - 0.04],
            [ys[query], y],
            color=BLUE,
            lw=0.4 + 7 * w,
            alpha=min(1.0, 0.15 + 1.6 * w),
            solid_capstyle="round",
        )
        ax.add_patch(
            plt.Rectangle(
                (bx, y - 0.09),
                max(w * scale, 0.004),
                0.18,
                facecolor=tint(BLUE, 0.7),
                edgecolor="none",
            )
        )
        text(ax, bx + w * scale + 0.05, y, f"{w:.2f}", 9.5, ha="left", color=style.MUTED)


def _matrix(ax: Any, tokens: list[str], weights: Any) -> None:
    """All rows at once, as a heatmap."""
    inset = ax.inset_axes((0.36, 0.18, 0.52, 0.63))
    inset.imshow(weights, cmap=style.CMAP, vmin=0, vmax=float(weights.max()))
    ticks = range(len(tokens))
    inset.set_xticks(ticks, tokens, rotation=90, fontsize=8.5)
    inset.set_yticks(ticks, tokens, fontsize=8.5)
    inset.tick_params(length=0)
    text(
        ax,
        0.1,
        2.3,
        "每一行 =\n一个词对所有\n词的注意力\n（和为 1）",
        11,
        ha="left",
        color=style.MUTED,
        linespacing=1.3,
    )


def self_attention_video(job: Job) -> None:
    """encoder_self_attention.mp4 (and encoder_self_attention.json, the weights drawn)."""
    p = job.params
    hub_id = job.model(job.target.models[0])
    tokenizer, model = encoder.load(hub_id)
    tokens, weights = attention(tokenizer, model, p["sentence"], p["layer"])
    fps = p["fps"]
    per_token, at_end = round(p["seconds_per_token"] * fps), round(p["seconds_matrix"] * fps)
    frames = len(tokens) * per_token + at_end
    fig, ax = canvas(6.0, 4.0)
    fig.set_dpi(120)
    ys = list(np.linspace(3.2, 0.22, len(tokens)))

    def draw(i: int) -> None:
        if i % per_token and i < len(tokens) * per_token or i > len(tokens) * per_token:
            return  # same picture as the frame before
        ax.clear()
        ax.set_xlim(0, 6.0)
        ax.set_ylim(0, 4.0)
        ax.set_axis_off()
        text(ax, 0.12, 3.78, "自注意力：每个词都关注句中所有的词", 14, ha="left", weight="bold")
        text(
            ax,
            0.12,
            3.5,
            f"{hub_id.split('/')[-1]} · 第 {p['layer']} 层 · "
            f"{model.config.num_attention_heads} 个头的平均（真实权重）",
            10,
            ha="left",
            color=style.MUTED,
        )
        if i < len(tokens) * per_token:
            _row(ax, tokens, weights, i // per_token, ys)
        else:
            _matrix(ax, tokens, weights)

    video.record(fig, job.output("encoder_self_attention.mp4"), fps, frames, draw)
    plt.close(fig)
    record = {
        "model": hub_id,
        "revision": models.require(hub_id).revision,
        "sentence": p["sentence"],
        "layer": p["layer"],
        "tokens": tokens,
        "weights": np.round(weights, 6).tolist(),
        "fps": fps,
        "frames_per_token": per_token,
        "frames": frames,
    }
    job.output("encoder_self_attention.json").write_text(
        json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
