"""The model and how it learns: a small BERT whose character embeddings start from
word2vec vectors, trained with AdamW on randomly masked rows."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from typing import Any

import torch
from transformers import (
    BertConfig,
    BertForMaskedLM,
    PreTrainedTokenizerFast,
    get_linear_schedule_with_warmup,
)

from course.pretrain.evaluation import evaluate, masked_logits
from course.pretrain.masking import Masked, mask_tokens
from course.pretrain.settings import Settings
from course.pretrain.vocabulary import PAD, SPECIAL_TOKENS


def build_model(vocab_size: int, settings: Settings) -> BertForMaskedLM:
    """A small BERT with an MLM head, freshly initialized (seed first)."""
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=settings.hidden,
        num_hidden_layers=settings.layers,
        num_attention_heads=settings.heads,
        intermediate_size=settings.intermediate,
        hidden_dropout_prob=settings.dropout,
        attention_probs_dropout_prob=settings.dropout,
        max_position_embeddings=settings.block,
        type_vocab_size=2,
        pad_token_id=PAD,
    )
    return BertForMaskedLM(config)


def char_vectors(
    tokenizer: PreTrainedTokenizerFast, texts: Sequence[str], settings: Settings
) -> torch.Tensor:
    """word2vec (CBOW, window 3) vectors of every vocabulary entry, trained on ``texts``.

    A cheap first stage (seconds): the embedding starts with co-occurrence structure
    instead of noise. Rows word2vec never saw (special tokens) are zero; the matrix is
    scaled to BERT's initializer range. One worker and a fixed hash keep it deterministic.
    """
    from gensim.models import Word2Vec

    encodings = tokenizer.backend_tokenizer.encode_batch(list(texts), add_special_tokens=False)
    w2v = Word2Vec(
        [enc.tokens for enc in encodings],
        vector_size=settings.hidden,
        window=3,
        min_count=1,
        workers=1,
        epochs=settings.word2vec_epochs,
        seed=settings.seed,
        hashfxn=_stable_hash,
    )
    vectors = torch.zeros(len(tokenizer), settings.hidden)
    for token, index in tokenizer.get_vocab().items():
        if token in w2v.wv.key_to_index:
            vectors[index] = torch.from_numpy(w2v.wv[token].copy())
    return vectors * (0.02 / float(vectors[len(SPECIAL_TOKENS) :].std()))


def _stable_hash(text: str) -> int:
    # word2vec seeds each vector from a hash of its word; Python's str hash changes per process
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def init_embeddings(model: BertForMaskedLM, vectors: torch.Tensor) -> None:
    """Start the (tied) word embeddings from ``vectors`` where they have a row."""
    known = vectors.abs().sum(dim=1) > 0
    with torch.no_grad():
        model.bert.embeddings.word_embeddings.weight[known] = vectors[known]


def batches(rows: torch.Tensor, settings: Settings) -> Iterator[torch.Tensor]:
    """Endless batches of rows, reshuffled each pass with a seeded generator."""
    order = torch.Generator().manual_seed(settings.seed)
    while True:
        permutation = torch.randperm(len(rows), generator=order)
        for start in range(0, len(rows) - settings.batch_size + 1, settings.batch_size):
            yield rows[permutation[start : start + settings.batch_size]]


def train(
    model: BertForMaskedLM,
    train_rows: torch.Tensor,
    probe: Masked,
    frequent_id: int,
    settings: Settings,
) -> tuple[list[list[float]], list[dict[str, float]]]:
    """AdamW with linear warm-up and decay for ``settings.steps`` steps.

    Returns the training-loss curve (``[step, mean loss]`` every ``log_every`` steps)
    and held-out ``probe`` scores every ``eval_every`` steps.
    """
    decay = [p for p in model.parameters() if p.ndim > 1]  # matrices; not biases, norms
    no_decay = [p for p in model.parameters() if p.ndim <= 1]
    groups: list[dict[str, Any]] = [
        {"params": decay, "weight_decay": settings.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=settings.learning_rate)
    schedule = get_linear_schedule_with_warmup(optimizer, settings.warmup_steps, settings.steps)
    masking = torch.Generator().manual_seed(settings.seed + 1)
    vocab_size = model.config.vocab_size
    losses: list[float] = []
    curve: list[list[float]] = []
    probes: list[dict[str, float]] = []
    stream = batches(train_rows, settings)
    started = time.perf_counter()
    for step in range(1, settings.steps + 1):
        model.train()
        batch = mask_tokens(next(stream), vocab_size, masking, settings.mask_rate)
        loss = torch.nn.functional.cross_entropy(*masked_logits(model, batch))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        losses.append(float(loss.detach()))
        if step % settings.log_every == 0 or step == settings.steps:
            curve.append([step, round(sum(losses) / len(losses), 4)])
            losses.clear()
        if step % settings.eval_every == 0 or step == settings.steps:
            scores = evaluate(model, probe, frequent_id)
            probes.append(
                {"step": step, "loss": round(scores.loss, 4), "accuracy": round(scores.accuracy, 4)}
            )
            elapsed = time.perf_counter() - started
            print(
                f"step {step:5d}  train {curve[-1][1]:.3f}  held-out {scores.loss:.3f} "
                f"acc {scores.accuracy:.3f}  {elapsed:.0f}s",
                flush=True,
            )
    return curve, probes
