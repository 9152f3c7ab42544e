"""The teacher-forcing video: one training sentence through the toy seq2seq model of
:mod:`.seq2seq`, early in training and after it. The encoder reads the source word by
word; at every decoder step the correct previous word goes in, the model's top guesses
come out beside the word it should have said, and ``-ln p`` of that word is the loss.

    >>> from part2.figures import teacher_forcing
    >>> teacher_forcing.script(4, 5, [10, 60], 10, seconds)[0]      # doctest: +SKIP
    Shot(read=1, steps=0, checkpoint=10, summary=False)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt

from nlpdeck.figures import style, video
from nlpdeck.figures.diagram import BLUE, GREEN, ORANGE, PINK, arrow, box, canvas, text, tint
from nlpdeck.figures.target import Job

from .seq2seq import sentence_pairs, teacher_forced, train


@dataclass(frozen=True)
class Shot:
    """What one frame shows: source words read so far, decoder steps shown so far."""

    read: int
    steps: int
    checkpoint: int
    summary: bool = False


def script(
    source: int, steps: int, checkpoints: Sequence[int], fps: int, seconds: Mapping[str, float]
) -> list[Shot]:
    """Frame by frame. At the first checkpoint: read the source word by word, decode step
    by step, show the sentence's loss. At each later one: the whole picture at once."""

    def hold(shot: Shot, key: str) -> list[Shot]:
        return [shot] * round(seconds[key] * fps)

    first, *later = checkpoints
    shots = [s for r in range(1, source + 1) for s in hold(Shot(r, 0, first), "read")]
    shots += [s for t in range(1, steps + 1) for s in hold(Shot(source, t, first), "step")]
    shots += hold(Shot(source, steps, first, summary=True), "summary")
    for c in later:
        shots += hold(Shot(source, steps, c, summary=True), "later")
    return shots


def number(v: float) -> str:
    """Two decimals, or three below 0.1 so a small loss does not read as zero."""
    return f"{v:.2f}" if v >= 0.1 else f"{v:.3f}"


def _frame(
    ax: Any, shot: Shot, source: list[str], steps: list[dict[str, Any]], checkpoint_label: str
) -> None:
    ax.clear()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 5.625)
    ax.set_axis_off()
    text(
        ax,
        0.25,
        5.3,
        "训练 seq2seq：解码器每一步都输入正确答案（Teacher Forcing）",
        17,
        ha="left",
        weight="bold",
    )
    text(ax, 0.25, 4.92, checkpoint_label, 13, ha="left", color=PINK)
    xs_src = [0.6 + 0.7 * i for i in range(len(source))]
    xs_dec = [xs_src[-1] + 1.25 + 1.3 * i for i in range(len(steps))]
    y = 1.55
    text(ax, (xs_src[0] + xs_src[-1]) / 2, 2.2, "编码器 Encoder", 12, color=BLUE, weight="bold")
    text(ax, (xs_dec[0] + xs_dec[-1]) / 2, 4.45, "解码器 Decoder", 12, color=ORANGE, weight="bold")
    left = xs_dec[0] - 0.72
    for label, ly in (
        ("目标：正确的下一个词", 3.95),
        ("损失 −ln p(目标)", 3.62),
        ("模型的预测 (前 3)", 2.52),
    ):
        text(ax, left, ly, label, 10.5, ha="right", color=style.MUTED)
    for i, (x, word) in enumerate(zip(xs_src, source, strict=True)):
        on = i < shot.read
        box(
            ax,
            x,
            y,
            0.52,
            0.5,
            "GRU" if on else "",
            color=BLUE if on else style.MUTED,
            fill=tint(BLUE, 0.3) if on else "white",
            size=10,
        )
        text(ax, x, 0.65, word, 16, color=style.INK if on else style.MUTED)
        arrow(ax, (x, 0.85), (x, y - 0.25), head=7, color=style.INK if on else "#d0d7de")
        if i:
            arrow(ax, (x - 0.44, y), (x - 0.26, y), head=7, color=style.INK if on else "#d0d7de")
    if shot.read == len(source):  # the last state is all the decoder gets
        arrow(ax, (xs_src[-1] + 0.26, y), (xs_dec[0] - 0.42, y), head=9, color=PINK, lw=2.2)
        text(
            ax,
            (xs_src[-1] + xs_dec[0]) / 2 - 0.05,
            y + 0.4,
            "整句的\n向量",
            10,
            color=PINK,
            linespacing=1.0,
        )
    for t, (x, step) in enumerate(zip(xs_dec, steps, strict=True)):
        _decoder_step(ax, x, y, step, shown=t < shot.steps, first=t == 0)
    text(
        ax,
        0.25,
        0.2,
        "解码器的输入（灰）：正确答案的前一个词，而不是模型自己的预测",
        11,
        ha="left",
        color=style.MUTED,
    )
    if shot.summary:
        mean = sum(s["loss"] for s in steps) / len(steps)
        box(
            ax,
            7.55,
            0.2,
            4.5,
            0.36,
            f"本句损失 = 各步 −ln p 的平均 = {number(mean)} → 反向传播",
            color=PINK,
            size=12,
        )


