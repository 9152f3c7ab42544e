"""BERT-base, BERT-large and the deck's MiniLM side by side: layers, hidden size,
heads and parameters, counted from the models themselves.

BERT-base and BERT-large are built from their published configurations (the params of
the ``bert-sizes`` target, as released with Devlin et al. 2019) on PyTorch's meta device,
so nothing is downloaded or allocated; MiniLM's numbers come from its cached
``config.json`` and its real weights. Every count is ``sum(p.numel())`` over a
``transformers.BertModel``, split into embeddings, one encoder layer and the pooler.

    >>> from part2.figures import models_compared
    >>> models_compared.published_size({"hidden_size": 768, ...})["parameters"]  # doctest: +SKIP
    109482240
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from matplotlib.patches import FancyBboxPatch

from nlpdeck.figures import diagram, style
from nlpdeck.figures.diagram import BLUE, canvas, text
from nlpdeck.figures.target import Job

EMBEDDINGS = "#b1bac4"


def size_of(model: Any) -> dict[str, Any]:
    """Layers, hidden size, heads and parameter counts of a ``BertModel``."""
    config = model.config

    def count(module: Any) -> int:
        return int(sum(p.numel() for p in module.parameters()))

    per_layer = [count(layer) for layer in model.encoder.layer]
    pooler = count(model.pooler) if model.pooler is not None else 0
    return {
        "layers": config.num_hidden_layers,
        "hidden_size": config.hidden_size,
        "heads": config.num_attention_heads,
        "intermediate_size": config.intermediate_size,
        "vocab_size": config.vocab_size,
        "embeddings": count(model.embeddings),
        "per_layer": per_layer[0],
        "pooler": pooler,
        "parameters": count(model),
    }


def published_size(config: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`size_of` a ``BertModel`` built from a config, on the meta device."""
    import torch
    from transformers import BertConfig, BertModel

    with torch.device("meta"):
        model = BertModel(BertConfig(**config))
    return size_of(model)


def cached_size(hub_id: str) -> dict[str, Any]:
    """:func:`size_of` a cached model, loaded with its real config and weights."""
    from nlpdeck.figures import encoder

    _, model = encoder.load(hub_id)
    return size_of(model)


def sizes(job: Job) -> dict[str, dict[str, Any]]:
    """Name -> size, smallest first: the cached model, then the published configs."""
    found = {job.params["cached_name"]: cached_size(job.model(job.target.models[0]))}
    for name, config in job.params["published"].items():
        found[name] = published_size(config)
    for name, source in job.params["sources"].items():
        found[name]["source"] = source
    return found


def millions(n: int) -> str:
    return f"{n / 1e6:.1f}M"


def bert_sizes(job: Job) -> None:
    """bert-base-bert-large-encoders.png (and bert-sizes.json with the numbers drawn).

    Each model is one bar whose length is its parameter count: a grey segment for the
    embeddings, then one segment per encoder layer, so the bar grows by one equal
    segment per layer and BERT-large's is about three times BERT-base's."""
    found = sizes(job)
    biggest = max(s["parameters"] for s in found.values())
    fig, ax = canvas(5.2, 2.7)
    x0, full = 1.74, 2.5
    scale = full / biggest
    for row, (name, s) in enumerate(found.items()):
        y = 2.33 - row * 0.8
        text(ax, 0.05, y + 0.13, name, 13, ha="left", weight="bold")
        text(
            ax,
            0.05,
            y - 0.16,
            f"{s['layers']} 层 · {s['hidden_size']} 维 · {s['heads']} 头",
            10.5,
            ha="left",
            color=style.MUTED,
        )
        x = x0
        _segment(ax, x, y, s["embeddings"] * scale, EMBEDDINGS)
        x += s["embeddings"] * scale
        for _ in range(s["layers"]):
            _segment(ax, x, y, s["per_layer"] * scale, BLUE)
            x += s["per_layer"] * scale
        _segment(ax, x, y, s["pooler"] * scale, EMBEDDINGS)
        x += s["pooler"] * scale
        text(ax, x + 0.08, y + 0.09, millions(s["parameters"]), 12.5, ha="left", weight="bold")
        text(
            ax,
            x + 0.08,
            y - 0.16,
            f"每层 {millions(s['per_layer'])}",
            9.5,
            ha="left",
            color=style.MUTED,
        )
    legend_y = 0.16
    _segment(ax, 0.08, legend_y, 0.22, EMBEDDINGS, height=0.2)
    text(ax, 0.36, legend_y, "嵌入层与池化层", 10, ha="left")
    _segment(ax, 1.62, legend_y, 0.22, BLUE, height=0.2)
    text(ax, 1.9, legend_y, "编码器层（每段一层）", 10, ha="left")
    text(ax, 5.15, legend_y, "条长 = 参数量", 10, ha="right", color=style.MUTED)
    style.save(fig, job.output("bert-base-bert-large-encoders.png"))
    job.output("bert-sizes.json").write_text(
        json.dumps(found, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def _segment(ax: Any, x: float, y: float, length: float, color: str, height: float = 0.36) -> None:
    ax.add_patch(
        FancyBboxPatch(
            (x, y - height / 2),
            length,
            height,
            boxstyle="square,pad=0",
            facecolor=diagram.tint(color, 0.55),
            edgecolor=color,
            lw=0.6,
        )
    )
