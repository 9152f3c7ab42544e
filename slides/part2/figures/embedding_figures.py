"""The figures of the slides "BERT的直观理解": ``static_word.png`` (every "bank" is one
point of the input embedding table) and ``context_word1.png``/``context_word2.png`` (its
last-layer vectors move with the sentence, and separate by sense layer by layer). The
numbers are :mod:`.embeddings`'s; this module only draws them.

    >>> from part2.figures import embedding_figures
    >>> embedding_figures.model_line("org/name", 6, "what")
    '模型: name（6层BERT，英文）· what'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nlpdeck.figures.target import Job

from .embeddings import (
    SENSES_FILE,
    WordVectors,
    cosine_matrix,
    project,
    read_senses,
    summary,
    word_vectors,
)

COLUMN = (6.0, 5.4)  # inches: one column of the two-column context slide, at its height
MARKERS = ("o", "s", "^", "D")  # shape as well as colour tells the senses apart


def sense_colours(senses: Sequence[str]) -> dict[str, str]:
    """First sense blue, second orange (``style.PALETTE``), the same in every figure."""
    from nlpdeck.figures import style

    return {s: style.PALETTE[i] for i, s in enumerate(dict.fromkeys(senses))}


def model_line(hub_id: str, layers: int, what: str) -> str:
    """The small caption naming the model and what of it the figure shows."""
    return f"模型: {hub_id.split('/')[-1]}（{layers}层BERT，英文）· {what}"


def draw_static(job: Job) -> None:
    """``static_word.png``: sentences using the word in each sense, each with an arrow to
    the word's one static vector, shown among a few words of each sense (PCA)."""
    from matplotlib.patches import ConnectionPatch

    from nlpdeck.figures import encoder, labels, style

    hub_id = job.model("english-encoder")
    tokenizer, model = encoder.load(hub_id)
    word, params = job.params["word"], job.params
    found = word_vectors(tokenizer, model, read_senses(job.file(SENSES_FILE)), word)
    if not (found.static == found.static[0]).all():
        raise ValueError(f"the static vectors of {word!r} differ between sentences")
    colours = sense_colours(found.senses)
    by_sense = {s: [o for o in found.occurrences if o.sense == s] for s in colours}
    shown = [o for mine in by_sense.values() for o in mine[: params["per_sense"]]]
    neighbours = {w: sense for sense, ws in params["neighbours"].items() for w in ws}
    table = model.embeddings.word_embeddings.weight.detach().numpy()
    rows = table[[tokenizer.convert_tokens_to_ids(w) for w in neighbours]]
    xy, _ = project(np.vstack([found.static[:1], rows]))

    fig, _ = style.figure(style.HALF, layout="none")
    fig.clear()
    fig.suptitle(f"静态词向量：每个“{word}”都是同一个点", y=0.97)
    text_ax = fig.add_axes((0.03, 0.13, 0.6, 0.72))
    text_ax.set_axis_off()
    map_ax = fig.add_axes((0.69, 0.22, 0.29, 0.56), xticks=[], yticks=[])
    for spine in map_ax.spines.values():
        spine.set(visible=True, color=style.MUTED, alpha=0.4)
    map_ax.set_xlabel("静态向量的二维投影 (PCA)", fontsize=10, color=style.MUTED)
    pad = 0.25 * np.ptp(xy, axis=0)
    map_ax.set_xlim(xy[:, 0].min() - pad[0], xy[:, 0].max() + pad[0])
    map_ax.set_ylim(xy[:, 1].min() - pad[1], xy[:, 1].max() + pad[1])
    for (x, y), (other, sense) in zip(xy[1:], neighbours.items(), strict=True):
        map_ax.plot(x, y, "o", color=colours[sense], alpha=0.5, markersize=4)
        map_ax.annotate(
            other,
            (x, y),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=10,
            color=colours[sense],
        )
    point = (float(xy[0, 0]), float(xy[0, 1]))
    map_ax.plot(*point, "o", color=style.INK, markersize=11, zorder=5)
    map_ax.annotate(
        word,
        point,
        xytext=(9, 0),
        textcoords="offset points",
        ha="left",
        va="center",
        fontsize=13,
        fontweight="bold",
    )

    step = 1 / (len(shown) + 1)  # one line per sentence, one blank line between senses
    for i, o in enumerate(shown):
        y = 1 - (i + 0.5) * step - (step if o.sense != shown[0].sense else 0)
        if i == 0 or o.sense != shown[i - 1].sense:
            text_ax.text(
                0,
                y + 0.5 * step,
                o.sense,
                transform=text_ax.transAxes,
                fontsize=10,
                color=colours[o.sense],
                va="bottom",
            )
        parts = labels.trimmed(o.sentence, word, params["chars"])
        end = labels.highlighted(text_ax, 0, y - 0.1 * step, parts, colours[o.sense], 11)
        middle = text_ax.transAxes.transform((0, y))[1]
        arrow = ConnectionPatch(
            (end + 6, middle),
            point,
            coordsA="figure pixels",
            coordsB=map_ax.transData,
            arrowstyle="-|>",
            color=colours[o.sense],
            alpha=0.7,
            linewidth=1.1,
            shrinkB=7,
            mutation_scale=10,
            zorder=4,
        )
        fig.add_artist(arrow)
    caption = model_line(hub_id, model.config.num_hidden_layers, f"输入词嵌入表中“{word}”的那一行")
    fig.text(0.03, 0.04, caption, fontsize=10, color=style.MUTED)
    style.save(fig, job.output("static_word.png"))


