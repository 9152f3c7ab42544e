"""What the demos share, loaded once per kernel however many demos import it: the
English sentence encoder, and the corpus vectors the figure build already computed.

Not a demo (its name starts with `_`): the demos import it, the deck shows none of it.
"""

from functools import cache

import numpy as np
from sentence_transformers import SentenceTransformer

from nlpdeck.figures.build import reusable_output

MODEL = "sentence-transformers/all-MiniLM-L6-v2"


@cache
def sentence_encoder() -> SentenceTransformer:
    """MiniLM from the local cache, loaded on first use."""
    return SentenceTransformer(MODEL, local_files_only=True)


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
