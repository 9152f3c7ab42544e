"""The eight frames of ``attention-steps``: each draws one step of a head's computation
(:class:`~.attention_head.Steps`) as matrices of its real numbers, with the operators
between them, a title, notes that work one number through, and a ribbon of the steps
along the bottom with the current one lit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from nlpdeck.figures import style
from nlpdeck.figures.matrices import Part, cut, row

from .attention_head import Steps

SCALED = r"$S / \sqrt{d}$"
WIDE = 8  # dimensions of X shown in the first frame, which has room
RIBBON = ("输入 $X$", "$Q$", "$K$", "$V$", r"$QK^\top$", r"$\div\sqrt{d}$", "softmax", "输出 $Z$")

# Frames are drawn in "cell units" (see nlpdeck.figures.matrices): a 10 x 4.4 inch figure
# is 20 x 8.8 units (full slide width, and no taller than the slide has room for under
# its title).
SIZE = (10.0, 4.4)
WIDTH, HEIGHT = 20.0, 8.8
TOP, NOTE = 6.0, 2.35  # centre of the first matrix row; first line of the notes
TITLE, SUBTITLE, RIBBON_Y = 8.2, 7.5, 0.45


def frame_input(ax: Any, s: Steps, shown: int) -> None:
    n, hidden = s.x.shape
    where = "词嵌入（词 + 位置 + 句段，再归一化）" if s.layer == 0 else f"第 {s.layer - 1} 层的输出"
    _title(ax, "第 1 步 · 输入：每个词一个向量", f"$X$ 是第 {s.layer} 层的输入 = {where}")
    _row(ax, [cut(s.x, WIDE, "$X$", f"{n} × {hidden}", rows=s.tokens)])
    _notes(
        ax,
        [
            f"{n} 个词元（含句首 [CLS]、句尾 [SEP]），每个词元一行",
            f"每行 {hidden} 个数，这里只显示前 {WIDE} 个；后面各步只显示前 {shown} 个",
        ],
    )


MEANING = {
    "q": ("查询 (query)", "这个词要“寻找”什么样的信息"),
    "k": ("键 (key)", "这个词能“提供”什么样的信息，用来和查询配对"),
    "v": ("值 (value)", "这个词被关注时，真正传递出去的内容"),
}


def frame_projection(ax: Any, s: Steps, shown: int, name: str) -> None:
    big = name.upper()
    number = {"q": 2, "k": 3, "v": 4}[name]
    meaning, role = MEANING[name]
    n, hidden = s.x.shape
    _title(
        ax,
        f"第 {number} 步 · {meaning}：${big} = XW_{big} + b_{big}$",
        f"第 {s.head} 个头只用权重矩阵中属于它的 {s.d} 列（全部 {hidden} 列 = 12 个头 × {s.d}）",
    )
    _row(
        ax,
        [
            cut(s.x, shown, "$X$", f"{n} × {hidden}", rows=s.tokens),
            r"$\cdot$",
            cut(s.w[name], shown, f"$W_{big}$", f"{hidden} × {s.d}", cut_rows=shown),
            "+",
            cut(s.b[name][None, :], shown, f"$b_{big}$", f"{s.d}"),
            "=",
            cut(s.qkv[name], shown, f"${big}$", f"{n} × {s.d}", result=True),
        ],
    )
    trained = "权重 $W$ 和偏置 $b$ 都是训练得到的参数"
    if name == "k":  # a key bias adds q·b_K to a whole row of scores: softmax ignores it
        trained = (
            f"$b_K$ 的 {s.d} 个数都几乎为 0（最大绝对值 {np.abs(s.b['k']).max():.4f}）："
            "它给同一行的分数加同一个数，softmax 后没有作用"
        )
    _notes(ax, [f"${big}$ 的每一行：{role}", trained])


def frame_scores(ax: Any, s: Steps, shown: int) -> None:
    n = len(s.tokens)
    _title(
        ax,
        r"第 5 步 · 打分：$S = QK^\top$",
        "每个词的查询向量与每个词的键向量做点积：分数越高，越“相关”",
    )
    _row(
        ax,
        [
            cut(s.qkv["q"], shown, "$Q$", f"{n} × {s.d}", rows=s.tokens),
            r"$\cdot$",
            cut(s.qkv["k"].T, n, r"$K^\top$", f"{s.d} × {n}", cols=s.tokens, cut_rows=shown),
            "=",
            cut(s.scores, n, "$S$", f"{n} × {n}", cols=s.tokens, result=True),
        ],
    )
    a, b = s.tokens[1], s.tokens[2]
    _notes(ax, [f"例：{a} 的 $q$ 与 {b} 的 $k$ 对应相乘、{s.d} 项相加 = {s.scores[1, 2]:.2f}"])


def frame_scaled(ax: Any, s: Steps, shown: int) -> None:
    n = len(s.tokens)
    root = s.d**0.5
    _title(
        ax,
        rf"第 6 步 · 缩放：$S / \sqrt{{d}}$，$d = {s.d}$ 是每个头的维数",
        rf"$\sqrt{{{s.d}}} \approx {root:.2f}$：维数越大点积越大；"
        "缩小后 softmax 不会只盯住一个词",
    )
    _row(
        ax,
        [
            cut(s.scores, n, "$S$", f"{n} × {n}", rows=s.tokens, cols=s.tokens),
            (rf"$\div\ {root:.2f}$", 2.2),
            cut(s.scaled, n, SCALED, f"{n} × {n}", cols=s.tokens, result=True),
        ],
    )
    _notes(ax, [f"例：{s.scores[1, 2]:.2f} ÷ {root:.2f} = {s.scaled[1, 2]:.2f}"])


def frame_softmax(ax: Any, s: Steps, shown: int) -> None:
    n = len(s.tokens)
    _title(
        ax,
        "第 7 步 · softmax：每一行变成和为 1 的注意力权重",
        r"$a_{ij} = \exp(s_{ij}) \,/\, \Sigma_k \exp(s_{ik})$；与模型自己输出的注意力权重一致",
    )
    sums = s.weights.sum(axis=1, keepdims=True)
    _row(
        ax,
        [
            cut(s.scaled, n, SCALED, f"{n} × {n}", rows=s.tokens, cols=s.tokens),
            ("softmax →", 2.4),
            cut(s.weights, n, "$A$ 注意力权重", f"{n} × {n}", cols=s.tokens, result=True),
            ("", 0.3),
            cut(sums, 1, "行和", "", kind="plain"),
        ],
    )
    row = ", ".join(f"{t} {w:.2f}" for t, w in zip(s.tokens, s.weights[1], strict=True))
    _notes(ax, [f"例：{s.tokens[1]} 把注意力分给 {row}"])


def frame_output(ax: Any, s: Steps, shown: int) -> None:
    n = len(s.tokens)
    _title(
        ax,
        "第 8 步 · 输出：$Z = AV$，按注意力权重把值向量加起来",
        f"每个词的新向量融合了它关注的词；12 个头的 $Z$ 拼成 {n} × {12 * s.d}，再进入下一步",
    )
    _row(
        ax,
        [
            cut(s.weights, n, "$A$", f"{n} × {n}", rows=s.tokens, cols=s.tokens),
            r"$\cdot$",
            cut(s.qkv["v"], shown, "$V$", f"{n} × {s.d}"),
            "=",
            cut(s.output, shown, "$Z$ 这个头的输出", f"{n} × {s.d}", result=True),
        ],
    )
    terms = " + ".join(
        f"{w:.2f}" + r"\,v_{\mathrm{" + t.replace("[", "").replace("]", "") + "}}"
        for t, w in zip(s.tokens, s.weights[1], strict=True)
    )
    word = s.tokens[1]
    _notes(ax, [f"例：$z_{{\\mathrm{{{word}}}}} = {terms}$"])


# --- what every frame shares ---------------------------------------------------------


def _row(ax: Any, parts: list[Part]) -> None:
    """Matrices and operators centred across the frame, at the first matrix row's height."""
    row(ax, parts, WIDTH, TOP)


