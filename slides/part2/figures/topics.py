"""BERTopic on ABC news: the figures of the slides "BERT的应用: BERTopic".

One run of BERTopic on the 300 Lee stories, from sentence vectors cached by the
``abc-news-embeddings`` target, gives every figure of this group: the pipeline
(``BERTopic.png``), topic word scores, the intertopic distance map, the document map
and the topic hierarchy (each as plotly JSON and PNG), and ``topics.json`` with the
numbers the slides quote and the tests recompute.

Choices, stated once (they are the target's params):

- UMAP reduces to 2 dimensions, seeded, so HDBSCAN clusters exactly the plane that the
  pipeline figure and the document map show;
- ``min_topic_size`` (HDBSCAN's ``min_cluster_size``) is 10: a topic is at least ~3% of
  300 stories, few enough topics to read on one slide;
- text is cleaned to letters, digits and spaces (BERTopic does this itself for English,
  but by deleting characters: "Governor-General" became one word), then counted by a
  ``CountVectorizer`` with scikit-learn's English stop words plus a few news words
  ("said", "says", "mr") and tokens of two or more letters. LDA uses the same.

    >>> from part2.figures import topics
    >>> topics.clean("Governor-General's 2001 visit")
    'Governor General s 2001 visit'
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from course import corpora
from nlpdeck.figures import plotly_export
from nlpdeck.figures.target import Job

from . import topic_pipeline
from .topic_pipeline import OUTLIER, colour

EMBEDDINGS = "data/abc_news_embeddings.npy"
SUMMARY = "topics.json"
INTERACTIVE = ("bertopic/barchart", "bertopic/topics", "bertopic/documents", "bertopic/hierarchy")
VIEW = (900, 360)  # CSS pixels: what fits under a slide's title and one line of text
RE_NOT_WORD = re.compile(r"[^A-Za-z0-9 ]+")


def clean(text: str) -> str:
    """Letters, digits and single spaces only, the way BERTopic reads English (but
    splitting "Governor-General" into two words instead of gluing it into one)."""
    return " ".join(RE_NOT_WORD.sub(" ", text).split())


def vectorizer(tokens: Mapping[str, Any]) -> Any:
    """The one word counter of this group: BERTopic's c-TF-IDF and LDA both use it."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    if tokens["stop_words"] != "english":
        raise ValueError("only scikit-learn's English stop word list is supported")
    stop = sorted(ENGLISH_STOP_WORDS | set(tokens["extra_stop_words"]))
    return CountVectorizer(stop_words=stop, token_pattern=tokens["token_pattern"])


def tokenise(documents: Sequence[str], tokens: Mapping[str, Any]) -> list[list[str]]:
    """Each document as the words the vectorizer counts (stop words removed), in order."""
    analyse = vectorizer(tokens).build_analyzer()
    return [analyse(clean(d)) for d in documents]


def fit(
    documents: Sequence[str],
    embeddings: np.ndarray | None,
    params: Mapping[str, Any],
    seed: int,
    embedding_model: Any = None,
) -> Any:
    """A fitted BERTopic, labelled with each topic's first words (custom labels).

    Pass the cached ``embeddings``, or ``embedding_model`` (a SentenceTransformer
    instance, never a name) to let BERTopic encode the documents itself (then it
    encodes the cleaned text: ``make bench`` uses this to time what the cache saves).
    """
    return fit_texts(
        [clean(d) for d in documents],
        embeddings,
        params,
        seed,
        vectorizer_model=vectorizer(params["tokens"]),
        embedding_model=embedding_model,
    )


def fit_texts(
    texts: Sequence[str],
    embeddings: np.ndarray | None,
    params: Mapping[str, Any],
    seed: int,
    vectorizer_model: Any,
    embedding_model: Any = None,
    language: str = "english",
) -> Any:
    """BERTopic with seeded UMAP fitted on texts ready for ``vectorizer_model`` (English
    cleaned, Chinese segmented), labelled with each topic's first words."""
    from bertopic import BERTopic
    from umap import UMAP

    model = BERTopic(
        language=language,
        embedding_model=embedding_model,
        umap_model=UMAP(random_state=seed, **params["umap"]),
        vectorizer_model=vectorizer_model,
        min_topic_size=params["min_topic_size"],
        top_n_words=params["top_n_words"],
    )
    with warnings.catch_warnings():  # seeded UMAP says it runs on one thread: we know
        warnings.filterwarnings("ignore", message="n_jobs value", category=UserWarning)
        model.fit(list(texts), embeddings)
    model.set_topic_labels(labels(model, params["label_words"]))
    return model


