"""The Transformer's architecture as drawn on its first slide: the encoder-decoder
model of Vaswani et al. (2017, "Attention Is All You Need").

The block diagrams of the Transformer slides are drawings of how the models are wired,
not measurements: their only inputs are their code and the params declared in
``targets.py``. The others: seq2seq_diagrams.py (encoder and decoder, the bottleneck),
attention_scheme.py, families.py (encoder vs decoder, the three families),
transfer_learning.py.

    >>> from part2.figures import architecture
    >>> architecture.transformer(job)    # doctest: +SKIP   writes transformer.png
"""

from __future__ import annotations

from matplotlib.axes import Axes

from nlpdeck.figures import style
from nlpdeck.figures.diagram import (
    BLUE,
    GREEN,
    ORANGE,
    PINK,
    PURPLE,
    arrow,
    box,
    canvas,
    frame,
    path,
    plus,
    text,
    tint,
)
from nlpdeck.figures.target import Job

NORM = "#8c959f"  # Add & Norm boxes: structure, not content


def _stack(
    ax: Axes,
    x: float,
    y: float,
    layers: list[tuple[str, str, str]],
    w: float,
    gap: float,
    residual: bool = True,
) -> list[float]:
    """Sub-layer boxes bottom-up from ``y``, each followed by an Add & Norm, joined by
    arrows, with the residual path around each. Returns the centre y of every box."""
    centres = []
    below = y - gap  # where the input arrives from
    for label, sub, color in layers:
        tall, norm = 0.46, 0.28
        cy = y + tall / 2
        ny = y + tall + gap * 0.6 + norm / 2
        box(ax, x, cy, w, tall, label, sub, color=color, size=12)
        box(
            ax,
            x,
            ny,
            w,
            norm,
            "相加与归一化 Add & Norm",
            color=NORM,
            size=9.5,
            fill=tint(NORM, 0.12),
        )
        arrow(ax, (x, below), (x, y), head=8)
        arrow(ax, (x, cy + tall / 2), (x, ny - norm / 2), head=8)
        if residual:  # x + Sublayer(x): the input goes around the sub-layer too
            side = x - w / 2 - 0.1
            path(
                ax,
                [(x, below + 0.06), (side, below + 0.06), (side, ny), (x - w / 2, ny)],
                color=style.MUTED,
                lw=1.0,
                head=7,
            )
        centres += [cy, ny]
        below = ny + norm / 2
        y = below + gap
    return centres


def transformer(job: Job) -> None:
    """transformer.png: the encoder-decoder Transformer of Vaswani et al. (2017)."""
    n = job.params["layers"]
    fig, ax = canvas(5.4, 6.0)
    w, ex, dx = 1.95, 1.45, 3.95
    # inputs, embeddings, positional encoding
    ends = ((ex, "输入", "Inputs"), (dx, "输出（右移一位）", "Outputs, shifted right"))
    for x, label, sub in ends:
        text(ax, x, 0.32, label, 12)
        text(ax, x, 0.12, sub, 9, color=style.MUTED)
    for x, label in ((ex, "输入嵌入"), (dx, "输出嵌入")):
        box(ax, x, 0.8, w, 0.42, label, "Embedding", color=PINK, size=12)
        arrow(ax, (x, 0.45), (x, 0.59), head=8)
        plus(ax, x, 1.3)
        arrow(ax, (x, 1.01), (x, 1.19), head=8)
    text(ax, ex - 0.2, 1.3, "位置编码", 10, ha="right")
    text(ax, dx + 0.2, 1.3, "位置编码", 10, ha="left")
    # encoder: self-attention, feed-forward
    encoder = [
        ("多头自注意力", "Multi-Head Self-Attention", ORANGE),
        ("前馈网络", "Feed Forward", BLUE),
    ]
    ys = _stack(ax, ex, 1.72, encoder, w, 0.14)
    frame(ax, ex - w / 2 - 0.24, 1.52, ex + w / 2 + 0.1, ys[-1] + 0.3)
    text(ax, ex, ys[-1] + 0.72, "编码器 Encoder", 13, weight="bold", color=BLUE)
    text(ax, 0.1, (1.52 + ys[-1]) / 2, f"{n}×", 14, ha="left", weight="bold")
    # decoder: masked self-attention, cross-attention, feed-forward
    decoder = [
        ("掩码多头自注意力", "Masked Self-Attention", ORANGE),
        ("交叉注意力", "Cross-Attention", PURPLE),
        ("前馈网络", "Feed Forward", BLUE),
    ]
    yd = _stack(ax, dx, 1.72, decoder, w, 0.14)
    frame(ax, dx - w / 2 - 0.24, 1.52, dx + w / 2 + 0.1, yd[-1] + 0.3)
    text(
        ax,
        dx - w / 2 - 0.4,
        yd[-1] + 0.05,
        "解码器\nDecoder",
        13,
        weight="bold",
        color=BLUE,
        ha="right",
        va="bottom",
        linespacing=1.1,
    )
    text(ax, 5.3, (1.52 + yd[-1]) / 2, f"{n}×", 14, ha="right", weight="bold")
    # the encoder's output feeds every decoder layer's cross-attention (keys and values)
    top = ys[-1] + 0.14
    mid = (ex + w / 2 + dx - w / 2) / 2 + 0.05
    path(
        ax,
        [(ex, top), (ex, top + 0.4), (mid, top + 0.4), (mid, yd[2]), (dx - w / 2, yd[2])],
        color=PURPLE,
        lw=1.8,
        head=10,
    )
    # output head: linear, softmax, probabilities
    y = yd[-1] + 0.14
    for label, sub, color, h in (("线性层", "Linear", GREEN, 0.34), ("Softmax", "", GREEN, 0.3)):
        arrow(ax, (dx, y + 0.02), (dx, y + 0.2), head=8)
        box(ax, dx, y + 0.2 + h / 2, w, h, label + (" " + sub if sub else ""), color=color, size=11)
        y += 0.2 + h
    arrow(ax, (dx, y), (dx, y + 0.18), head=8)
    text(ax, dx, y + 0.3, "输出概率 Output Probabilities", 11)
    style.save(fig, job.output("transformer.png"))
