"""Self-attention computed step by step with one real head, one image per step.

For a short sentence the frames show the real numbers of one head of the encoder:
the layer's input vectors X, the head's projections Q = X·W_Q + b_Q, K and V (the
head's 32 columns of the layer's query/key/value weights), the scores Q·Kᵀ, their
scaling by √d, the softmax, and the weighted sum of V: the head's output. Vectors are
cut to their first few dimensions, with their full shape written beside them.

    >>> hub_id = "sentence-transformers/all-MiniLM-L6-v2"
    >>> steps = compute(hub_id, "Thinking machines", layer=0, head=0)  # doctest: +SKIP
    >>> steps.weights.sum(axis=1)                                      # doctest: +SKIP
    array([1., 1., 1., 1.], dtype=float32)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.patches import FancyBboxPatch, Rectangle

from nlpdeck.figures import encoder, style
from nlpdeck.figures.target import Job

FRAMES = tuple(f"{i}-min.png" for i in range(1, 9))
JSON = "self-attention-steps.json"
SCALED = r"$S / \sqrt{d}$"
WIDE = 8  # dimensions of X shown in the first frame, which has room
RIBBON = ("输入 $X$", "$Q$", "$K$", "$V$", r"$QK^\top$", r"$\div\sqrt{d}$", "softmax", "输出 $Z$")

# Frames are drawn in "cell units": a 10 x 4.4 inch figure is 20 x 8.8 units (full slide
# width, and no taller than the slide has room for under its title).
SIZE = (10.0, 4.4)
WIDTH, HEIGHT = 20.0, 8.8
CELL_W, TOKEN_W, CELL_H = 1.0, 1.5, 0.7  # a number cell; a cell under a token label
DOTS_W, LABEL_W, OP_W = 0.55, 1.9, 0.7  # the "…" column; row labels; an operator
TOP, NOTE = 6.0, 2.35  # centre of the first matrix row; first line of the notes
TITLE, SUBTITLE, RIBBON_Y = 8.2, 7.5, 0.45


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
    frames: list[Callable[[Any, Steps, int], None]] = [
        frame_input,
        *(partial(frame_projection, name=k) for k in "qkv"),
        frame_scores,
        frame_scaled,
        frame_softmax,
        frame_output,
    ]
    for number, (name, frame) in enumerate(zip(FRAMES, frames, strict=True), start=1):
        fig, ax = _canvas(steps, number)
        frame(ax, steps, shown)
        style.save(fig, job.output(name))


# --- the frames ---------------------------------------------------------------------


def frame_input(ax: Any, s: Steps, shown: int) -> None:
    n, hidden = s.x.shape
    where = "词嵌入（词 + 位置 + 句段，再归一化）" if s.layer == 0 else f"第 {s.layer - 1} 层的输出"
    _title(ax, "第 1 步 · 输入：每个词一个向量", f"$X$ 是第 {s.layer} 层的输入 = {where}")
    _row(ax, [_cut(s.x, WIDE, "$X$", f"{n} × {hidden}", rows=s.tokens)])
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
            _cut(s.x, shown, "$X$", f"{n} × {hidden}", rows=s.tokens),
            r"$\cdot$",
            _cut(s.w[name], shown, f"$W_{big}$", f"{hidden} × {s.d}", cut_rows=shown),
            "+",
            _cut(s.b[name][None, :], shown, f"$b_{big}$", f"{s.d}"),
            "=",
            _cut(s.qkv[name], shown, f"${big}$", f"{n} × {s.d}", result=True),
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
            _cut(s.qkv["q"], shown, "$Q$", f"{n} × {s.d}", rows=s.tokens),
            r"$\cdot$",
            _cut(s.qkv["k"].T, n, r"$K^\top$", f"{s.d} × {n}", cols=s.tokens, cut_rows=shown),
            "=",
            _cut(s.scores, n, "$S$", f"{n} × {n}", cols=s.tokens, result=True),
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
            _cut(s.scores, n, "$S$", f"{n} × {n}", rows=s.tokens, cols=s.tokens),
            (rf"$\div\ {root:.2f}$", 2.2),
            _cut(s.scaled, n, SCALED, f"{n} × {n}", cols=s.tokens, result=True),
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
            _cut(s.scaled, n, SCALED, f"{n} × {n}", rows=s.tokens, cols=s.tokens),
            ("softmax →", 2.4),
            _cut(s.weights, n, "$A$ 注意力权重", f"{n} × {n}", cols=s.tokens, result=True),
            ("", 0.3),
            _cut(sums, 1, "行和", "", kind="plain"),
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
            _cut(s.weights, n, "$A$", f"{n} × {n}", rows=s.tokens, cols=s.tokens),
            r"$\cdot$",
            _cut(s.qkv["v"], shown, "$V$", f"{n} × {s.d}"),
            "=",
            _cut(s.output, shown, "$Z$ 这个头的输出", f"{n} × {s.d}", result=True),
        ],
    )
    terms = " + ".join(
        f"{w:.2f}" + r"\,v_{\mathrm{" + t.replace("[", "").replace("]", "") + "}}"
        for t, w in zip(s.tokens, s.weights[1], strict=True)
    )
    word = s.tokens[1]
    _notes(ax, [f"例：$z_{{\\mathrm{{{word}}}}} = {terms}$"])


# --- drawing helpers ----------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One matrix as drawn: the cells shown, its labels, and its colouring."""

    cells: np.ndarray
    name: str  # under the matrix, e.g. "$Q$"
    shape: str  # the full shape, e.g. "4 × 32"
    rows: list[str] | None  # labels left of the rows (tokens)
    cols: list[str] | None  # labels above the columns (tokens)
    more_cols: bool  # "…": columns cut
    more_rows: bool  # "⋮": rows cut
    kind: str  # "signed" (diverging colours), "weights" (0..1) or "plain"
    limit: float  # colour scale of "signed": the largest |value| of the whole matrix
    result: bool  # the step's result: framed

    @property
    def cell_w(self) -> float:
        return TOKEN_W if self.cols else CELL_W

    @property
    def width(self) -> float:
        return self.cells.shape[1] * self.cell_w + (DOTS_W if self.more_cols else 0)