def labels(model: Any, words: int) -> dict[int, str]:
    """``{0: "0 test, south, match", …}``: the topic's number and its first words."""
    return {
        t: f"{t} " + ", ".join(w for w, _ in model.get_topic(t)[:words])
        for t in model.get_topics()
        if t != OUTLIER
    }


def topic_ids(model: Any) -> list[int]:
    """The topics proper, in BERTopic's order (largest first), without the outliers."""
    return sorted(t for t in model.get_topics() if t != OUTLIER)


def summary(
    model: Any, corpus: corpora.Corpus, embeddings: np.ndarray, encoder: str, job: Job
) -> dict[str, Any]:
    """The numbers the slides quote and the tests recompute (``topics.json``)."""
    assignments = [int(t) for t in model.topics_]
    sizes = model.get_topic_freq().set_index("Topic")["Count"]
    topics = [
        {
            "topic": t,
            "label": model.custom_labels_[t + model._outliers],
            "size": int(sizes[t]),
            "words": [w for w, _ in model.get_topic(t)],
            "scores": [float(s) for _, s in model.get_topic(t)],
        }
        for t in topic_ids(model)
    ]
    outliers = assignments.count(OUTLIER)
    return {
        "corpus": {"name": corpus.name, "documents": len(corpus), "citation": corpus.citation},
        "encoder": encoder,
        "embedding_dim": int(embeddings.shape[1]),
        "params": dict(job.params),
        "seed": job.seed,
        "n_topics": len(topics),
        "outliers": outliers,
        "outlier_percent": round(100 * outliers / len(assignments), 1),
        "largest_topic": max(t["size"] for t in topics),
        "smallest_topic": min(t["size"] for t in topics),
        "vocabulary": len(model.vectorizer_model.get_feature_names_out()),
        "topics": topics,
        "assignments": assignments,
        "umap_2d": [
            [round(float(x), 5), round(float(y), 5)] for x, y in model.umap_model.embedding_
        ],
    }


def hover_text(document: str, chars: int = 110) -> str:
    return document if len(document) <= chars else document[:chars].rsplit(" ", 1)[0] + " …"


def topic_map(topic_vectors: np.ndarray) -> np.ndarray:
    """2-D positions of topics whose distances follow the vectors' cosine distances:
    classical MDS (PCoA), as LDAvis places topics; each axis's sign is fixed so its
    largest coordinate is positive. ``topic_vectors`` is one row per topic."""
    unit = topic_vectors / np.linalg.norm(topic_vectors, axis=1, keepdims=True)
    squared = (1.0 - unit @ unit.T) ** 2
    n = len(unit)
    centre = np.eye(n) - np.ones((n, n)) / n
    values, vectors = np.linalg.eigh(-0.5 * centre @ squared @ centre)
    top = np.argsort(values)[::-1][:2]
    xy = vectors[:, top] * np.sqrt(np.clip(values[top], 0.0, None))
    signs = np.sign(xy[np.abs(xy).argmax(axis=0), [0, 1]])
    return np.asarray(xy * np.where(signs == 0, 1.0, signs))


def _placed(fig: Any, xy: np.ndarray) -> Any:
    """BERTopic's intertopic distance map with the topics at ``xy``, all inside the frame.

    BERTopic places topics by UMAP with 2 neighbours, which on ten points breaks them
    into clumps whose distances mean little, and pads its axes by 15% of the
    coordinates' absolute values, which clips bubbles near zero.
    """
    points = fig.data[0]
    points.update(
        x=xy[:, 0],
        y=xy[:, 1],
        mode="markers+text",
        text=[str(c[0]) for c in points.customdata],
        textfont={"size": 13, "color": "#1f2328"},
    )
    ranges = []
    for values in (xy[:, 0], xy[:, 1]):
        pad = 0.2 * (values.max() - values.min())
        ranges.append((float(values.min() - pad), float(values.max() + pad)))
    (x0, x1), (y0, y1) = ranges
    fig.update_xaxes(range=[x0, x1])
    fig.update_yaxes(range=[y0, y1])
    vertical, horizontal = fig.layout.shapes
    vertical.update(x0=(x0 + x1) / 2, x1=(x0 + x1) / 2, y0=y0, y1=y1)
    horizontal.update(x0=x0, x1=x1, y0=(y0 + y1) / 2, y1=(y0 + y1) / 2)
    d1, d2 = fig.layout.annotations
    d1.update(x=x0, y=(y0 + y1) / 2)
    d2.update(x=(x0 + x1) / 2, y=y1)
    # the topics' words beside the map, so the static PNG says which bubble is which
    fig.update_xaxes(domain=[0.0, 0.66])
    fig.add_annotation(
        xref="paper",
        yref="paper",
        x=0.69,
        y=1.0,
        xanchor="left",
        yanchor="top",
        align="left",
        showarrow=False,
        font={"size": 13},
        text="<br>".join(
            f"{c[1]}  <span style='color:#6e7781'>({c[2]} 篇)</span>" for c in points.customdata
        )
        + "<br><br><span style='color:#6e7781'>气泡面积 ∝ 文档数；位置：主题平均句向量的<br>"
        "余弦距离经典 MDS（BERTopic 原用 UMAP）</span>",
    )
    fig.update_layout(sliders=[{**fig.layout.sliders[0].to_plotly_json(), "pad": {"t": 10}}])
    return fig


