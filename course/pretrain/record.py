"""``training.json``: how a run was made (data, vocabulary, model, settings, software,
cost) and how well the model fills masked characters in held-out paragraphs."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from typing import Any

import torch
import transformers

from course import corpora
from course.pretrain import published
from course.pretrain.data import HELDOUT_ONE_IN
from course.pretrain.evaluation import EVAL_SUBSET, Scores
from course.pretrain.masking import EVAL_SEED
from course.pretrain.settings import Settings
from course.pretrain.vocabulary import SPECIAL_TOKENS


@dataclass(frozen=True)
class Outcome:
    """What a finished run hands the record, besides its settings."""

    corpus: corpora.Corpus
    paragraphs: tuple[int, int]  # training, held out
    rows: tuple[int, int]  # training, held out
    vocab: list[str]
    most_frequent: str
    parameters: int
    curve: list[list[float]]
    probes: list[dict[str, float]]
    full: Scores  # every held-out row
    subset: Scores  # the first EVAL_SUBSET held-out rows
    seconds: float
    cpu_seconds: float
    load_before: float


def make(outcome: Outcome, settings: Settings) -> dict[str, Any]:
    """The training record of a finished run; the load average "at the end" is read now."""
    vocab, heldout_rows = outcome.vocab, outcome.rows[1]
    continuations = sum(t.startswith("##") for t in vocab)
    return {
        "hub_id": published.hub_id(),
        "data": {
            "corpus": outcome.corpus.name,
            "sha256": outcome.corpus.sha256,
            "citation": outcome.corpus.citation,
            "paragraphs": {"train": outcome.paragraphs[0], "heldout": outcome.paragraphs[1]},
            "heldout_rule": f"paragraph i is held out when int(sha256(str(i))[:8 bytes]) % "
            f"{HELDOUT_ONE_IN} == 0",
            "rows": {"train": outcome.rows[0], "heldout": heldout_rows},
            "tokens_seen": settings.steps * settings.batch_size * settings.block,
        },
        "vocabulary": {
            "size": len(vocab),
            "min_freq": settings.min_freq,
            "characters": len(vocab) - len(SPECIAL_TOKENS) - continuations,
            "continuations": continuations,
            "normalizer": "NFKC, then BERT's (clean text, lower case, split CJK characters)",
            "most_frequent": outcome.most_frequent,
        },
        "model": {
            "architecture": "BertForMaskedLM",
            "layers": settings.layers,
            "hidden": settings.hidden,
            "heads": settings.heads,
            "intermediate": settings.intermediate,
            "max_positions": settings.block,
            "parameters": outcome.parameters,
        },
        "training": {
            "objective": f"masked LM, {settings.mask_rate:.0%} of characters, 80/10/10 rule",
            "optimizer": f"AdamW, weight decay {settings.weight_decay} (not on biases/norms), "
            "gradient clipping 1.0",
            "schedule": f"linear warm-up over {settings.warmup_steps} steps to "
            f"{settings.learning_rate}, then linear decay to 0 at step {settings.steps}",
            "threads": torch.get_num_threads(),
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "wall_clock_seconds": round(outcome.seconds, 1),
            # other jobs may share the CPU: CPU time and load averages say how much
            "cpu_seconds": round(outcome.cpu_seconds, 1),
            "load_average": {"start": outcome.load_before, "end": os.getloadavg()[0]},
        },
        "settings": asdict(settings),
        "loss_curve": outcome.curve,
        "heldout_curve": outcome.probes,
        "evaluation": {
            "masking": f"15% of non-special positions of the held-out rows, all [MASK], "
            f"torch.Generator seed {EVAL_SEED}",
            "full": _scores_json(outcome.full, heldout_rows),
            "subset": _scores_json(outcome.subset, min(EVAL_SUBSET, heldout_rows)),
        },
    }


def _scores_json(scores: Scores, rows: int) -> dict[str, Any]:
    return {
        "rows": rows,
        "masked": scores.masked,
        "loss": round(scores.loss, 4),
        "accuracy": round(scores.accuracy, 4),
        "baseline": round(scores.baseline, 4),
    }
