"""BERTopic and LDA on ABC news (slides "BERT的应用: BERTopic"): every number the figures
show, recomputed from the build's cached data (sentence vectors, topic assignments)
with code independent of the drawing code where it can be."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from figure_tags import printed_as_stored, quoted, read_json, tags
from part2.figures import topics
from part2.figures.targets import TARGETS

from course import corpora
from nlpdeck.figures import plotly_export

BERTOPIC = next(t for t in TARGETS if t.name == "bertopic")
LDA = next(t for t in TARGETS if t.name == "lda")


def values(array: Any) -> np.ndarray:
    """A plotly JSON array: a list, or a typed array ``{"dtype", "bdata"}`` (base64)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.asarray(array)


@pytest.fixture(scope="module")
def found(built_figures: Path) -> dict[str, Any]:
    return read_json(built_figures, "topics.json")


@pytest.fixture(scope="module")
def embeddings(built_figures: Path) -> np.ndarray:
    return np.load(built_figures / "data" / "abc_news_embeddings.npy")


def c_tf_idf(assignments: list[int]) -> tuple[list[int], np.ndarray, np.ndarray]:
    """c-TF-IDF written out (Grootendorst 2022): a topic's documents joined into one,
    word frequencies per topic L1-normalised, times log(1 + A / f_w) with A the average
    number of words per topic and f_w the word's frequency over all topics."""
    documents = corpora.abc_news().documents
    groups = sorted(set(assignments))
    joined = [
        " ".join(topics.clean(d) for d, a in zip(documents, assignments, strict=True) if a == g)
        for g in groups
    ]
    counter = topics.vectorizer(BERTOPIC.params["tokens"])
    counts = counter.fit_transform(joined).toarray().astype(float)
    tf = counts / counts.sum(axis=1, keepdims=True)
    idf = np.log(1 + int(counts.sum(axis=1).mean()) / counts.sum(axis=0))
    return groups, counter.get_feature_names_out(), tf * idf


def test_topic_sizes_are_the_assignments(found):
    assignments = found["assignments"]
    assert len(assignments) == found["corpus"]["documents"] == len(corpora.abc_news()) == 300
    sizes = {t["topic"]: t["size"] for t in found["topics"]}
    assert sorted(sizes) == list(range(found["n_topics"]))
    for topic, size in sizes.items():
        assert assignments.count(topic) == size >= BERTOPIC.params["min_topic_size"]
    assert assignments.count(-1) == found["outliers"]
    assert sum(sizes.values()) + found["outliers"] == 300
    assert found["outlier_percent"] == round(100 * found["outliers"] / 300, 1)
    assert 2 <= found["n_topics"] <= 30  # a topic structure, not one blob or noise


def test_topic_words_are_the_c_tf_idf_of_the_assignments(found):
    groups, vocabulary, scores = c_tf_idf(found["assignments"])
    assert_topic_words_are(found["topics"], groups, vocabulary, scores)


def assert_topic_words_are(
    found_topics: list[dict[str, Any]], groups: list[int], vocabulary: Any, scores: Any
) -> None:
    """Each topic's words have the c-TF-IDF scores shown, and those are the topic's
    highest (words with equal scores may come in either order); labels are its first 3."""
    column = {str(w): i for i, w in enumerate(vocabulary)}
    for topic in found_topics:
        row = scores[groups.index(topic["topic"])]
        shown = [row[column[w]] for w in topic["words"]]
        np.testing.assert_allclose(topic["scores"], shown, rtol=1e-9)
        np.testing.assert_allclose(shown, np.sort(row)[::-1][: len(shown)], rtol=1e-9)
        assert topic["label"] == f"{topic['topic']} " + ", ".join(topic["words"][:3])