def barchart(model: Any) -> Any:
    """BERTopic's topic word scores: each topic's 5 best words, in the topic colours."""
    ids = topic_ids(model)
    bars = model.visualize_barchart(
        topics=ids, n_words=5, custom_labels=True, title="", width=225, height=140
    )
    for trace, t in zip(bars.data, ids, strict=True):
        trace.marker.color = colour(t)
    plotly_export.deck_layout(bars, *VIEW, margin={"l": 10, "r": 30, "t": 30, "b": 10})
    bars.update_annotations(font_size=13)
    bars.update_xaxes(nticks=4, tickfont_size=11)
    bars.update_yaxes(tickfont_size=12)
    return bars


def document_map(model: Any, hover: Sequence[str], seed: int) -> Any:
    """BERTopic's document map on the UMAP plane it clustered: one point per document
    (``hover`` is its text), coloured by topic, outliers grey and counted in the legend."""
    # visualize_documents shuffles each topic's documents with numpy's global generator
    np.random.seed(seed)
    docs = model.visualize_documents(
        list(hover),
        reduced_embeddings=model.umap_model.embedding_,
        custom_labels=True,
        hide_annotations=True,
        title="",
    )
    by_label = {model.custom_labels_[t + model._outliers]: t for t in topic_ids(model)}
    for trace in docs.data:
        if trace.name in by_label:
            trace.marker.color = colour(by_label[trace.name])
            trace.marker.opacity = 0.8
        elif trace.name == "other":  # the outliers, plus a blank point at their centre
            real = [i for i, text in enumerate(trace.hovertext) if isinstance(text, str)]
            trace.update(
                x=[trace.x[i] for i in real],
                y=[trace.y[i] for i in real],
                hovertext=[trace.hovertext[i] for i in real],
                name=f"离群（{len(real)} 篇）",
                showlegend=True,
                marker={"color": "#9aa1a9", "opacity": 0.6},
            )
    plotly_export.deck_layout(
        docs, *VIEW, margin={"l": 10, "r": 10, "t": 10, "b": 10}, legend={"font_size": 13}
    )
    return docs


def interactive(model: Any, documents: Sequence[str], seed: int) -> dict[str, Any]:
    """BERTopic's own plotly figures, in the deck's fonts and topic colours."""
    bars = barchart(model)

    distance = model.visualize_topics(custom_labels=True, title="", width=VIEW[0], height=VIEW[1])
    _placed(distance, topic_map(np.asarray(model.topic_embeddings_)[model._outliers :]))
    plotly_export.deck_layout(distance, *VIEW, margin={"l": 30, "r": 40, "t": 10, "b": 10})

    docs = document_map(model, [hover_text(d) for d in documents], seed)

    tree = model.visualize_hierarchy(
        custom_labels=True,
        title="",
        hierarchical_topics=model.hierarchical_topics([clean(d) for d in documents]),
        width=VIEW[0],
        height=VIEW[1],
    )
    plotly_export.deck_layout(tree, *VIEW, margin={"l": 10, "r": 10, "t": 10, "b": 30})
    tree.update_xaxes(title_text="主题间距离（c-TF-IDF 余弦距离，Ward 聚合）", title_font_size=13)
    return dict(zip(INTERACTIVE, (bars, distance, docs, tree), strict=True))


def draw(job: Job) -> None:
    """Fit BERTopic once; write the numbers, the pipeline figure and the four views."""
    corpus = corpora.abc_news()
    embeddings = np.load(job.need(EMBEDDINGS))
    model = fit(corpus.documents, embeddings, job.params, job.seed)
    found = summary(model, corpus, embeddings, job.model(job.target.models[0]), job)
    text = json.dumps(found, ensure_ascii=False, indent=1) + "\n"
    job.output(SUMMARY).write_text(text, encoding="utf-8")
    topic_pipeline.draw(found, corpus, embeddings, job.output("BERTopic.png"))
    plotly_export.write(job, interactive(model, corpus.documents, job.seed))
