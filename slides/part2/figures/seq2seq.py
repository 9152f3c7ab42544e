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

teacher_forcing.py draws the video of one sentence decoded this way.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from .threads import one_thread

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