def draw_context(job: Job) -> None:
    """``context_word1.png``: the shown word's last-layer vector in every sentence (PCA),
    by sense; ``context_word2.png``: their cosine heatmap and, per word, the separation
    after each layer; ``contextual_embeddings.json``: the numbers both show."""
    from nlpdeck.figures import encoder

    hub_id = job.model("english-encoder")
    tokenizer, model = encoder.load(hub_id)
    occurrences = read_senses(job.file(SENSES_FILE))
    found = {w: word_vectors(tokenizer, model, occurrences, w) for w in job.params["words"]}
    numbers = {w: summary(v) for w, v in found.items()}
    shown = found[job.params["shown"]]
    draw_projection(shown, hub_id, job.output("context_word1.png"))
    draw_heatmap_and_layers(shown, numbers, hub_id, job.output("context_word2.png"))
    record = {
        "model": hub_id,
        "sentences": SENSES_FILE,
        "measure": "cosine between the word's hidden states in two sentences; separation = "
        "mean same-sense cosine - mean cross-sense cosine (a vector with itself left out); "
        "layer 0 is the embedding layer's output; the figures show the last layer",
        "words": numbers,
    }
    text = json.dumps(record, indent=1, ensure_ascii=False) + "\n"
    job.output("contextual_embeddings.json").write_text(text, encoding="utf-8")


def draw_projection(vectors: WordVectors, hub_id: str, path: Path) -> None:
    """PCA of the last-layer vectors: one point per sentence, coloured and shaped by
    sense, labelled with the words around the target."""
    from matplotlib.lines import Line2D

    from nlpdeck.figures import labels, style

    word, senses = vectors.word, vectors.senses
    xy, share = project(vectors.states[-1])
    colours = sense_colours(senses)
    width, height = COLUMN
    fig, ax = style.figure(COLUMN, layout="none")
    fig.suptitle(f"上下文向量：“{word}”随句子而变", y=0.975)
    ax.set_position((0.3 / width, 0.75 / height, 5.6 / width, 3.85 / height))
    for marker, (sense, colour) in zip(MARKERS, colours.items(), strict=False):
        mine = np.asarray(senses) == sense
        ax.scatter(
            xy[mine, 0],
            xy[mine, 1],
            s=42,
            color=colour,
            marker=marker,
            zorder=3,
            edgecolor="white",
            linewidth=0.6,
        )
    pad = 0.06 * np.ptp(xy, axis=0)
    ax.set(
        xticks=[],
        yticks=[],
        xlim=(xy[:, 0].min() - pad[0], xy[:, 0].max() + pad[0]),
        ylim=(xy[:, 1].min() - pad[1], xy[:, 1].max() + pad[1]),
    )
    ax.set_xlabel(f"主成分 1（{share[0]:.0%} 方差）", fontsize=10, color=style.MUTED)
    ax.set_ylabel(f"主成分 2（{share[1]:.0%}）", fontsize=10, color=style.MUTED)
    handles = [
        Line2D([], [], linestyle="", marker=m, color=c, markersize=8, label=s)
        for m, (s, c) in zip(MARKERS, colours.items(), strict=False)
    ]
    fig.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 4.98 / height),
        ncols=len(handles),
        frameon=False,
        fontsize=12,
        handletextpad=0.3,
        columnspacing=1.5,
    )
    texts = [labels.snippet(o.sentence, word) for o in vectors.occurrences]
    labels.place_labels(ax, xy, texts, [colours[s] for s in senses], 10.5)
    what = f"第 {vectors.last_layer} 层（最后一层）的上下文向量，PCA 投影"
    fig.text(
        0.02,
        0.1 / height,
        model_line(hub_id, vectors.last_layer, what),
        fontsize=10,
        color=style.MUTED,
    )
    style.save(fig, path)


