"""How well the model fills masked characters: loss and top-1 accuracy on the masked
positions, beside always answering the most frequent training character."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from transformers import BertForMaskedLM

from course.pretrain.masking import Masked

EVAL_SUBSET = 64  # held-out blocks the test suite re-scores (seconds, not minutes)


@dataclass(frozen=True)
class Scores:
    """Masked-LM quality on a set of masked positions."""

    masked: int  # positions scored
    loss: float  # mean cross-entropy (nats)
    accuracy: float  # top-1 correct / masked
    baseline: float  # accuracy of always answering the most frequent training character


def masked_logits(model: BertForMaskedLM, data: Masked) -> tuple[torch.Tensor, torch.Tensor]:
    """The MLM head's logits at the masked positions only, and their targets.

    Same numbers as ``model(...).logits[asked]``, without scoring the 85% of positions
    nobody asks about (a fifth of a training step's time).
    """
    hidden = model.bert(input_ids=data.inputs).last_hidden_state
    asked = data.labels != -100
    return model.cls(hidden[asked]), data.labels[asked]


@torch.no_grad()
def evaluate(
    model: BertForMaskedLM, data: Masked, frequent_id: int, batch_size: int = 64
) -> Scores:
    """Top-1 accuracy and loss on the masked positions, beside the frequent-character baseline."""
    model.eval()
    total_loss, correct, masked = 0.0, 0, 0
    for start in range(0, len(data.inputs), batch_size):
        logits, targets = masked_logits(model, data[start : start + batch_size])
        total_loss += float(torch.nn.functional.cross_entropy(logits, targets, reduction="sum"))
        correct += int((logits.argmax(-1) == targets).sum())
        masked += len(targets)
    baseline = int((data.labels == frequent_id).sum()) / masked
    return Scores(masked, total_loss / masked, correct / masked, baseline)