def _decoder_step(
    ax: Any, x: float, y: float, step: dict[str, Any], shown: bool, first: bool
) -> None:
    """One decoder column: correct input below, GRU, top guesses, target and loss above."""
    color = ORANGE if shown else style.MUTED
    faint = style.INK if shown else "#d0d7de"
    box(
        ax,
        x,
        y,
        0.8,
        0.5,
        "GRU" if shown else "",
        color=color,
        fill=tint(ORANGE, 0.3) if shown else "white",
        size=10,
    )
    if not first:
        arrow(ax, (x - 0.9, y), (x - 0.42, y), head=7, color=faint)
    text(ax, x, 0.65, step["input"], 15, color=style.MUTED if shown else "#d0d7de")
    arrow(ax, (x, 0.85), (x, y - 0.25), head=7, color=faint)
    if not shown:
        return
    arrow(ax, (x, y + 0.25), (x, y + 0.5), head=7)
    for k, (word, p) in enumerate(step["guesses"]):  # the model's top guesses
        gy = 2.8 - k * 0.28
        right = word == step["target"]
        ax.add_patch(_bar(x + 0.06, gy, 0.55 * p, GREEN if right else style.MUTED))
        text(
            ax,
            x + 0.02,
            gy,
            word,
            10.5,
            ha="right",
            color=GREEN if right else style.INK,
            weight="bold" if right else "normal",
        )
        text(ax, x + 0.1, gy, f"{p:.2f}", 9.5, ha="left")
    text(ax, x, 3.95, step["target"], 16, weight="bold", color=GREEN)
    text(ax, x, 3.62, number(step["loss"]), 12, color=PINK)


def _bar(x: float, y: float, length: float, color: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle(
        (x, y - 0.11), max(length, 0.005), 0.22, facecolor=tint(color, 0.45), edgecolor="none"
    )


def teacher_forcing_video(job: Job) -> None:
    """seq2seq_training_with_target.mp4 (and seq2seq_training.json with the numbers):
    one training sentence through the toy model, early in training and after it."""
    p = job.params
    pairs = sentence_pairs(p["grammar"])
    shown = (p["example"][0].split(), p["example"][1].split())
    if shown not in pairs:
        raise ValueError(f"the example {p['example']} is not a sentence of the grammar")
    run = train(pairs, p["steps"], job.seed, keep=p["checkpoints"])
    steps = {c: teacher_forced(run.models[c], run.vocab, shown) for c in p["checkpoints"]}
    fps = p["fps"]
    shots = script(len(shown[0]), len(shown[1]) + 1, p["checkpoints"], fps, p["seconds"])
    fig, ax = canvas(10, 5.625)
    fig.set_dpi(96)

    def draw(i: int) -> None:
        shot = shots[i]
        if i and shot == shots[i - 1]:
            return  # the same picture again: nothing to redraw
        label = (
            f"训练 {shot.checkpoint} 步后的模型（共训练 {p['steps']} 步）· "
            f"{len(pairs)} 句的平均损失 {number(run.losses[shot.checkpoint])}"
        )
        _frame(ax, shot, shown[0], steps[shot.checkpoint], label)

    video.record(fig, job.output("seq2seq_training_with_target.mp4"), fps, len(shots), draw)
    plt.close(fig)
    record = {
        "pairs": len(pairs),
        "losses": [round(v, 4) for v in run.losses],
        "example": p["example"],
        "steps": {str(c): s for c, s in steps.items()},
        "frames": len(shots),
        "fps": fps,
    }
    job.output("seq2seq_training.json").write_text(
        json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
