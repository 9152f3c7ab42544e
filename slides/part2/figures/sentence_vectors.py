"""Sentence embeddings of a corpus, computed once and cached as a figure input.

The topic and classification figures all start from the catalog encoder's sentence
vectors (mean-pooled, unit length, as sentence-transformers computes them). Encoding
is the slow step, so one target writes them to ``image/data/<corpus>_embeddings.npy``
and the targets that fit models on them declare it in ``needs``.

    >>> from part2.figures import sentence_vectors
    >>> vectors = sentence_vectors.encode("sentence-transformers/all-MiniLM-L6-v2",
    ...                                   ["The weather is lovely today."])  # doctest: +SKIP
    >>> vectors.shape                                                        # doctest: +SKIP
    (1, 384)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from nlpdeck import models
from nlpdeck.figures.target import Job

BATCH = 32


@cache
def sentence_model(hub_id: str) -> Any:
    """A ``SentenceTransformer`` from the local cache only (never the Hub, even for its card)."""
    models.require(hub_id)
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(hub_id, device="cpu", local_files_only=True)


def encode(hub_id: str, texts: Sequence[str]) -> np.ndarray:
    """``(len(texts), dim)`` float32 unit vectors."""
    vectors = sentence_model(hub_id).encode(
        list(texts), batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False
    )
    return np.asarray(vectors, dtype=np.float32)


def draw(job: Job) -> None:
    """Encode the target's one corpus with its one model into its one ``.npy`` output."""
    (corpus,), (role,), (output,) = job.target.corpora, job.target.models, job.target.outputs
    documents = corpus.load().documents
    np.save(job.output(output), encode(job.model(role), documents), allow_pickle=False)