DRAWERS: tuple[Callable[[Any, Steps, int], None], ...] = (
    frame_input,
    *(partial(frame_projection, name=k) for k in "qkv"),
    frame_scores,
    frame_scaled,
    frame_softmax,
    frame_output,
)
"""The frame drawers in step order: ``frame(ax, steps, shown)``."""


def canvas(s: Steps, number: int) -> tuple[Any, Any]:
    """A frame in cell units, with the step ribbon along the bottom."""
    fig, ax = style.figure(SIZE, layout=None)
    ax.set_position((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(0, HEIGHT)
    ax.axis("off")
    x = 0.6
    for i, label in enumerate(RIBBON, start=1):
        current = i == number
        text = ax.text(
            x,
            RIBBON_Y,
            label,
            ha="left",
            va="center",
            fontsize=12,
            color="white" if current else style.MUTED,
            fontweight="bold" if current else "normal",
            bbox={"boxstyle": "round,pad=0.35", "fc": style.PALETTE[0], "ec": "none"}
            if current
            else None,
        )
        box = text.get_window_extent().transformed(ax.transData.inverted())
        x = box.x1 + 0.35
        if i < len(RIBBON):
            ax.text(x, RIBBON_Y, "→", ha="left", va="center", fontsize=11, color=style.MUTED)
            x += 0.75
    ax.text(
        WIDTH - 0.5,
        TITLE,
        f"第 {s.layer} 层 · 第 {s.head} 个头",
        ha="right",
        va="center",
        fontsize=12,
        color=style.MUTED,
    )
    return fig, ax


def _title(ax: Any, title: str, subtitle: str) -> None:
    ax.text(0.6, TITLE, title, ha="left", va="center", fontsize=18, fontweight="bold")
    ax.text(0.6, SUBTITLE, subtitle, ha="left", va="center", fontsize=12, color=style.MUTED)


def _notes(ax: Any, lines: list[str]) -> None:
    for i, line in enumerate(lines):
        ax.text(WIDTH / 2, NOTE - 0.65 * i, line, ha="center", va="center", fontsize=13)
