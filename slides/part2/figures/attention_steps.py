"""Self-attention computed step by step with one real head, one image per step.

For a short sentence the frames show the real numbers of one head of the encoder:
the layer's input vectors X, the head's projections Q = X·W_Q + b_Q, K and V (the
head's 32 columns of the layer's query/key/value weights), the scores Q·Kᵀ, their
scaling by √d, the softmax, and the weighted sum of V: the head's output. Vectors are
cut to their first few dimensions, with their full shape written beside them.

The head is recomputed in :mod:`.attention_head`, each frame drawn in
:mod:`.attention_frames`; this module is the target: which head, the JSON of every
number drawn, and the frames' files.
"""

from __future__ import annotations

import json
from typing import Any

from nlpdeck.figures import style
from nlpdeck.figures.target import Job

from . import attention_frames
from .attention_frames import WIDE
from .attention_head import Steps, compute, layer_maps, spread_head

FRAMES = tuple(f"{i}-min.png" for i in range(1, 9))
JSON = "self-attention-steps.json"


def record(steps: Steps, hub_id: str, text: str, shown: int) -> dict[str, Any]:
    """The JSON beside the frames: every number they draw, and the full small matrices."""
    return {
        "model": hub_id,
        "text": text,
        "tokens": steps.tokens,
        "layer": steps.layer,
        "head": steps.head,
        "criterion": "head of the layer with the highest mean row entropy of its attention",
        "shape": {"x": list(steps.x.shape), "w": list(steps.w["q"].shape), "d": steps.d},
        "shown": shown,
        "x": steps.x[:, :WIDE].tolist(),
        "w": {k: v[:shown, :shown].tolist() for k, v in steps.w.items()},
        "b": {k: v[:shown].tolist() for k, v in steps.b.items()},
        "qkv": {k: v.tolist() for k, v in steps.qkv.items()},
        "scores": steps.scores.tolist(),
        "scaled": steps.scaled.tolist(),
        "weights": steps.weights.tolist(),
        "output": steps.output.tolist(),
    }


def draw(job: Job) -> None:
    """Target ``attention-steps``: eight frames and the JSON of their numbers."""
    hub_id = job.model(job.target.models[0])
    text, layer, shown = job.params["text"], job.params["layer"], job.params["shown"]
    head = spread_head(layer_maps(hub_id, text, layer))
    steps = compute(hub_id, text, layer, head)
    found = record(steps, hub_id, text, shown)
    job.output(JSON).write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n")
    frames = zip(FRAMES, attention_frames.DRAWERS, strict=True)
    for number, (name, frame) in enumerate(frames, start=1):
        fig, ax = attention_frames.canvas(steps, number)
        frame(ax, steps, shown)
        style.save(fig, job.output(name))
