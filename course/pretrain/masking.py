"""Which characters the model is asked to fill: random in training (BERT's 80/10/10),
fixed for the held-out set so every run is scored on the same blanks."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from course.pretrain.vocabulary import MASK, SPECIAL_TOKENS

EVAL_SEED = 19980101  # the held-out set's masking, fixed so runs are comparable


@dataclass(frozen=True)
class Masked:
    """Inputs with some positions hidden; ``labels`` is -100 where nothing is asked."""

    inputs: torch.Tensor
    labels: torch.Tensor

    def __getitem__(self, rows: slice) -> Masked:
        return Masked(self.inputs[rows], self.labels[rows])


def mask_tokens(
    ids: torch.Tensor,
    vocab_size: int,
    generator: torch.Generator,
    rate: float = 0.15,
    bert_rule: bool = True,
) -> Masked:
    """Pick ``rate`` of the non-special positions; with ``bert_rule`` (BERT's 80/10/10)
    80% become [MASK], 10% a random character, 10% stay; without it all become [MASK]."""
    labels = ids.clone()
    candidates = ids >= len(SPECIAL_TOKENS)
    chosen = (torch.rand(ids.shape, generator=generator) < rate) & candidates
    labels[~chosen] = -100
    inputs = ids.clone()
    if not bert_rule:
        inputs[chosen] = MASK
        return Masked(inputs, labels)
    dice = torch.rand(ids.shape, generator=generator)
    inputs[chosen & (dice < 0.8)] = MASK
    randomized = chosen & (dice >= 0.8) & (dice < 0.9)
    random_ids = torch.randint(len(SPECIAL_TOKENS), vocab_size, ids.shape, generator=generator)
    inputs[randomized] = random_ids[randomized]
    return Masked(inputs, labels)


def fixed_masking(rows: torch.Tensor) -> Masked:
    """The held-out set's masking: 15% of characters, all [MASK], same every run."""
    generator = torch.Generator().manual_seed(EVAL_SEED)
    return mask_tokens(rows, vocab_size=0, generator=generator, bert_rule=False)
