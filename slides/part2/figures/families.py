"""Encoder, decoder and the families grown from them: which words one word may attend
to in each (both ways in BERT, only leftwards in GPT), and the three families of models
since the 2017 Transformer.

    >>> from part2.figures import families
    >>> families.families(job)    # doctest: +SKIP   writes transformer_bert_gpt.png
"""

from __future__ import annotations

from matplotlib.axes import Axes

from nlpdeck.figures import style
from nlpdeck.figures.diagram import BLUE, GREEN, ORANGE, PURPLE, arrow, box, canvas, text, tint
from nlpdeck.figures.target import Job


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