def test_barchart_shows_the_c_tf_idf_scores(built_figures, found):
    figure = read_json(built_figures, "bertopic/barchart.plotly.json")
    assert len(figure["data"]) == found["n_topics"]
    for trace, topic in zip(figure["data"], found["topics"], strict=True):
        words = [w.strip() for w in values(trace["y"])][::-1]  # drawn bottom-up
        shown = values(trace["x"])[::-1]
        assert words == topic["words"][: len(words)] and len(words) == 5
        np.testing.assert_allclose(shown, topic["scores"][:5], rtol=1e-12)
    titles = [a["text"] for a in figure["layout"]["annotations"]]
    assert titles == [t["label"] for t in found["topics"]]


def test_topic_words_are_words_not_stop_words(found):
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    stop = ENGLISH_STOP_WORDS | set(BERTOPIC.params["tokens"]["extra_stop_words"])
    for topic in found["topics"]:
        for word in topic["words"]:
            assert word not in stop and re.fullmatch(r"[a-z]{2,}", word), (topic["label"], word)


def test_a_second_fit_gives_the_same_topics_and_map(found, embeddings):
    model = topics.fit(corpora.abc_news().documents, embeddings, BERTOPIC.params, BERTOPIC.seed)
    assert [int(t) for t in model.topics_] == found["assignments"]
    np.testing.assert_allclose(model.umap_model.embedding_, found["umap_2d"], atol=1e-5)


def test_document_map_places_each_document_at_its_umap_point(built_figures, found):
    figure = read_json(built_figures, "bertopic/documents.plotly.json")
    xy = np.asarray(found["umap_2d"])
    assignments = np.asarray(found["assignments"])
    labels = {t["label"]: t["topic"] for t in found["topics"]}
    shown = {labels[trace["name"]]: trace for trace in figure["data"] if trace["name"] in labels}
    assert sorted(shown) == list(range(found["n_topics"]))
    (outliers,) = [trace for trace in figure["data"] if trace["name"] not in labels]
    assert outliers["name"] == f"离群（{found['outliers']} 篇）"
    shown[-1] = outliers
    for topic, trace in shown.items():
        points = np.column_stack([values(trace["x"]), values(trace["y"])]).astype(float)
        expected = xy[assignments == topic]
        assert len(points) == len(expected)
        np.testing.assert_allclose(np.sort(points, axis=0), np.sort(expected, axis=0), atol=1e-4)


def test_intertopic_map_is_mds_of_topic_mean_vectors(built_figures, found, embeddings):
    figure = read_json(built_figures, "bertopic/topics.plotly.json")
    bubbles = figure["data"][0]
    assignments = np.asarray(found["assignments"])
    means = np.stack([embeddings[assignments == t].mean(axis=0) for t in range(found["n_topics"])])
    xy = topics.topic_map(means)
    np.testing.assert_allclose(values(bubbles["x"]), xy[:, 0], atol=1e-9)
    np.testing.assert_allclose(values(bubbles["y"]), xy[:, 1], atol=1e-9)
    # classical MDS: the plane's inner products are the best rank-2 approximation of the
    # double-centred squared cosine distances (whatever the signs of the axes)
    unit = means / np.linalg.norm(means, axis=1, keepdims=True)
    cosine = 1 - unit @ unit.T
    n = len(cosine)
    centre = np.eye(n) - 1 / n
    gram = -0.5 * centre @ cosine**2 @ centre
    eigenvalues, eigenvectors = np.linalg.eigh(gram)
    top = eigenvectors[:, -2:] * eigenvalues[-2:]
    np.testing.assert_allclose(xy @ xy.T, top @ eigenvectors[:, -2:].T, atol=1e-9)
    # and the slide's "distance = cosine distance" holds in rank: far topics lie far apart
    planar = np.linalg.norm(xy[:, None] - xy[None], axis=2)
    pairs = np.triu_indices(n, 1)
    ranks = [np.argsort(np.argsort(d[pairs])) for d in (cosine, planar)]
    assert np.corrcoef(*ranks)[0, 1] > 0.5
    assert [int(c[2]) for c in bubbles["customdata"]] == [t["size"] for t in found["topics"]]


def test_hierarchy_leaves_are_the_topics(built_figures, found):
    figure = read_json(built_figures, "bertopic/hierarchy.plotly.json")
    leaves = sorted(figure["layout"]["yaxis"]["ticktext"])
    assert leaves == sorted(t["label"] for t in found["topics"])


