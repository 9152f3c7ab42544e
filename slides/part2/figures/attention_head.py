"""One head's self-attention recomputed by hand from the layer's input and its weights,
every intermediate kept: what the ``attention-steps`` frames show.

    >>> hub_id = "sentence-transformers/all-MiniLM-L6-v2"
    >>> steps = compute(hub_id, "Thinking machines", layer=0, head=0)  # doctest: +SKIP
    >>> steps.weights.sum(axis=1)                                      # doctest: +SKIP
    array([1., 1., 1., 1.], dtype=float32)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nlpdeck.figures import encoder


@dataclass(frozen=True)
class Steps:
    """Every intermediate of one head's self-attention on one sentence."""

    tokens: list[str]
    layer: int
    head: int
    x: np.ndarray  # (n, hidden) the layer's input hidden states
    w: dict[str, np.ndarray]  # "q"/"k"/"v" -> (hidden, d) the head's slice of the weights
    b: dict[str, np.ndarray]  # "q"/"k"/"v" -> (d,) the head's slice of the biases
    qkv: dict[str, np.ndarray]  # "q"/"k"/"v" -> (n, d)
    scores: np.ndarray  # (n, n) Q·Kᵀ
    scaled: np.ndarray  # (n, n) Q·Kᵀ / √d
    weights: np.ndarray  # (n, n) softmax over each row
    output: np.ndarray  # (n, d) weights · V

    @property
    def d(self) -> int:
        return int(self.qkv["q"].shape[1])


def layer_maps(hub_id: str, text: str, layer: int) -> np.ndarray:
    """The model's own attention weights of every head of ``layer``: ``(heads, n, n)``."""
    import torch

    tokenizer, model = encoder.load(hub_id)
    with torch.no_grad():
        out = model(**tokenizer(text, return_tensors="pt"), output_attentions=True)
    return np.asarray(out.attentions[layer][0].numpy())


def spread_head(maps: np.ndarray) -> int:
    """The head whose attention is most spread out: highest mean entropy of its rows.

    A head that puts nearly all weight on one token makes the weighted sum of V look
    like a copy; the most spread head shows the mixing the frames explain.
    """
    entropy = -(maps * np.log(np.clip(maps, 1e-12, None))).sum(axis=-1).mean(axis=-1)
    return int(np.argmax(entropy))


def compute(hub_id: str, text: str, layer: int, head: int) -> Steps:
    """Recompute one head by hand from the layer's input and its weights."""
    import torch

    tokenizer, model = encoder.load(hub_id)
    batch = tokenizer(text, return_tensors="pt")
    with torch.no_grad():
        x = model(**batch, output_hidden_states=True).hidden_states[layer][0]
        attention = model.encoder.layer[layer].attention.self
        d = attention.attention_head_size
        cols = slice(head * d, (head + 1) * d)
        w, b, qkv = {}, {}, {}
        for name in "qkv":
            linear = getattr(attention, {"q": "query", "k": "key", "v": "value"}[name])
            w[name] = linear.weight[cols].T.detach()
            b[name] = linear.bias[cols].detach()
            qkv[name] = x @ w[name] + b[name]
        scores = qkv["q"] @ qkv["k"].T
        scaled = scores / d**0.5
        weights = torch.softmax(scaled, dim=-1)
        output = weights @ qkv["v"]
    return Steps(
        tokens=tokenizer.convert_ids_to_tokens(batch["input_ids"][0].tolist()),
        layer=layer,
        head=head,
        x=x.numpy(),
        w={k: v.numpy() for k, v in w.items()},
        b={k: v.numpy() for k, v in b.items()},
        qkv={k: v.numpy() for k, v in qkv.items()},
        scores=scores.numpy(),
        scaled=scaled.numpy(),
        weights=weights.numpy(),
        output=output.numpy(),
    )
