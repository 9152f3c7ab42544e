"""``LDA.png``: LDA's topics next to BERTopic's, on the same words, with one coherence.

LDA (scikit-learn, batch variational Bayes, seeded) is fitted on the same 300 ABC news
stories, counted by the same vectorizer as BERTopic's c-TF-IDF (same cleaning, stop
words and token pattern), with as many topics as BERTopic found. Both models' topics
are then scored by the same measure on the same tokenised text: NPMI of each topic's
top 10 words over boolean sliding windows of 10 tokens (as gensim's ``c_npmi``), the mean
over topics printed on the figure. What the slide claims about LDA (word counts only,
no context) is shown by its real topics, whatever the numbers say.

    >>> from part2.figures import lda
    >>> texts = [["israeli", "palestinian", "talks"], ["test", "match"]]
    >>> [round(x, 6) for x in lda.npmi([["israeli", "palestinian"]], texts)]
    [1.0]
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from course import corpora
from nlpdeck.figures import style
from nlpdeck.figures.target import Job

from . import topics

SUMMARY = "lda.json"
WINDOW = 10  # tokens per sliding window, as gensim's c_npmi
EPSILON = 1e-12
SIZE = (10.0, 3.5)


def fit(documents: Sequence[str], k: int, params: Mapping[str, Any], seed: int) -> dict[str, Any]:
    """LDA with ``k`` topics on the group's word counts: top words and weights per topic."""
    from sklearn.decomposition import LatentDirichletAllocation

    counter = topics.vectorizer(params["tokens"])
    counts = counter.fit_transform([topics.clean(d) for d in documents])
    model = LatentDirichletAllocation(
        n_components=k, learning_method="batch", max_iter=params["max_iter"], random_state=seed
    )
    doc_topics = model.fit_transform(counts)
    vocabulary = counter.get_feature_names_out()
    weights = model.components_ / model.components_.sum(axis=1, keepdims=True)
    top = np.argsort(-weights, axis=1, kind="stable")[:, : params["top_n_words"]]
    return {
        "words": [[str(vocabulary[i]) for i in row] for row in top],
        "weights": [[float(weights[t, i]) for i in row] for t, row in enumerate(top)],
        "dominant_documents": np.bincount(doc_topics.argmax(axis=1), minlength=k).tolist(),
        "vocabulary": len(vocabulary),
    }


def windows(text: Sequence[str], words: Sequence[str], size: int = WINDOW) -> np.ndarray:
    """Which of ``words`` each sliding window of ``size`` tokens contains:
    ``(windows, len(words))`` booleans; a text shorter than ``size`` is one window."""
    column = {w: i for i, w in enumerate(words)}
    hits = np.zeros((len(text) + 1, len(words)), dtype=np.int32)
    for position, token in enumerate(text):
        if token in column:
            hits[position + 1, column[token]] = 1
    seen = np.cumsum(hits, axis=0)  # seen[i]: occurrences among the first i tokens
    span = min(size, len(text))
    return np.asarray(seen[span:] - seen[: len(seen) - span] > 0)


def npmi(topic_words: Sequence[Sequence[str]], texts: Sequence[Sequence[str]]) -> list[float]:
    """NPMI coherence of each topic's words over ``texts``.

    P(w) and P(a, b) are the shares of sliding windows (``WINDOW`` tokens) that contain
    the word, or both words; a pair scores log(P(a,b) / P(a)P(b)) / -log P(a,b), with
    ``EPSILON`` added to P(a,b) as gensim does (a pair never seen together scores about
    -1); a topic scores the mean over its word pairs. This is gensim's ``c_npmi``, except
    that a word stays in a window while any copy of it is inside (gensim's sliding
    accumulator drops it when its leftmost copy leaves).
    """
    vocabulary = sorted({w for words in topic_words for w in words})
    column = {w: i for i, w in enumerate(vocabulary)}
    present = np.concatenate([windows(t, vocabulary) for t in texts]).astype(np.float64)
    p = present.mean(axis=0)
    joint = present.T @ present / len(present)
    scores = []
    for words in topic_words:
        pairs = [(column[a], column[b]) for i, a in enumerate(words) for b in words[i + 1 :]]
        both = np.array([joint[i, j] for i, j in pairs]) + EPSILON
        alone = np.array([p[i] * p[j] for i, j in pairs])
        scores.append(float(np.mean(np.log(both / alone) / -np.log(both))))
    return scores