def npmi(words: list[str], texts: list[list[str]], window: int = 10) -> float:
    """NPMI of a word list, written out: boolean sliding windows of ``window`` tokens
    (a shorter text is one window), mean over word pairs of
    log(P(a,b) / P(a)P(b)) / -log P(a,b), with gensim's epsilon 1e-12."""
    wanted = set(words)
    windows = []
    for text in texts:
        spans = [text[i : i + window] for i in range(len(text) - window + 1)] or [text]
        windows += [wanted.intersection(span) for span in spans]
    n = len(windows)
    p = {w: sum(w in s for s in windows) / n for w in words}
    scores = []
    for i, a in enumerate(words):
        for b in words[i + 1 :]:
            joint = sum(a in s and b in s for s in windows) / n
            scores.append(np.log((joint + 1e-12) / (p[a] * p[b])) / -np.log(joint + 1e-12))
    return float(np.mean(scores))


def test_coherence_printed_for_both_models_is_recomputed(built_figures, found):
    summary = read_json(built_figures, "lda.json")
    texts = topics.tokenise(corpora.abc_news().documents, LDA.params["tokens"])
    assert summary["topics"] == found["n_topics"] == len(summary["lda"]["topics"])
    for model in ("lda", "bertopic"):
        rows = summary[model]["topics"]
        for row in rows:
            assert len(row["words"]) == LDA.params["top_n_words"]
            assert row["npmi"] == pytest.approx(npmi(row["words"], texts), abs=1e-4)
        mean = np.mean([npmi(row["words"], texts) for row in rows])
        assert summary[model]["npmi_mean"] == pytest.approx(mean, abs=5e-4)  # to 3 places
    bertopic_words = [t["words"][: LDA.params["top_n_words"]] for t in found["topics"]]
    assert [row["words"] for row in summary["bertopic"]["topics"]] == bertopic_words
    assert LDA.params["tokens"] == BERTOPIC.params["tokens"]  # the same tokenisation


def test_lda_topics_are_refitted_identically(built_figures, found):
    from part2.figures import lda

    summary = read_json(built_figures, "lda.json")
    again = lda.fit(corpora.abc_news().documents, found["n_topics"], LDA.params, LDA.seed)
    assert again["words"] == [row["words"] for row in summary["lda"]["topics"]]
    assert sum(summary["lda"]["dominant_documents"]) == 300


def test_every_interactive_view_has_json_and_png(built_figures):
    views = tags("plotlyfigure")
    assert len(views) >= 4
    for view in views:
        json_name, png_name = plotly_export.outputs(view.attrs["name"])
        assert (built_figures / json_name).is_file() and (built_figures / png_name).is_file()
        assert view.images == (f"./image/{png_name}",), f"slides.md:{view.line}"
        assert read_json(built_figures, json_name)["data"], json_name
        assert (built_figures / png_name).read_bytes()[:4] == b"\x89PNG"


# the deck's numeric <FigureNumber> sources (<of>.json); classification.json, which
# also quotes a text verdict, is checked in test_fig_classification
NUMERIC_QUOTES = ("topics", "lda", "chinese_topics", "chinese_classification")


def test_every_quoted_figure_is_checked():
    """A new ``of=`` in the deck fails here until a test checks its numbers."""
    found = {t.attrs["of"] for t in tags("figurenumber")}
    assert found == {*NUMERIC_QUOTES, "classification"}


@pytest.mark.parametrize("of", NUMERIC_QUOTES)
def test_numbers_the_slides_quote_exist(built_figures, of):
    shown = quoted(built_figures, of)
    assert shown, f"no <FigureNumber of={of!r}> in the deck"
    for tag, value in shown:
        assert isinstance(value, int | float), f"slides.md:{tag.line} {tag.attrs['at']}"
        assert printed_as_stored(tag, value), f"slides.md:{tag.line} {tag.attrs['at']}={value}"
