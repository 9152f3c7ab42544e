"""Which attention head tells the two "it" sentences apart, drawn as weighted lines.

"The animal didn't cross the street because it was too tired." and "... too wide."
differ in one word, which decides what "it" refers to. For every (layer, head) of the
encoder we take the weight from "it" to "animal" minus the weight to "street", and pick
the head where that difference changes most between the two sentences; the figure
shows that head's attention from "it" to every token of both sentences, weights printed.

    >>> hub_id = "sentence-transformers/all-MiniLM-L6-v2"
    >>> tokens, maps = attention_maps(hub_id, "it was")       # doctest: +SKIP
    >>> maps.shape  # layers, heads, query token, key token   # doctest: +SKIP
    (6, 12, 4, 4)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from nlpdeck.figures import encoder, style
from nlpdeck.figures.target import Job

PNG = "transformer_self-attention_visualization.png"
JSON = "transformer_self-attention_visualization.json"
CRITERION = (
    "argmax over (layer, head) of |d(sentence 1) - d(sentence 2)|, "
    "d = attention(query -> first contrast token) - attention(query -> second contrast token)"
)


def attention_maps(hub_id: str, text: str) -> tuple[list[str], np.ndarray]:
    """WordPiece tokens of ``text`` and every head's attention, ``(layers, heads, n, n)``."""
    import torch

    tokenizer, model = encoder.load(hub_id)
    batch = tokenizer(text, return_tensors="pt")
    with torch.no_grad():
        out = model(**batch, output_attentions=True)
    tokens = tokenizer.convert_ids_to_tokens(batch["input_ids"][0].tolist())
    return tokens, torch.stack([a[0] for a in out.attentions]).numpy()


def head_change(maps: Sequence[np.ndarray], query: int, first: int, second: int) -> np.ndarray:
    """Per (layer, head): how much ``query -> first`` minus ``query -> second`` changes
    from the first sentence to the second (same token positions in both)."""
    a, b = (m[:, :, query, first] - m[:, :, query, second] for m in maps)
    return np.asarray(a - b)


def chosen_head(change: np.ndarray) -> tuple[int, int]:
    """The (layer, head) with the largest absolute change: the stated criterion."""
    layer, head = np.unravel_index(int(np.argmax(np.abs(change))), change.shape)
    return int(layer), int(head)


def compute(hub_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """The numbers the figure draws, as written to its JSON."""
    sentences = []
    maps = []
    for text in params["sentences"]:
        tokens, found = attention_maps(hub_id, text)
        sentences.append({"text": text, "tokens": tokens})
        maps.append(found)
    tokens = sentences[0]["tokens"]
    query = tokens.index(params["query"])
    first, second = (tokens.index(t) for t in params["contrast"])
    if any(s["tokens"][i] != tokens[i] for s in sentences for i in (query, first, second)):
        raise ValueError("the sentences must have the query and contrast tokens at the same places")
    change = head_change(maps, query, first, second)
    layer, head = chosen_head(change)
    for sentence, found in zip(sentences, maps, strict=True):
        sentence["weights"] = found[layer, head, query].tolist()
    return {
        "model": hub_id,
        "criterion": CRITERION,
        "numbering": "layers and heads counted from 0, as bertviz does",
        "query": query,
        "contrast": [first, second],
        "layer": layer,
        "head": head,
        "change": change.tolist(),
        "sentences": sentences,
    }


def draw_it(job: Job) -> None:
    """Target ``attention-it``: the figure and the JSON of the weights it draws."""
    found = compute(job.model(job.target.models[0]), dict(job.params))
    job.output(JSON).write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n")
    style.save(it_figure(found), job.output(PNG))


def it_figure(found: dict[str, Any]) -> Any:
    """Both sentences side by side: lines from the query token to every token."""
    fig, axes = style.figure((6.4, 5.0), ncols=2)
    layer, head = found["layer"], found["head"]
    first, second = found["contrast"]
    for ax, sentence in zip(axes, found["sentences"], strict=True):
        _lines(ax, sentence["tokens"], found["query"], sentence["weights"], (first, second))
        ax.set_title("… " + " ".join(sentence["text"].split()[-4:]), fontsize=13, pad=2)
    fig.suptitle(f"第 {layer} 层 · 第 {head} 个头（从 0 编号）", fontsize=14)
    words = [found["sentences"][0]["tokens"][i] for i in (first, second)]
    change = found["change"][layer][head]
    fig.text(
        0.5,
        0.005,
        f"选头标准：72 个头中，“it→{words[0]}” 减 “it→{words[1]}”\n"
        f"在两句之间变化最大的头（{change:+.2f}）",
        ha="center",
        va="bottom",
        fontsize=10.5,
        color=style.MUTED,
        linespacing=1.3,
    )
    fig.set_layout_engine("constrained", rect=(0, 0.09, 1, 0.91))  # room for the notes
    return fig


def _lines(
    ax: Any, tokens: list[str], query: int, weights: list[float], contrast: tuple[int, int]
) -> None:
    """Tokens in two columns; a line from the query token (left) to each token (right),
    as thick and dark as its weight, with the weight printed beside the token."""
    colours = {contrast[0]: style.PALETTE[1], contrast[1]: style.PALETTE[2]}
    n = len(tokens)
    for i, (token, weight) in enumerate(zip(tokens, weights, strict=True)):
        y = n - 1 - i
        query_font = {"color": style.PALETTE[0], "fontweight": "bold"}
        left = query_font if i == query else {"color": style.MUTED}
        ax.text(0, y, token, ha="right", va="center", fontsize=12, **left)
        right = {"color": colours.get(i, style.INK), "fontweight": "bold" if i in colours else None}
        ax.text(1, y, token, ha="left", va="center", fontsize=12, **right)
        ax.text(2.3, y, f"{weight:.2f}", ha="right", va="center", fontsize=12, **right)
        ax.plot(
            [0.08, 0.92],
            [n - 1 - query, y],
            color=colours.get(i, style.PALETTE[0]),
            linewidth=0.4 + 8 * weight,
            alpha=0.25 + 0.75 * min(1.0, 1.5 * weight),
            solid_capstyle="round",
        )
    ax.text(2.3, n - 0.1, "权重", ha="right", va="bottom", fontsize=10, color=style.MUTED)
    ax.set_xlim(-0.85, 2.5)
    ax.set_ylim(-0.6, n + 0.2)
    ax.axis("off")
