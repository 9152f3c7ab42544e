"""Static versus contextual word vectors: the numbers of the slides "BERT的直观理解".

A static vector is one row of the encoder's input embedding table, so "bank" gets the
same vector in every sentence, whatever it means there. A contextual vector is the
encoder's hidden state at that token, so it depends on the whole sentence. The numbers
are pure functions of (tokenizer, model, sentences), computed here; the drawing
functions (embedding_figures.py) only draw them, and the tests recompute them.

    >>> from nlpdeck.figures import encoder
    >>> from part2.figures import embeddings
    >>> found = embeddings.read_senses(Path(embeddings.SENSES_FILE))  # doctest: +SKIP
    >>> tok, model = encoder.load("sentence-transformers/all-MiniLM-L6-v2")  # doctest: +SKIP
    >>> vectors = embeddings.word_vectors(tok, model, found, "bank")  # doctest: +SKIP
    >>> embeddings.summary(vectors)["separation_by_layer"]  # doctest: +SKIP
    [0.0038, 0.0366, 0.0609, 0.0737, 0.0736, 0.0591, 0.0765]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SENSES_FILE = "figures/data/senses.tsv"  # from the deck's folder
COLUMNS = ("word", "sense", "sentence")


@dataclass(frozen=True)
class Occurrence:
    """One sentence using ``word`` in ``sense``, with its place in the data file."""

    word: str
    sense: str
    sentence: str
    path: Path
    line: int


def read_senses(path: Path) -> list[Occurrence]:
    """The rows of a ``word<TAB>sense<TAB>sentence`` file; ``#`` lines are comments."""
    found = []
    header_seen = False
    for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip() or text.startswith("#"):
            continue
        cells = tuple(c.strip() for c in text.split("\t"))
        if not header_seen:
            if cells != COLUMNS:
                raise ValueError(f"{path}:{line}: the header must be {' TAB '.join(COLUMNS)}")
            header_seen = True
        elif len(cells) != len(COLUMNS) or not all(cells):
            raise ValueError(f"{path}:{line}: expected 3 tab-separated cells, got {text!r}")
        else:
            word, sense, sentence = cells
            found.append(Occurrence(word, sense, sentence, path, line))
    return found


def of_word(occurrences: Sequence[Occurrence], word: str) -> list[Occurrence]:
    """The occurrences of ``word``, grouped by sense in the order senses first appear."""
    mine = [o for o in occurrences if o.word == word]
    if not mine:
        raise ValueError(f"no sentences for {word!r} in {SENSES_FILE}")
    order = list(dict.fromkeys(o.sense for o in mine))
    return sorted(mine, key=lambda o: order.index(o.sense))


def token_index(tokenizer: Any, occurrence: Occurrence) -> int:
    """Position of the word's one WordPiece token in the encoded sentence."""
    word, where = occurrence.word, f"{occurrence.path}:{occurrence.line}"
    pieces = tokenizer.tokenize(word)
    if pieces != [word]:
        raise ValueError(f"{where}: {word!r} is not one WordPiece token but {pieces}")
    ids = tokenizer(occurrence.sentence)["input_ids"]
    hits = [i for i, t in enumerate(ids) if t == tokenizer.convert_tokens_to_ids(word)]
    if len(hits) != 1:
        raise ValueError(f"{where}: {word!r} must occur once as a token, found {len(hits)}")
    return hits[0]


def static_vectors(tokenizer: Any, model: Any, occurrences: Sequence[Occurrence]) -> np.ndarray:
    """The input embedding row of each occurrence's token, ``(n, hidden)``: what a static
    model such as Word2Vec gives, a look-up of the word that never sees the sentence."""
    table = model.embeddings.word_embeddings.weight.detach().numpy()
    rows = []
    for o in occurrences:
        ids = tokenizer(o.sentence)["input_ids"]
        rows.append(table[ids[token_index(tokenizer, o)]])
    return np.stack(rows)


