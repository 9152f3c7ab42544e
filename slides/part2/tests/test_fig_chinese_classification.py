"""Chinese review polarity: bag of characters vs the project's own small Chinese BERT,
frozen (features + logistic regression) and fine-tuned. The split, the scores, the
intervals and the verdicts recomputed from the build's outputs, with code independent of
the drawing code where it can be; the figure checked for missing glyphs and overlaps."""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

import deck_font
import numpy as np
import pytest
from figure_tags import read_json
from part2.figures import chinese_classification, chinese_fine_tune
from part2.figures.targets import TARGETS
from test_fig_classification import resampled_scores, sklearn_scores

from course import corpora
from nlpdeck.figures import style

TUNING = next(t for t in TARGETS if t.name == "chinese-fine-tuning")
SCORING = next(t for t in TARGETS if t.name == "chinese-classification")
METHODS = ("character_bag", "feature_extraction", "fine_tuning")
PARTS = ("train", "held_out")


@pytest.fixture(scope="module")
def found(built_figures: Path) -> dict[str, Any]:
    return read_json(built_figures, chinese_classification.SUMMARY)


@pytest.fixture(scope="module")
def tuned(built_figures: Path) -> dict[str, Any]:
    return read_json(built_figures, chinese_fine_tune.OUTPUT)


@pytest.fixture(scope="module")
def reviews() -> corpora.Corpus:
    return corpora.chinese_reviews()


@pytest.fixture(scope="module")
def encoder(found) -> tuple[Any, Any]:
    """The tokenizer and plain transformers encoder the figure names, loaded once."""
    from transformers import AutoModel, AutoTokenizer

    hub_id = found["model"]["hub_id"]
    return AutoTokenizer.from_pretrained(hub_id), AutoModel.from_pretrained(hub_id)


@pytest.fixture(scope="module")
def truth(found, reviews) -> np.ndarray:
    labels = reviews.labels
    return np.array([found["classes"].index(labels[i]) for i in found["split"]["held_out_indices"]])


@pytest.fixture(scope="module")
def texts(tuned, reviews) -> dict[str, list[str]]:
    """What every method read: the first ``chars`` characters of each review."""
    chars = TUNING.params["chars"]
    return {part: [reviews.documents[i][:chars] for i in tuned[part]] for part in PARTS}


def test_targets_declare_their_inputs():
    for target in (TUNING, SCORING):
        assert target.models == ("chinese-small",)
        assert [source.name for source in target.corpora] == ["chinese_reviews"]
    assert chinese_fine_tune.OUTPUT in TUNING.outputs and chinese_fine_tune.OUTPUT in SCORING.needs
    assert TUNING.params["chars"] + 2 <= 128  # the model's positions, [CLS] and [SEP] included


def test_pool_holds_each_unambiguous_text_once(reviews):
    labels: dict[str, set[str]] = defaultdict(set)
    for text, label in zip(reviews.documents, reviews.labels, strict=True):
        labels[text].add(label)
    pool = chinese_fine_tune.pool(reviews.documents, reviews.labels)
    texts = [reviews.documents[i] for i in pool]
    assert len(set(texts)) == len(texts)  # no text twice
    assert all(texts) and all(len(labels[t]) == 1 for t in texts)
    assert len(pool) == sum(1 for t, ls in labels.items() if t and len(ls) == 1)
    assert len(pool) < len(reviews) / 2 + 100  # the files repeat about half their lines


def test_split_is_fixed_stratified_and_disjoint(found, tuned, reviews, texts):
    train, held_out = tuned["train"], tuned["held_out"]
    assert (len(train), len(held_out)) == (TUNING.params["train"], TUNING.params["held_out"])
    assert not set(train) & set(held_out)
    assert (
        found["split"]["train_indices"] == train and found["split"]["held_out_indices"] == held_out
    )
    assert (train, held_out) == chinese_fine_tune.split(TUNING.params, TUNING.seed)
    pool = set(chinese_fine_tune.pool(reviews.documents, reviews.labels))
    assert set(train) <= pool and set(held_out) <= pool
    # distinct texts, even as cut to what the methods read: no held-out review was trained on
    assert not set(texts["train"]) & set(texts["held_out"])
    share = sum(reviews.labels[i] == "pos" for i in pool) / len(pool)
    for part, n in (("train", len(train)), ("held_out", len(held_out))):
        per_class = [sum(reviews.labels[i] == c for i in tuned[part]) for c in found["classes"]]
        assert per_class == found["split"][f"{part}_per_class"]
        assert abs(per_class[1] - share * n) <= 1  # stratified: the pool's share of pos
    assert found["split"]["majority_accuracy"] == pytest.approx(
        max(found["split"]["held_out_per_class"]) / len(held_out), abs=5e-4
    )