def r(x: float) -> float:
    """Per-topic scores to 4 decimals; the means the figure and slide print to 3."""
    return round(float(x), 4)


def _column(
    ax: Any, rows: list[dict[str, Any]], mean: float, title: str, colours: list[str]
) -> None:
    y = np.arange(len(rows))[::-1]
    values = [row["npmi"] for row in rows]
    ax.barh(y, values, color=colours, height=0.68)
    ax.set_yticks(y, [" ".join(row["words"][:3]) for row in rows], fontsize=13)
    ax.axvline(0, color=style.MUTED, linewidth=0.8)
    ax.axvline(mean, color=style.INK, linestyle="--", linewidth=1.2)
    # right-aligned: the title extends left over the word labels, not out of the figure
    ax.set_title(f"{title}  平均 NPMI {mean:.3f}（虚线）", fontsize=14, loc="right")
    ax.tick_params(axis="x", labelsize=10)


def draw(job: Job) -> None:
    """Fit LDA with BERTopic's number of topics; score both; draw them side by side."""
    found = json.loads(job.need(topics.SUMMARY).read_text(encoding="utf-8"))
    if found["params"]["tokens"] != job.params["tokens"]:
        raise ValueError("LDA must count words as BERTopic did: same params['tokens']")
    corpus = corpora.abc_news()
    k = found["n_topics"]
    texts = topics.tokenise(corpus.documents, job.params["tokens"])
    lda = fit(corpus.documents, k, job.params, job.seed)
    n = job.params["top_n_words"]
    bertopic_words = [t["words"][:n] for t in found["topics"]]
    lda_scores, bt_scores = npmi(lda["words"], texts), npmi(bertopic_words, texts)
    lda_rows = [{"words": w, "npmi": r(c)} for w, c in zip(lda["words"], lda_scores, strict=True)]
    bt_rows = [
        {"topic": t["topic"], "label": t["label"], "words": w, "npmi": r(c)}
        for t, w, c in zip(found["topics"], bertopic_words, bt_scores, strict=True)
    ]
    summary = {
        "documents": len(corpus),
        "topics": k,
        "measure": f"NPMI over boolean sliding windows of {WINDOW} tokens, top {n} words",
        "tokens": job.params["tokens"],
        "lda": {
            "params": {"max_iter": job.params["max_iter"], "learning_method": "batch"},
            "vocabulary": lda["vocabulary"],
            "dominant_documents": lda["dominant_documents"],
            "topics": [
                {**row, "weights": [r(w) for w in ws]}
                for row, ws in zip(lda_rows, lda["weights"], strict=True)
            ],
            "npmi_mean": round(float(np.mean(lda_scores)), 3),
        },
        "bertopic": {
            "topics": bt_rows,
            "npmi_mean": round(float(np.mean(bt_scores)), 3),
            "outliers": found["outliers"],
        },
    }
    text = json.dumps(summary, ensure_ascii=False, indent=1) + "\n"
    job.output(SUMMARY).write_text(text, encoding="utf-8")

    fig, (left, right) = style.figure(SIZE, ncols=2, sharex=True)
    _column(left, lda_rows, summary["lda"]["npmi_mean"], "LDA（词频）", [style.MUTED] * k)
    colours = [topics.colour(row["topic"]) for row in bt_rows]
    _column(right, bt_rows, summary["bertopic"]["npmi_mean"], "BERTopic（句向量）", colours)
    fig.supxlabel(
        f"各 {k} 个主题，每行是一个主题的前 3 个词；同一语料、同一分词、同一度量\n"
        f"NPMI：主题前 {n} 个词在同一 10 词窗口中共同出现的程度（−1 到 1，越高越连贯）",
        fontsize=11,
        color=style.MUTED,
    )
    style.save(fig, job.output("LDA.png"))