def hidden_states(tokenizer: Any, model: Any, occurrences: Sequence[Occurrence]) -> np.ndarray:
    """The word's vector after each layer, ``(layers + 1, n, hidden)``; index 0 is the
    embedding layer's output (token + position embeddings, normalised)."""
    import torch

    positions = torch.tensor([token_index(tokenizer, o) for o in occurrences])
    batch = tokenizer([o.sentence for o in occurrences], padding=True, return_tensors="pt")
    with torch.no_grad():
        states = model(**batch, output_hidden_states=True).hidden_states
    rows = torch.arange(len(occurrences))
    return np.stack([s[rows, positions].numpy() for s in states])


def cosine_matrix(vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity between every two rows."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(unit @ unit.T)


def same_and_cross(cosines: np.ndarray, senses: Sequence[str]) -> tuple[float, float]:
    """Mean cosine over pairs with the same sense (a vector with itself left out) and
    over pairs with different senses."""
    labels = np.asarray(senses)
    same = labels[:, None] == labels[None, :]
    off_diagonal = ~np.eye(len(labels), dtype=bool)
    return float(cosines[same & off_diagonal].mean()), float(cosines[~same].mean())


def block_means(cosines: np.ndarray, senses: Sequence[str]) -> list[dict[str, Any]]:
    """Mean cosine of each (row sense, column sense) block of the heatmap, a vector with
    itself left out: the numbers written on the heatmap."""
    labels = np.asarray(senses)
    off_diagonal = ~np.eye(len(labels), dtype=bool)
    order = list(dict.fromkeys(senses))
    return [
        {
            "rows": a,
            "columns": b,
            "cosine": rounded(cosines[np.outer(labels == a, labels == b) & off_diagonal].mean()),
        }
        for a in order
        for b in order
    ]


def project(vectors: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """2-D PCA of the rows (exact SVD: the same input gives the same picture) and the
    share of variance each axis explains."""
    from sklearn.decomposition import PCA

    pca = PCA(n_components=2, svd_solver="full")
    xy = pca.fit_transform(vectors)
    return xy, [float(v) for v in pca.explained_variance_ratio_]


@dataclass(frozen=True)
class WordVectors:
    """One word's occurrences (grouped by sense) and its vectors in each of them."""

    word: str
    occurrences: list[Occurrence]
    token_id: int
    static: np.ndarray  # (n, hidden): the input embedding row, per occurrence
    states: np.ndarray  # (layers + 1, n, hidden): hidden states at the word's token

    @property
    def senses(self) -> list[str]:
        return [o.sense for o in self.occurrences]

    @property
    def last_layer(self) -> int:
        return len(self.states) - 1


def word_vectors(
    tokenizer: Any, model: Any, occurrences: Sequence[Occurrence], word: str
) -> WordVectors:
    """Static and per-layer contextual vectors of every occurrence of ``word``."""
    mine = of_word(occurrences, word)
    return WordVectors(
        word=word,
        occurrences=mine,
        token_id=int(tokenizer.convert_tokens_to_ids(word)),
        static=static_vectors(tokenizer, model, mine),
        states=hidden_states(tokenizer, model, mine),
    )


def summary(vectors: WordVectors) -> dict[str, Any]:
    """The numbers the figures show for one word, as ``contextual_embeddings.json`` holds
    them: per layer, the mean same-sense and cross-sense cosine and their difference (the
    separation); at the last layer also the heatmap's block means and the PCA's shares."""
    senses = vectors.senses
    layers = [same_and_cross(cosine_matrix(h), senses) for h in vectors.states]
    same, cross = layers[-1]
    return {
        "senses": {s: senses.count(s) for s in dict.fromkeys(senses)},
        "token_id": vectors.token_id,
        "static_vectors_identical": bool((vectors.static == vectors.static[0]).all()),
        "same_sense_cosine_by_layer": [rounded(s) for s, _ in layers],
        "cross_sense_cosine_by_layer": [rounded(c) for _, c in layers],
        "separation_by_layer": [rounded(s - c) for s, c in layers],
        "last_layer": {
            "layer": vectors.last_layer,
            "same_sense_cosine": rounded(same),
            "cross_sense_cosine": rounded(cross),
            "separation": rounded(same - cross),
            "block_means": block_means(cosine_matrix(vectors.states[-1]), senses),
            "pca_explained_variance": [rounded(v) for v in project(vectors.states[-1])[1]],
        },
    }


def rounded(x: float) -> float:
    """As stored in JSON: 4 decimals, far finer than any figure shows."""
    return round(float(x), 4)