def test_reported_scores_are_the_predictions_scores(found, tuned, truth):
    assert found["methods"]["fine_tuning"]["predictions"] == (
        np.asarray(tuned["held_out_logits"]).argmax(axis=1).tolist()
    )
    for method in METHODS:
        reported = found["methods"][method]
        p = np.asarray(reported["predictions"])
        assert len(p) == len(truth) and set(p.tolist()) <= {0, 1}
        accuracy, f1 = sklearn_scores(truth, p)
        assert reported["accuracy"] == pytest.approx(accuracy, abs=5e-4)  # stored to 3 places
        assert reported["f1"] == pytest.approx(f1, abs=5e-4)
        assert 0 <= reported["accuracy"] <= 1 and 0 <= reported["f1"] <= 1
        matrix = np.asarray(reported["confusion"])
        assert np.trace(matrix) == round(accuracy * len(truth))
        assert matrix.sum(axis=1).tolist() == np.bincount(truth, minlength=2).tolist()


def test_baseline_is_a_bag_of_characters(found, tuned, reviews, texts):
    """Refit from the reported setup: TF-IDF over single characters, nothing else."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    bag = found["character_bag"]
    assert bag["analyzer"] == "char" and bag["ngram_range"] == SCORING.params["ngram"] == [1, 1]
    assert bag["C"] in SCORING.params["C_grid"]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 1))
    x = vectorizer.fit_transform(texts["train"])
    assert all(len(feature) == 1 for feature in vectorizer.vocabulary_)
    characters = set("".join(texts["train"]).lower())
    assert bag["features"] == len(vectorizer.vocabulary_) == len(characters)
    y = np.array([found["classes"].index(reviews.labels[i]) for i in tuned["train"]])
    model = LogisticRegression(C=bag["C"], max_iter=1000).fit(x, y)
    predicted = model.predict(vectorizer.transform(texts["held_out"])).tolist()
    assert predicted == found["methods"]["character_bag"]["predictions"]


def test_frozen_features_are_the_encoders_mean_pooled_vectors(
    built_figures, found, tuned, reviews, texts, encoder
):
    """A few vectors recomputed with plain transformers; the classifier refitted on all."""
    import torch
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    tokenizer, model = encoder
    hidden_size = model.config.hidden_size
    vectors = np.load(built_figures / chinese_classification.VECTORS)
    n_train = len(texts["train"])
    assert vectors.shape == (n_train + len(texts["held_out"]), hidden_size)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)

    rows = [0, 1, n_train, n_train + 1]
    sample = [(texts["train"] + texts["held_out"])[i] for i in rows]
    batch = tokenizer(sample, padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    mean = (hidden * mask).sum(1) / mask.sum(1)
    mean = torch.nn.functional.normalize(mean, dim=-1).numpy()
    np.testing.assert_allclose(vectors[rows], mean, atol=1e-4)

    setup = found["feature_extraction"]
    assert setup["C"] in SCORING.params["C_grid"] and setup["dimensions"] == hidden_size
    y = np.array([found["classes"].index(reviews.labels[i]) for i in tuned["train"]])
    scaler = StandardScaler().fit(vectors[:n_train])
    classifier = LogisticRegression(C=setup["C"], max_iter=1000)
    classifier.fit(scaler.transform(vectors[:n_train]), y)
    predicted = classifier.predict(scaler.transform(vectors[n_train:])).tolist()
    assert predicted == found["methods"]["feature_extraction"]["predictions"]


def test_bootstrap_intervals_are_recomputed(found, truth):
    rng = np.random.default_rng(SCORING.seed)
    predicted = {m: np.asarray(found["methods"][m]["predictions"]) for m in METHODS}
    n = len(truth)
    picks = np.array([rng.integers(0, n, n) for _ in range(SCORING.params["resamples"])])
    scores = {m: resampled_scores(truth, p, picks) for m, p in predicted.items()}
    tails = [2.5, 97.5]
    assert SCORING.params["level"] == 0.95
    for method in METHODS:
        reported = found["methods"][method]
        for k, metric in enumerate(("accuracy", "f1")):
            low, high = reported[f"{metric}_ci"]
            assert [low, high] == pytest.approx(
                np.percentile(scores[method][:, k], tails), abs=5e-4
            )
            assert low <= reported[metric] <= high
    for method in ("feature_extraction", "fine_tuning"):
        diff = scores[method] - scores["character_bag"]
        reported = found["difference_from_baseline"][method]
        assert reported["accuracy_ci"] == pytest.approx(np.percentile(diff[:, 0], tails), abs=5e-4)
        assert reported["f1_ci"] == pytest.approx(np.percentile(diff[:, 1], tails), abs=5e-4)


@pytest.mark.parametrize("method", ["feature_extraction", "fine_tuning"])
def test_verdict_follows_from_the_difference_interval(found, method):
    accuracy = {m: found["methods"][m]["accuracy"] for m in METHODS}
    reported = found["difference_from_baseline"][method]
    diff, (low, high) = reported["accuracy"], reported["accuracy_ci"]
    assert diff == pytest.approx(accuracy[method] - accuracy["character_bag"], abs=1e-9)
    assert found["beats_baseline"][method] == (diff > 0 and low > 0)
    said = found["verdicts"][method]
    assert said.startswith({"feature_extraction": "特征提取", "fine_tuning": "微调"}[method])
    assert f"{abs(diff) * 100:.1f} 个百分点" in said or diff == 0
    assert f"[{low:+.3f}, {high:+.3f}]" in said or diff == 0
    if diff > 0 and low > 0:
        assert "高" in said and "不含 0" in said
    elif diff > 0:
        assert "含 0" in said and "不能说更好" in said
    elif high < 0:
        assert "低" in said and "字袋基线更好" in said
    else:
        assert "没有超过" in said


def test_fine_tuning_log(found, tuned):
    epochs, batch = TUNING.params["epochs"], TUNING.params["batch_size"]
    evals = found["curve"]["eval"]
    assert evals == tuned["eval"] and found["curve"]["train_loss"] == tuned["train_loss"]
    assert [e["epoch"] for e in evals] == [float(e) for e in range(1, epochs + 1)]
    assert tuned["steps"] == math.ceil(len(tuned["train"]) / batch) * epochs == evals[-1]["step"]
    # the reported model is the last epoch's: its held-out accuracy is the last point
    assert evals[-1]["accuracy"] == pytest.approx(found["methods"]["fine_tuning"]["accuracy"])
    losses = [h["loss"] for h in tuned["train_loss"]]
    assert losses[-1] < losses[0]  # it learned something from the training reviews
    assert found["fine_tuning"]["learning_rate"] == TUNING.params["learning_rate"]


def test_model_is_described_by_its_real_size(found, encoder):
    _, bert = encoder
    config = bert.config
    assert (config.num_hidden_layers, config.hidden_size) == (4, 256)
    # counted over the encoder that made the features: the pooler (AutoModel's, and the
    # unused one sentence-transformers adds) is no part of it
    counted = sum(p.numel() for n, p in bert.named_parameters() if not n.startswith("pooler."))
    assert found["model"]["parameters"] == counted
    assert 4.0e6 < found["model"]["parameters"] < 4.5e6  # the catalog's "4.3M", encoder only


@pytest.fixture(scope="module")
def drawn(found) -> Any:
    """The figure as drawn (style.save intercepted), and the warnings drawing raised."""
    figures: list[Any] = []

    def keep(fig: Any, path: Path) -> Path:
        figures.append(fig)
        return path

    saved, style.save = style.save, keep
    try:
        chinese_classification.draw_figure(found, Path("unused.png"))
    finally:
        style.save = saved
    (fig,) = figures
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    yield fig, [str(w.message) for w in caught]
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_chinese_text_renders_without_missing_glyphs(drawn, found):
    from matplotlib.text import Text

    fig, messages = drawn
    assert not [m for m in messages if "missing from" in m]  # matplotlib's tofu warning
    shown = "".join(t.get_text() for t in fig.findobj(Text) if t.get_visible())
    # the deck font itself (not the DejaVu fallback) has every character drawn
    assert deck_font.missing(shown) == []
    for text in found["verdicts"].values():
        assert text in shown  # the verdicts are on the figure, whichever way they fall
    assert "字袋基线" in shown and found["model"]["hub_id"] in shown


def test_figure_texts_do_not_overlap(built_figures, drawn):
    from PIL import Image

    fig, _ = drawn
    assert Image.open(built_figures / chinese_classification.FIGURE).size == (2000, 1120)
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    (ax,) = fig.axes
    boxes = [t.get_window_extent(renderer) for t in fig.texts if t.get_text()]
    boxes.append(ax.get_tightbbox(renderer))
    for i, a in enumerate(boxes):
        assert page.x0 - 1 <= a.x0 and a.x1 <= page.x1 + 1, f"box {i} leaves the figure"
        assert page.y0 - 1 <= a.y0 and a.y1 <= page.y1 + 1, f"box {i} leaves the figure"
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), f"{a} overlaps {b}"
    inside = [t.get_window_extent(renderer) for t in ax.texts] + [
        t.get_window_extent(renderer) for t in ax.get_yticklabels()
    ]
    for i, a in enumerate(inside):
        assert page.x0 <= a.x0 and a.x1 <= page.x1, "a label is cut off"
        for b in inside[i + 1 :]:
            assert not a.overlaps(b), f"{a} overlaps {b}"


def test_fine_tuning_is_deterministic(reviews, chinese_small):
    """The Trainer run, twice on a few reviews with the same seed: identical logits."""
    from part2.figures import fine_tune

    hub_id = chinese_small.hub_id
    params = {**TUNING.params, "train": 32, "held_out": 16, "epochs": 1, "log_every": 1}
    split = chinese_fine_tune.split(params, 1)
    texts = chinese_fine_tune.truncated(reviews.documents, params["chars"])
    runs = [fine_tune.train(hub_id, texts, reviews.labels, split, params, 1) for _ in range(2)]
    assert runs[0] == runs[1]
    assert len(runs[0]["held_out_logits"]) == 16
