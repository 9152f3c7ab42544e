"""Static versus contextual word vectors: the figures of the slides "BERT的直观理解".

A static vector is one row of the encoder's input embedding table, so "bank" gets the
same vector in every sentence, whatever it means there. A contextual vector is the
encoder's hidden state at that token, so it depends on the whole sentence. The numbers
are pure functions of (tokenizer, model, sentences); the drawing functions only draw
them, and the tests recompute them.

    >>> from part2.figures import embeddings, encoder
    >>> found = embeddings.read_senses(Path(embeddings.SENSES_FILE))  # doctest: +SKIP
    >>> tok, model = encoder.load("sentence-transformers/all-MiniLM-L6-v2")  # doctest: +SKIP
    >>> vectors = embeddings.word_vectors(tok, model, found, "bank")  # doctest: +SKIP
    >>> embeddings.summary(vectors)["separation_by_layer"]  # doctest: +SKIP
    [0.0038, 0.0366, 0.0609, 0.0737, 0.0736, 0.0591, 0.0765]
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nlpdeck.figures.target import Job

SENSES_FILE = "figures/data/senses.tsv"  # from the deck's folder
COLUMNS = ("word", "sense", "sentence")
COLUMN = (6.0, 5.4)  # inches: one column of the two-column context slide, at its height
MARKERS = ("o", "s", "^", "D")  # shape as well as colour tells the senses apart


@dataclass(frozen=True)
class Occurrence:
    """One sentence using ``word`` in ``sense``, with its place in the data file."""

    word: str
    sense: str
    sentence: str
    path: Path
    line: int


def read_senses(path: Path) -> list[Occurrence]:
    """The rows of a ``word<TAB>sense<TAB>sentence`` file; ``#`` lines are comments."""
    found = []
    header_seen = False
    for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip() or text.startswith("#"):
            continue
        cells = tuple(c.strip() for c in text.split("\t"))
        if not header_seen:
            if cells != COLUMNS:
                raise ValueError(f"{path}:{line}: the header must be {' TAB '.join(COLUMNS)}")
            header_seen = True
        elif len(cells) != len(COLUMNS) or not all(cells):
            raise ValueError(f"{path}:{line}: expected 3 tab-separated cells, got {text!r}")
        else:
            word, sense, sentence = cells
            found.append(Occurrence(word, sense, sentence, path, line))
    return found


def of_word(occurrences: Sequence[Occurrence], word: str) -> list[Occurrence]:
    """The occurrences of ``word``, grouped by sense in the order senses first appear."""
    mine = [o for o in occurrences if o.word == word]
    if not mine:
        raise ValueError(f"no sentences for {word!r} in {SENSES_FILE}")
    order = list(dict.fromkeys(o.sense for o in mine))
    return sorted(mine, key=lambda o: order.index(o.sense))


def token_index(tokenizer: Any, occurrence: Occurrence) -> int:
    """Position of the word's one WordPiece token in the encoded sentence."""
    word, where = occurrence.word, f"{occurrence.path}:{occurrence.line}"
    pieces = tokenizer.tokenize(word)
    if pieces != [word]:
        raise ValueError(f"{where}: {word!r} is not one WordPiece token but {pieces}")
    ids = tokenizer(occurrence.sentence)["input_ids"]
    hits = [i for i, t in enumerate(ids) if t == tokenizer.convert_tokens_to_ids(word)]
    if len(hits) != 1:
        raise ValueError(f"{where}: {word!r} must occur once as a token, found {len(hits)}")
    return hits[0]


def static_vectors(tokenizer: Any, model: Any, occurrences: Sequence[Occurrence]) -> np.ndarray:
    """The input embedding row of each occurrence's token, ``(n, hidden)``: what a static
    model such as Word2Vec gives, a look-up of the word that never sees the sentence."""
    table = model.embeddings.word_embeddings.weight.detach().numpy()
    rows = []
    for o in occurrences:
        ids = tokenizer(o.sentence)["input_ids"]
        rows.append(table[ids[token_index(tokenizer, o)]])
    return np.stack(rows)