def _cut(
    values: np.ndarray,
    shown: int,
    name: str,
    shape: str,
    *,
    rows: list[str] | None = None,
    cols: list[str] | None = None,
    cut_rows: int | None = None,
    result: bool = False,
    kind: str | None = None,
) -> Block:
    """The top-left ``cut_rows x shown`` corner of ``values`` as a :class:`Block`."""
    n_rows = cut_rows or values.shape[0]
    cells = values[:n_rows, :shown]
    if kind is None:
        kind = "weights" if values.min() >= 0 and np.allclose(values.sum(axis=1), 1) else "signed"
    return Block(
        cells=cells,
        name=name,
        shape=shape,
        rows=rows,
        cols=cols,
        more_cols=shown < values.shape[1],
        more_rows=n_rows < values.shape[0],
        kind=kind,
        limit=max(float(np.abs(values).max()), 0.1),  # near-zero stays near-white
        result=result,
    )


def _row(ax: Any, parts: list[Block | str | tuple[str, float]]) -> None:
    """Matrices and operators left to right, centred on the frame; a one-row matrix is
    centred on the first matrix's rows."""
    widths = [p.width if isinstance(p, Block) else _op_width(p) for p in parts]
    first = parts[0]
    n = first.cells.shape[0] if isinstance(first, Block) else 1
    labels = LABEL_W if isinstance(first, Block) and first.rows else 0
    x = (WIDTH - sum(widths) - labels) / 2 + labels
    middle = TOP - (n - 1) * CELL_H / 2
    for part, width in zip(parts, widths, strict=True):
        if isinstance(part, Block):
            top = TOP if part.cells.shape[0] > 1 else middle
            _matrix(ax, x, top, part)
        else:
            text = part if isinstance(part, str) else part[0]
            ax.text(
                x + width / 2,
                middle,
                text,
                ha="center",
                va="center",
                fontsize=18 if len(text) <= 8 else 14,
            )
        x += width


def _op_width(part: str | tuple[str, float]) -> float:
    return OP_W if isinstance(part, str) else part[1]


def _fmt(value: float) -> str:
    if abs(value) >= 9.995:
        return f"{value:.1f}"
    return f"{value:.2f}" if round(value, 2) != 0 else "0.00"  # no "-0.00"


def _colour(block: Block, value: float) -> tuple[Any, str]:
    """Cell fill and text colour: light enough that the number stays readable."""
    if block.kind == "plain":
        return "none", style.INK
    if block.kind == "weights":
        return colormaps[style.CMAP](0.08 + 0.72 * value), ("white" if value > 0.55 else style.INK)
    return colormaps[style.DIVERGING](0.5 + 0.27 * value / block.limit), style.INK


def _matrix(ax: Any, left: float, top: float, block: Block) -> None:
    """Draw ``block`` with its first row centred at ``top`` and its cells from ``left``."""
    n_rows, n_cols = block.cells.shape
    w = block.cell_w
    for i in range(n_rows):
        y = top - i * CELL_H
        for j in range(n_cols):
            value = float(block.cells[i, j])
            fill, ink = _colour(block, value)
            ax.add_patch(
                Rectangle((left + j * w, y - CELL_H / 2), w, CELL_H, fc=fill, ec="white", lw=1.5)
            )
            ax.text(
                left + (j + 0.5) * w,
                y,
                _fmt(value),
                ha="center",
                va="center",
                fontsize=12,
                color=ink,
            )
        if block.more_cols:
            ax.text(
                left + n_cols * w + DOTS_W / 2,
                y,
                "…",
                ha="center",
                va="center",
                fontsize=12,
                color=style.MUTED,
            )
        if block.rows:
            ax.text(left - 0.15, y, block.rows[i], ha="right", va="center", fontsize=13)
    right = left + block.width
    bottom = top - (n_rows - 0.5) * CELL_H
    if block.more_rows:
        ax.text(
            left + n_cols * w / 2,
            bottom - CELL_H / 2,
            r"$\vdots$",
            ha="center",
            va="center",
            fontsize=12,
            color=style.MUTED,
        )
        bottom -= CELL_H
    for j, label in enumerate(block.cols or []):
        ax.text(
            left + (j + 0.5) * w,
            top + CELL_H / 2 + 0.25,
            label,
            ha="center",
            va="baseline",
            fontsize=10.5,
            color=style.MUTED,
        )
    if block.result:
        ax.add_patch(
            FancyBboxPatch(
                (left - 0.06, bottom - 0.06),
                right - left + 0.12,
                top + CELL_H / 2 - bottom + 0.12,
                boxstyle="round,pad=0.02",
                fc="none",
                ec=style.PALETTE[0],
                lw=2,
            )
        )
    label = f"{block.name}  ({block.shape})" if block.shape else block.name
    ax.text(
        (left + right) / 2,
        bottom - 0.3,
        label,
        ha="center",
        va="top",
        fontsize=13,
        color=style.PALETTE[0] if block.result else style.INK,
        fontweight="bold" if block.result else "normal",
    )


def _canvas(s: Steps, number: int) -> tuple[Any, Any]:
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
