"""The corpus split: which People's Daily paragraphs train the model, which are held out.

A paragraph's index decides, by its hash, so the split never changes with the seed:

    >>> from course.pretrain import data
    >>> [i for i in range(40) if data.is_heldout(i)]
    [0, 9, 10, 33]
"""

from __future__ import annotations

import hashlib

from course import corpora

HELDOUT_ONE_IN = 20  # paragraph i is held out when sha256(str(i)) % 20 == 0 (~5%)


def is_heldout(index: int) -> bool:
    """Whether paragraph ``index`` belongs to the held-out split (deterministic, ~5%)."""
    digest = hashlib.sha256(str(index).encode()).digest()
    return int.from_bytes(digest[:8], "big") % HELDOUT_ONE_IN == 0


def split(corpus: corpora.Corpus) -> tuple[list[str], list[str]]:
    """Training and held-out paragraphs, in corpus order."""
    train: list[str] = []
    heldout: list[str] = []
    for index, text in enumerate(corpus.documents):
        (heldout if is_heldout(index) else train).append(text)
    return train, heldout
