"""A real, tiny RNN seq2seq, trained in seconds, to show teacher forcing.

The task is a toy Chinese-to-English translation generated from a small grammar (the
target's params): ``她 昨天 看见 狗`` -> ``she saw dogs yesterday``. It is small enough
to learn on a CPU in a few seconds and still needs what translation needs: the English
verb form depends on the subject and on 昨天, and 昨天 moves to the end.

The model is the classic encoder-decoder without attention (Sutskever et al. 2014): a
GRU reads the source and its last state is the only thing the decoder sees. Training
uses teacher forcing: at every step the decoder is fed the *correct* previous word,
whatever it predicted, and the loss is ``-ln p(correct next word)``.

    >>> from part2.figures import seq2seq
    >>> data = seq2seq.sentence_pairs(params)                        # doctest: +SKIP
    >>> run = seq2seq.train(data, steps=60, seed=0, keep=(20, 60))   # doctest: +SKIP
    >>> pair = ("她 昨天 看见 狗".split(), "she saw dogs yesterday".split())
    >>> seq2seq.teacher_forced(run.models[20], run.vocab, pair)      # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import torch
from torch import nn

from nlpdeck.figures import style, video
from nlpdeck.figures.diagram import BLUE, GREEN, ORANGE, PINK, arrow, box, canvas, text, tint
from nlpdeck.figures.target import Job

PAD, BOS, EOS = "<pad>", "<s>", "</s>"

Pair = tuple[list[str], list[str]]


def sentence_pairs(grammar: Mapping[str, Any]) -> list[Pair]:
    """Every (Chinese, English) sentence the grammar generates, in a fixed order.

    ``subjects``: ``[zh, en, third_person_singular]``; ``verbs``: ``[zh, base, -s, past]``;
    ``objects``: ``[zh, en]``; ``past``: ``[zh, en]``, the time word that makes it past.
    """
    pairs = []
    then_zh, then_en = grammar["past"]
    for (s_zh, s_en, third), (v_zh, *forms), (o_zh, o_en), past in itertools.product(
        grammar["subjects"], grammar["verbs"], grammar["objects"], (False, True)
    ):
        verb = forms[2] if past else forms[1] if third else forms[0]
        zh = [s_zh, *([then_zh] if past else []), v_zh, o_zh]
        en = [s_en, verb, o_en, *([then_en] if past else [])]
        pairs.append((zh, en))
    return pairs


@dataclass(frozen=True)
class Vocab:
    """Source and target word lists; index 0 is padding."""

    source: tuple[str, ...]
    target: tuple[str, ...]

    @classmethod
    def of(cls, pairs: Sequence[Pair]) -> Vocab:
        src = dict.fromkeys(w for zh, _ in pairs for w in zh)
        tgt = dict.fromkeys(w for _, en in pairs for w in en)
        return cls((PAD, *src), (PAD, BOS, EOS, *tgt))

    def encode(self, words: Sequence[str], side: str) -> list[int]:
        table = self.source if side == "source" else self.target
        return [table.index(w) for w in words]


class Seq2Seq(nn.Module):
    """GRU encoder, GRU decoder started from the encoder's last state, no attention."""

    def __init__(self, vocab: Vocab, embed: int, hidden: int) -> None:
        super().__init__()
        self.src_embed = nn.Embedding(len(vocab.source), embed, padding_idx=0)
        self.tgt_embed = nn.Embedding(len(vocab.target), embed, padding_idx=0)
        self.encoder = nn.GRU(embed, hidden, batch_first=True)
        self.decoder = nn.GRU(embed, hidden, batch_first=True)
        self.out = nn.Linear(hidden, len(vocab.target))

    def encode(self, src: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """The fixed-length vector: the encoder GRU's state after the last real word."""
        packed = nn.utils.rnn.pack_padded_sequence(
            self.src_embed(src), lengths, batch_first=True, enforce_sorted=False
        )
        _, state = self.encoder(packed)
        return state

    def forward(self, src: torch.Tensor, lengths: torch.Tensor, inputs: torch.Tensor) -> Any:
        """Next-word logits at every position, fed ``inputs`` (teacher forcing)."""
        states, _ = self.decoder(self.tgt_embed(inputs), self.encode(src, lengths))
        return self.out(states)


def batch(pairs: Sequence[Pair], vocab: Vocab) -> tuple[torch.Tensor, ...]:
    """Padded source ids, source lengths, decoder inputs (``<s>`` + target) and the
    words to predict (target + ``</s>``)."""

    def pad(rows: list[list[int]]) -> torch.Tensor:
        width = max(len(r) for r in rows)
        return torch.tensor([r + [0] * (width - len(r)) for r in rows])

    src = [vocab.encode(zh, "source") for zh, _ in pairs]
    tgt = [vocab.encode(en, "target") for _, en in pairs]
    bos, eos = vocab.target.index(BOS), vocab.target.index(EOS)
    return (
        pad(src),
        torch.tensor([len(s) for s in src]),
        pad([[bos, *t] for t in tgt]),
        pad([[*t, eos] for t in tgt]),
    )


@contextmanager
def one_thread() -> Iterator[None]:
    """Train on one thread, so the same seed gives the same numbers on any machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@dataclass(frozen=True)
class Run:
    """A training run: ``losses[n]`` is the mean loss over all pairs of the model after
    ``n`` updates; ``models`` holds that model at the kept ``n``."""

    vocab: Vocab
    losses: list[float]
    models: dict[int, Seq2Seq]


def train(
    pairs: Sequence[Pair],
    steps: int,
    seed: int,
    keep: Sequence[int],
    embed: int = 32,
    hidden: int = 64,
    lr: float = 0.01,
) -> Run:
    """Full-batch Adam with teacher forcing; copies of the model after each step in
    ``keep`` (0 = untrained)."""
    import copy

    vocab = Vocab.of(pairs)
    with one_thread():
        torch.manual_seed(seed)
        model = Seq2Seq(vocab, embed, hidden)
        src, lengths, inputs, wanted = batch(pairs, vocab)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        loss_of = nn.CrossEntropyLoss(ignore_index=0)
        kept, losses = {}, []
        for step in range(steps + 1):  # the loss of the model after ``step`` updates
            optimizer.zero_grad()
            logits = model(src, lengths, inputs)
            loss = loss_of(logits.reshape(-1, logits.shape[-1]), wanted.reshape(-1))
            losses.append(loss.item())
            if step in keep:
                kept[step] = copy.deepcopy(model).eval()
            if step == steps:
                break
            loss.backward()
            optimizer.step()
    return Run(vocab, losses, kept)


def teacher_forced(model: Seq2Seq, vocab: Vocab, pair: Pair, top: int = 3) -> list[dict[str, Any]]:
    """Each decoder step of one training pair: the (correct) input word, the word to
    predict, the model's top guesses, p(correct word) and the loss ``-ln p``."""
    src, lengths, inputs, wanted = batch([pair], vocab)
    with one_thread(), torch.no_grad():
        probs = model(src, lengths, inputs)[0].softmax(-1)
    steps = []
    for t, (given, target) in enumerate(zip(inputs[0].tolist(), wanted[0].tolist(), strict=True)):
        p, ids = probs[t].topk(top)
        steps.append(
            {
                "input": vocab.target[given],
                "target": vocab.target[target],
                "guesses": [
                    [vocab.target[i], round(float(q), 4)] for q, i in zip(p, ids, strict=True)
                ],
                "p_target": round(float(probs[t, target]), 4),
                "loss": round(-float(probs[t, target].log()), 4),
            }
        )
    return steps


# ---- the video ----


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
