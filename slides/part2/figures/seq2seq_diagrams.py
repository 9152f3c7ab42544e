"""How a seq2seq model is wired: an encoder that reads the input into one vector per
word and a decoder that writes the output from them (Transformer), and the RNN version
whose decoder gets one fixed-length vector, the bottleneck attention removes.

    >>> from part2.figures import seq2seq_diagrams
    >>> seq2seq_diagrams.bottleneck(job)    # doctest: +SKIP   writes bottleneck-min.png
"""

from __future__ import annotations

from matplotlib.axes import Axes

from nlpdeck.figures import style
from nlpdeck.figures.diagram import BLUE, ORANGE, PINK, PURPLE, arrow, box, canvas, path, text, tint
from nlpdeck.figures.target import Job


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