def hidden_states(tokenizer: Any, model: Any, occurrences: Sequence[Occurrence]) -> np.ndarray:
    """The word's vector after each layer, ``(layers + 1, n, hidden)``; index 0 is the
    embedding layer's output (token + position embeddings, normalised)."""
    import torch

    positions = torch.tensor([token_index(tokenizer, o) for o in occurrences])
    batch = tokenizer([o.sentence for o in occurrences], padding=True, return_tensors="pt")
    with torch.no_grad():
        states = model(**batch, output_hidden_states=True).hidden_states
    rows = torch.arange(len(occurrences))
    return np.stack([s[rows, positions].numpy() for s in states])


def cosine_matrix(vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity between every two rows."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(unit @ unit.T)


def same_and_cross(cosines: np.ndarray, senses: Sequence[str]) -> tuple[float, float]:
    """Mean cosine over pairs with the same sense (a vector with itself left out) and
    over pairs with different senses."""
    labels = np.asarray(senses)
    same = labels[:, None] == labels[None, :]
    off_diagonal = ~np.eye(len(labels), dtype=bool)
    return float(cosines[same & off_diagonal].mean()), float(cosines[~same].mean())


def block_means(cosines: np.ndarray, senses: Sequence[str]) -> list[dict[str, Any]]:
    """Mean cosine of each (row sense, column sense) block of the heatmap, a vector with
    itself left out: the numbers written on the heatmap."""
    labels = np.asarray(senses)
    off_diagonal = ~np.eye(len(labels), dtype=bool)
    order = list(dict.fromkeys(senses))
    return [
        {
            "rows": a,
            "columns": b,
            "cosine": rounded(cosines[np.outer(labels == a, labels == b) & off_diagonal].mean()),
        }
        for a in order
        for b in order
    ]


def project(vectors: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """2-D PCA of the rows (exact SVD: the same input gives the same picture) and the
    share of variance each axis explains."""
    from sklearn.decomposition import PCA

    pca = PCA(n_components=2, svd_solver="full")
    xy = pca.fit_transform(vectors)
    return xy, [float(v) for v in pca.explained_variance_ratio_]


@dataclass(frozen=True)
class WordVectors:
    """One word's occurrences (grouped by sense) and its vectors in each of them."""

    word: str
    occurrences: list[Occurrence]
    token_id: int
    static: np.ndarray  # (n, hidden): the input embedding row, per occurrence
    states: np.ndarray  # (layers + 1, n, hidden): hidden states at the word's token

    @property
    def senses(self) -> list[str]:
        return [o.sense for o in self.occurrences]

    @property
    def last_layer(self) -> int:
        return len(self.states) - 1


def word_vectors(
    tokenizer: Any, model: Any, occurrences: Sequence[Occurrence], word: str
) -> WordVectors:
    """Static and per-layer contextual vectors of every occurrence of ``word``."""
    mine = of_word(occurrences, word)
    return WordVectors(
        word=word,
        occurrences=mine,
        token_id=int(tokenizer.convert_tokens_to_ids(word)),
        static=static_vectors(tokenizer, model, mine),
        states=hidden_states(tokenizer, model, mine),
    )


def summary(vectors: WordVectors) -> dict[str, Any]:
    """The numbers the figures show for one word, as ``contextual_embeddings.json`` holds
    them: per layer, the mean same-sense and cross-sense cosine and their difference (the
    separation); at the last layer also the heatmap's block means and the PCA's shares."""
    senses = vectors.senses
    layers = [same_and_cross(cosine_matrix(h), senses) for h in vectors.states]
    same, cross = layers[-1]
    return {
        "senses": {s: senses.count(s) for s in dict.fromkeys(senses)},
        "token_id": vectors.token_id,
        "static_vectors_identical": bool((vectors.static == vectors.static[0]).all()),
        "same_sense_cosine_by_layer": [rounded(s) for s, _ in layers],
        "cross_sense_cosine_by_layer": [rounded(c) for _, c in layers],
        "separation_by_layer": [rounded(s - c) for s, c in layers],
        "last_layer": {
            "layer": vectors.last_layer,
            "same_sense_cosine": rounded(same),
            "cross_sense_cosine": rounded(cross),
            "separation": rounded(same - cross),
            "block_means": block_means(cosine_matrix(vectors.states[-1]), senses),
            "pca_explained_variance": [rounded(v) for v in project(vectors.states[-1])[1]],
        },
    }


def rounded(x: float) -> float:
    """As stored in JSON: 4 decimals, far finer than any figure shows."""
    return round(float(x), 4)


# ---------------------------------------------------------------------------- drawing


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
