"""Block diagrams of the Transformer slides: the architecture, encoder and decoder,
the three model families, the general attention scheme, transfer learning.

These are drawings of how the models are wired (Vaswani et al. 2017, "Attention Is All
You Need"; Devlin et al. 2019, BERT), not measurements: their only inputs are this
code and the params declared in ``targets.py``.

    >>> from part2.figures import architecture
    >>> architecture.transformer(job)    # doctest: +SKIP   writes transformer.png
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch

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


def _tokens(
    ax: Axes, xs: list[float], y: float, words: list[str], size: float = 13, color: str = style.INK
) -> None:
    for x, word in zip(xs, words, strict=True):
        text(ax, x, y, word, size, color=color)


def _vector(ax: Axes, x: float, y: float, color: str, cells: int = 4, cell: float = 0.13) -> None:
    """A small column of cells standing for one vector."""
    for i in range(cells):
        box(
            ax,
            x,
            y + (i - (cells - 1) / 2) * cell,
            cell * 1.4,
            cell,
            color=color,
            fill=tint(color, 0.25 + 0.5 * ((i * 37) % 5) / 4),
            radius=0.01,
            lw=0.9,
        )


def encoder_decoder_blocks(job: Job) -> None:
    """encoder-and-decoder-transformers-blocks.png: an encoder turns the input into one
    contextual vector per token; a decoder reads them and writes the output word by word."""
    source, target = job.params["source"], job.params["target"]
    fig, ax = canvas(5.0, 4.3)
    ex, dx, by = 1.25, 3.75, 1.75
    xs_in = [ex + (i - (len(source) - 1) / 2) * 0.62 for i in range(len(source))]
    xs_out = [dx + (i - (len(target) - 1) / 2) * 0.62 for i in range(len(target))]
    box(ax, ex, by, 2.1, 0.85, "编码器", "Encoder", color=BLUE, size=16, weight="bold")
    box(ax, dx, by, 2.1, 0.85, "解码器", "Decoder", color=ORANGE, size=16, weight="bold")
    # input words up into the encoder; one vector per word out of it
    _tokens(ax, xs_in, 0.35, source, 15)
    for x in xs_in:
        arrow(ax, (x, 0.55), (x, by - 0.43), head=8)
        arrow(ax, (x, by + 0.43), (x, 2.65), head=8)
        _vector(ax, x, 2.93, BLUE)
    text(ax, ex, 3.62, "每个词的上下文表示", 12, color=BLUE)
    text(ax, ex, 3.38, "contextual representations", 9.5, color=style.MUTED)
    # the representations go to the decoder
    path(
        ax,
        [(xs_in[-1] + 0.2, 2.93), (2.5, 2.93), (2.5, by + 0.2), (dx - 1.05, by + 0.2)],
        color=PURPLE,
        lw=2.0,
        head=12,
    )
    # the decoder reads what it has written so far and writes the next word
    shifted = ["<s>", *target[:-1]]
    _tokens(ax, xs_out, 0.35, shifted, 14, color=style.MUTED)
    for x in xs_out:
        arrow(ax, (x, 0.55), (x, by - 0.43), head=8)
        arrow(ax, (x, by + 0.43), (x, 2.75), head=8)
    _tokens(ax, xs_out, 2.95, target, 15, color=ORANGE)
    text(ax, dx, 3.62, "逐词生成输出", 12, color=ORANGE)
    text(ax, dx, 3.38, "generated word by word", 9.5, color=style.MUTED)
    text(ax, ex, 0.08, "输入序列", 10, color=style.MUTED)
    text(ax, dx, 0.08, "已生成的词（右移一位）", 10, color=style.MUTED)
    text(ax, 2.5, 4.08, "序列到序列 Seq2Seq", 14, weight="bold")
    style.save(fig, job.output("encoder-and-decoder-transformers-blocks.png"))


def _visibility(
    ax: Axes, y: float, words: list[str], focus: int, causal: bool, color: str
) -> list[float]:
    """One sentence with arcs from ``words[focus]`` to every word it attends to: all of
    them in an encoder, only itself and those to its left in a decoder (causal mask)."""
    step = 4.9 / len(words)
    xs = [0.35 + step * (i + 0.5) for i in range(len(words))]
    for i, (x, word) in enumerate(zip(xs, words, strict=True)):
        hidden = causal and i > focus
        box(
            ax,
            x,
            y,
            step - 0.1,
            0.4,
            word,
            color=style.MUTED if hidden else color,
            fill="white" if hidden else tint(color, 0.45 if i == focus else 0.15),
            size=13,
            weight="bold" if i == focus else "normal",
            lw=1.8 if i == focus else 1.0,
        )
        if hidden:
            text(ax, x, y - 0.36, "看不到", 9.5, color=style.MUTED)
        elif i != focus:
            rad = -0.45 if i > focus else 0.45
            arrow(ax, (xs[focus], y + 0.22), (x, y + 0.22), color=color, lw=1.3, head=8, rad=rad)
    return xs


def encoder_vs_decoder(job: Job) -> None:
    """enc_dec-min.png: which words one word can attend to. An encoder (BERT) looks both
    ways and outputs a contextual vector per word; a decoder (GPT) looks only left,
    which lets it be trained to predict the next word."""
    words, focus = job.params["words"], job.params["focus"]
    fig, ax = canvas(5.6, 4.4)
    text(ax, 0.3, 4.18, "编码器 Encoder（如 BERT）：双向", 14, ha="left", weight="bold", color=BLUE)
    xs = _visibility(ax, 3.05, words, focus, causal=False, color=BLUE)
    for x in xs:
        arrow(ax, (x, 2.83), (x, 2.62), head=7)
    text(ax, 2.8, 2.42, "输出：每个词的上下文表示", 12, color=BLUE)
    text(
        ax,
        0.3,
        1.9,
        "解码器 Decoder（如 GPT）：只看左边",
        14,
        ha="left",
        weight="bold",
        color=ORANGE,
    )
    xs = _visibility(ax, 0.8, words, focus, causal=True, color=ORANGE)
    arrow(ax, (xs[focus], 0.58), (xs[focus], 0.38), head=7)
    box(
        ax,
        (xs[0] + xs[focus]) / 2 + 0.1,
        0.2,
        1.95,
        0.32,
        f"预测下一个词：{words[focus + 1]}",
        color=GREEN,
        size=11,
    )
    style.save(fig, job.output("enc_dec-min.png"))


def _blocks(ax: Axes, x: float, y: float, kinds: str) -> None:
    """A tiny stack icon: ``E`` encoder blocks, ``D`` decoder blocks, side by side."""
    colors = {"E": BLUE, "D": ORANGE}
    offset = (len(kinds) - 1) / 2
    for j, kind in enumerate(kinds):
        for i in range(3):
            box(
                ax,
                x + (j - offset) * 0.5,
                y + i * 0.17,
                0.42,
                0.13,
                color=colors[kind],
                fill=tint(colors[kind], 0.4),
                radius=0.02,
                lw=1.0,
            )


def families(job: Job) -> None:
    """transformer_bert_gpt.png: the three families grown from the 2017 Transformer,
    with the models the params name (and years), and what each is used for."""
    fig, ax = canvas(5.6, 4.3)
    box(
        ax,
        2.8,
        3.98,
        2.6,
        0.48,
        "Transformer（2017）",
        "编码器 + 解码器",
        color=style.INK,
        fill="#f6f8fa",
        size=13,
    )
    xs = (0.98, 2.8, 4.62)
    for x, family in zip(xs, job.params["families"], strict=True):
        color = {"E": BLUE, "D": ORANGE, "ED": PURPLE}[family["blocks"]]
        arrow(ax, (2.8, 3.73), (x, 3.25), head=9, color=style.MUTED)
        text(ax, x, 3.02, family["name"], 13, weight="bold", color=color)
        text(ax, x, 2.78, family["english"], 9.5, color=style.MUTED)
        _blocks(ax, x, 2.15, family["blocks"])
        for i, model in enumerate(family["models"]):
            text(ax, x, 1.72 - i * 0.27, model, 11.5)
        box(ax, x, 0.55, 1.62, 0.62, family["use"], color=color, size=11.5)
    style.save(fig, job.output("transformer_bert_gpt.png"))


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


def transfer_learning(job: Job) -> None:
    """bert-transfer-learning.png: pre-training on unlabelled text (masked words, next
    sentence), then the same weights fine-tuned with a small new head on labelled data."""
    p = job.params
    fig, ax = canvas(5.4, 4.7)
    text(
        ax,
        0.1,
        4.5,
        "① 预训练 Pre-training：无标注文本，自监督",
        13,
        ha="left",
        weight="bold",
        color=BLUE,
    )
    box(
        ax,
        1.2,
        3.75,
        2.1,
        0.72,
        "大规模无标注文本",
        p["corpus"],
        color=style.MUTED,
        size=12,
        fill="#f6f8fa",
    )
    arrow(ax, (2.27, 3.75), (2.9, 3.75), head=10)
    box(ax, 3.55, 3.75, 1.25, 0.72, "BERT", "学习语言知识", color=BLUE, size=15, weight="bold")
    box(ax, 2.7, 2.9, 5.0, 0.52, "", color=BLUE, fill="white", lw=0.8)
    text(ax, 0.35, 3.02, "掩码语言模型 MLM：", 11, ha="left", color=BLUE)
    text(ax, 0.35, 2.78, p["masked"], 11, ha="left")
    arrow(ax, (3.55, 3.38), (3.55, 3.17), head=7, color=BLUE)
    # the same weights are the starting point of every task
    path(ax, [(4.18, 3.75), (5.25, 3.75), (5.25, 1.45), (4.25, 1.45)], color=BLUE, lw=2.2, head=12)
    text(ax, 5.18, 2.25, "复制\n参数", 11, ha="right", color=BLUE, linespacing=1.1)
    text(
        ax,
        0.1,
        2.2,
        "② 微调 Fine-tuning：有标注的任务数据",
        13,
        ha="left",
        weight="bold",
        color=ORANGE,
    )
    box(
        ax,
        1.2,
        1.45,
        2.1,
        0.72,
        "有标注的数据",
        p["labelled"],
        color=style.MUTED,
        size=12,
        fill="#f6f8fa",
    )
    arrow(ax, (2.27, 1.45), (2.9, 1.45), head=10)
    box(ax, 3.55, 1.45, 1.25, 0.72, "BERT", "预训练参数", color=BLUE, size=15, weight="bold")
    box(ax, 3.55, 0.72, 1.6, 0.42, "分类层（新）", color=GREEN, size=11.5)
    arrow(ax, (3.55, 1.09), (3.55, 0.94), head=7)
    arrow(ax, (3.55, 0.51), (3.55, 0.36), head=7)
    text(ax, 3.55, 0.2, p["label"], 12, color=GREEN, weight="bold")
    text(
        ax,
        1.2,
        0.55,
        "预训练：一次，成本高\n微调：每个任务一次，成本低",
        10.5,
        color=style.MUTED,
        linespacing=1.4,
    )
    style.save(fig, job.output("bert-transfer-learning.png"))


def bottleneck(job: Job) -> None:
    """bottleneck-min.png: an RNN seq2seq reads the whole sentence into one vector of
    fixed length, the only thing its decoder sees (the bottleneck attention removes)."""
    source, target, size = job.params["source"], job.params["target"], job.params["size"]
    fig, ax = canvas(3.7, 4.6)
    top, step = 3.95, 0.4
    ex, dx = 0.98, 2.72
    text(ax, ex, 4.38, "编码器 RNN", 12, weight="bold", color=BLUE)
    text(ax, dx, 4.38, "解码器 RNN", 12, weight="bold", color=ORANGE)
    ys_src = [top - i * step for i in range(len(source))]
    ys_tgt = [top - i * step for i in range(len(target))]
    vy = (ys_src[0] + ys_src[-1]) / 2
    # the funnel: the whole sentence in, one vector out, the whole translation out of it
    ax.fill(
        [ex + 0.25, 1.72, 1.72, ex + 0.25],
        [ys_src[0] + 0.2, vy + 0.42, vy - 0.42, ys_src[-1] - 0.2],
        color=tint(PINK, 0.12),
        zorder=0,
    )
    ax.fill(
        [dx - 0.25, 2.0, 2.0, dx - 0.25],
        [ys_tgt[0] + 0.2, vy + 0.42, vy - 0.42, ys_tgt[-1] - 0.2],
        color=tint(PINK, 0.12),
        zorder=0,
    )
    for i, (word, y) in enumerate(zip(source, ys_src, strict=True)):
        text(ax, ex - 0.27, y, word, 11, ha="right")
        if word != "…":
            box(ax, ex, y, 0.4, 0.26, color=BLUE, fill=tint(BLUE, 0.3), radius=0.04)
        if i:
            arrow(ax, (ex, y + step - 0.13), (ex, y + 0.13), head=6)
    for i, (word, y) in enumerate(zip(target, ys_tgt, strict=True)):
        text(ax, dx + 0.27, y, word, 11, ha="left")
        if word != "…":
            box(ax, dx, y, 0.4, 0.26, color=ORANGE, fill=tint(ORANGE, 0.3), radius=0.04)
        if i:
            arrow(ax, (dx, y + step - 0.13), (dx, y + 0.13), head=6)
    cell = 0.15
    for k in range(size):  # the vector, drawn as its (few) cells
        box(
            ax,
            1.86,
            vy + (k - (size - 1) / 2) * cell,
            0.26,
            cell,
            color=PINK,
            fill=tint(PINK, 0.25 + 0.5 * ((k * 3) % size) / size),
            radius=0.01,
            lw=0.9,
        )
    path(
        ax,
        [(ex + 0.2, ys_src[-1]), (1.6, ys_src[-1]), (1.6, vy - 0.28), (1.72, vy - 0.28)],
        color=PINK,
        lw=1.6,
        head=8,
    )
    path(
        ax,
        [(2.0, vy + 0.28), (2.2, vy + 0.28), (2.2, ys_tgt[0]), (dx - 0.2, ys_tgt[0])],
        color=PINK,
        lw=1.6,
        head=8,
    )
    text(
        ax,
        1.86,
        vy - size * cell / 2 - 0.3,
        "固定长度\n的向量",
        11,
        color=PINK,
        weight="bold",
        linespacing=1.15,
    )
    text(ax, 1.85, 0.12, "整句话的信息都要挤进这一个向量", 10.5, color=style.MUTED)
    style.save(fig, job.output("bottleneck-min.png"))
