"""What the demos share, loaded once per kernel however many demos import it: the
English sentence encoder, and the corpus vectors the figure build already computed.

Not a demo (its name starts with `_`): the demos import it, the deck shows none of it.
"""

import os
from functools import cache

import numpy as np
from sentence_transformers import SentenceTransformer

try:  # in the deck: the figure build's cache; in a take-home notebook, encode here
    from nlpdeck.figures.build import reusable_output
except ImportError:

    def reusable_output(name: str) -> None:
        return None


MODEL = "sentence-transformers/all-MiniLM-L6-v2"


@cache
def sentence_encoder() -> SentenceTransformer:
    """MiniLM, loaded on first use: from the local cache when offline (the deck), else
    downloaded once (a take-home notebook)."""
    return SentenceTransformer(MODEL, local_files_only=os.environ.get("HF_HUB_OFFLINE") == "1")


def corpus_vectors(texts: list[str], cached: str) -> np.ndarray:
    """Sentence vectors of `texts`: the figure build's file `cached` (in the deck's
    image/) when it was made from the same corpus and model revision as now, else
    encoded here, a few seconds per hundred texts."""
    path = reusable_output(cached)
    if path is not None:
        vectors = np.load(path)
        if len(vectors) == len(texts):
            return vectors
    return sentence_encoder().encode(texts, batch_size=32)