def draw_heatmap_and_layers(
    vectors: WordVectors, numbers: dict[str, dict[str, Any]], hub_id: str, path: Path
) -> None:
    """Top: last-layer cosine between every two sentences, ordered by sense, with each
    block's mean. Bottom: the separation after each layer, one line per word."""
    from nlpdeck.figures import style

    word, senses, layer = vectors.word, vectors.senses, vectors.last_layer
    colours = sense_colours(senses)
    order = list(colours)
    cosines = cosine_matrix(vectors.states[-1])
    width, height = COLUMN
    fig, heat = style.figure(COLUMN, layout="none")
    side, left, bottom = 2.25, 1.45, 2.8  # inches
    heat.set_position((left / width, bottom / height, side / width, side / height))
    low = float(cosines[~np.eye(len(cosines), dtype=bool)].min())
    image = heat.imshow(cosines, cmap=style.CMAP, vmin=low, vmax=1.0, interpolation="nearest")
    bar = fig.add_axes(((left + side + 0.12) / width, bottom / height, 0.1 / width, side / height))
    fig.colorbar(image, cax=bar)
    bar.tick_params(labelsize=9)
    edges = np.cumsum([0] + [senses.count(s) for s in order]) - 0.5
    centres = (edges[:-1] + edges[1:]) / 2
    for edge in edges[1:-1]:
        heat.axhline(edge, color="white", linewidth=2.5)
        heat.axvline(edge, color="white", linewidth=2.5)
    heat.set_xticks(centres, order, fontsize=11)
    heat.set_yticks(centres, order, fontsize=11)
    heat.tick_params(length=0)
    for label in (*heat.get_xticklabels(), *heat.get_yticklabels()):
        label.set_color(colours[label.get_text()])
    means = numbers[word]["last_layer"]["block_means"]
    for block in means:
        i, j = order.index(block["rows"]), order.index(block["columns"])
        box = {
            "boxstyle": "round,pad=0.2",
            "facecolor": "white",
            "alpha": 0.85,
            "edgecolor": "none",
        }
        heat.text(
            centres[j],
            centres[i],
            f"{block['cosine']:.2f}",
            ha="center",
            va="center",
            fontsize=11,
            fontweight="bold",
            bbox=box,
        )
    heat.set_title(f"“{word}”两两余弦相似度（第 {layer} 层）", fontsize=13, pad=6)

    curve = fig.add_axes((0.85 / width, 0.85 / height, 4.2 / width, 1.3 / height))
    others = iter(style.PALETTE[4:])
    for other, found in numbers.items():
        values = found["separation_by_layer"]
        colour = style.INK if other == word else next(others)
        curve.plot(
            range(len(values)), values, marker="o", markersize=4, color=colour, linewidth=1.8
        )
        curve.annotate(
            f"{other} {values[-1]:.3f}",
            (len(values) - 1, values[-1]),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=11,
            color=colour,
        )
    curve.axhline(0, color=style.MUTED, linewidth=0.8)
    curve.set_xticks(range(layer + 1), ["嵌入", *map(str, range(1, layer + 1))], fontsize=10)
    curve.tick_params(axis="y", labelsize=9)
    curve.set_xlabel("层", fontsize=10, labelpad=1)
    curve.set_ylabel("余弦差", fontsize=10)
    curve.set_title("各层的词义区分度：同义均值 − 异义均值", fontsize=13, pad=6)
    what = f"热图：第 {layer} 层；曲线：嵌入层至第 {layer} 层"
    fig.text(0.02, 0.1 / height, model_line(hub_id, layer, what), fontsize=10, color=style.MUTED)
    style.save(fig, path)
