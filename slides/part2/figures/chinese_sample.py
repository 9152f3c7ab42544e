"""A fixed sample of People's Daily paragraphs and their vectors from the project's own
Chinese BERT, computed once and cached for the Chinese topic figures.

The corpus (January 1998, 19,484 paragraphs) is mostly headlines, datelines and
captions below 20 characters. The sample is every *distinct* paragraph of at least
``min_chars`` characters, from which ``size`` are drawn without replacement by
``numpy.random.default_rng(seed)`` (the target's seed), kept in corpus order. The
target writes the sample's paragraph numbers next to the vectors, so the topic target
that reads them cannot disagree about which paragraph a row is.

Vectors: ``nlpdeck/bert-mini-chinese`` (4 layers, hidden 256, character-level), mean of
the last layer over the non-padding tokens, unit length, as sentence-transformers
pools a plain BERT (:func:`part2.figures.sentence_vectors.encode`). The model reads at
most 128 tokens, so a paragraph's vector sees its first 126 characters.

    >>> from nlpdeck import corpora
    >>> from part2.figures import chinese_sample
    >>> rule = {"min_chars": 100, "size": 2000}
    >>> len(chinese_sample.sample(corpora.peoples_daily(), rule, seed=0))  # doctest: +SKIP
    2000
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from course import corpora
from nlpdeck.figures.target import Job

from . import sentence_vectors

EMBEDDINGS = "data/peoples_daily_embeddings.npy"
SAMPLE = "data/peoples_daily_sample.json"


def eligible(corpus: corpora.Corpus, min_chars: int) -> list[int]:
    """Paragraph numbers of the first copy of each distinct paragraph of ``min_chars``
    characters or more (a few paragraphs are printed twice)."""
    first: dict[str, int] = {}
    for i, text in enumerate(corpus.documents):
        if len(text) >= min_chars:
            first.setdefault(text, i)
    return sorted(first.values())


def sample(corpus: corpora.Corpus, rule: Mapping[str, Any], seed: int) -> list[int]:
    """``rule["size"]`` eligible paragraph numbers, drawn with ``seed``, in corpus order."""
    pool = eligible(corpus, rule["min_chars"])
    drawn = np.random.default_rng(seed).choice(pool, size=rule["size"], replace=False)
    return sorted(int(i) for i in drawn)


def draw(job: Job) -> None:
    """Draw the sample; encode its paragraphs; write the vectors and the paragraph numbers."""
    corpus = corpora.peoples_daily()
    rule = job.params["sample"]
    paragraphs = sample(corpus, rule, job.seed)
    hub_id = job.model(job.target.models[0])
    vectors = sentence_vectors.encode(hub_id, [corpus.documents[i] for i in paragraphs])
    np.save(job.output(EMBEDDINGS), vectors, allow_pickle=False)
    found = {
        "corpus": corpus.name,
        "paragraphs_in_corpus": len(corpus),
        "rule": dict(rule),
        "seed": job.seed,
        "eligible": len(eligible(corpus, rule["min_chars"])),
        "encoder": hub_id,
        "pooling": "mean of the last layer over non-padding tokens, unit length",
        "max_tokens": int(sentence_vectors.sentence_model(hub_id).max_seq_length),
        "paragraphs": paragraphs,
    }
    text = json.dumps(found, ensure_ascii=False, indent=1) + "\n"
    job.output(SAMPLE).write_text(text, encoding="utf-8")
