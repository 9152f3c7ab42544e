"""Everything that decides the weights of a run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """Everything that decides the weights; ``training.json`` records it for reproduction."""

    seed: int = 1998
    # ~0.33 s a step on 2 idle cores: about 15 minutes. The held-out loss sits near the
    # unigram level for the first ~1,800 steps; a 1,800-step run ended at 5.6% accuracy.
    steps: int = 2700
    batch_size: int = 16  # small batches, many updates: the budget is data-limited
    block: int = 128  # tokens per sequence, [CLS] and [SEP] included = max positions
    learning_rate: float = 1e-3  # peak, after linear warm-up; then linear decay to 0
    warmup_steps: int = 270
    weight_decay: float = 0.01
    min_freq: int = 2  # characters seen fewer times in the training split become [UNK]
    layers: int = 4
    hidden: int = 256
    heads: int = 4
    intermediate: int = 1024
    dropout: float = 0.0  # a quarter-hour run underfits; dropout only slows it
    mask_rate: float = 0.15
    word2vec_epochs: int = 3  # character vectors the embedding starts from (0: random)
    log_every: int = 20  # training-loss points
    eval_every: int = 150  # held-out subset points
