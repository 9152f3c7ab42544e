"""Feature extraction vs fine-tuning (slides "BERT的应用: 文本分类"): the reported numbers
recomputed from the build's cached data (sentence vectors, the Trainer's held-out
logits and log), with code independent of the drawing code where it can be."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from figure_tags import PART2, printed_as_stored, quoted, read_json
from part2.figures import classification, fine_tune
from part2.figures.targets import TARGETS

from course import corpora

TUNING = next(t for t in TARGETS if t.name == "fine-tuning")
SCORING = next(t for t in TARGETS if t.name == "classification")


@pytest.fixture(scope="module")
def found(built_figures: Path) -> dict[str, Any]:
    return read_json(built_figures, "classification.json")


@pytest.fixture(scope="module")
def tuned(built_figures: Path) -> dict[str, Any]:
    return read_json(built_figures, "data/fine_tuning.json")


@pytest.fixture(scope="module")
def truth(found) -> np.ndarray:
    labels = corpora.movie_polarity().labels
    return np.array([found["classes"].index(labels[i]) for i in found["split"]["held_out_indices"]])


def sklearn_scores(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return float(accuracy_score(y, p)), float(f1_score(y, p, average="macro"))


def resampled_scores(y: np.ndarray, p: np.ndarray, picks: np.ndarray) -> np.ndarray:
    """Accuracy and macro F1 (over the classes either side names, as sklearn's) of each
    resample, a row of ``picks``: (resamples, 2). Counted in one pass of numpy, since
    sklearn takes a millisecond a call (both decks' intervals: a minute of the suite);
    sklearn scores the first 50 resamples too and must agree."""
    ys, ps = y[picks], p[picks]
    f1s, named = [], []
    for c in np.union1d(y, p):
        tp = ((ys == c) & (ps == c)).sum(axis=1)
        wrong = ((ys == c) != (ps == c)).sum(axis=1)  # false positives and negatives
        f1s.append(np.where(tp + wrong > 0, 2 * tp / np.maximum(2 * tp + wrong, 1), 0.0))
        named.append(tp + wrong > 0)
    scores = np.stack([(ys == ps).mean(axis=1), np.sum(f1s, 0) / np.sum(named, 0)], axis=1)
    for k in range(min(50, len(picks))):
        assert scores[k] == pytest.approx(sklearn_scores(ys[k], ps[k]), abs=1e-12), k
    return scores


def test_split_is_fixed_stratified_and_disjoint(found, tuned):
    labels = corpora.movie_polarity().labels
    train, held_out = tuned["train"], tuned["held_out"]
    assert not set(train) & set(held_out) and len(train) + len(held_out) == len(labels) == 200
    assert found["split"]["held_out_indices"] == held_out
    assert len(held_out) == found["split"]["held_out"] == round(200 * TUNING.params["held_out"])
    per_class = [sum(labels[i] == c for i in held_out) for c in found["classes"]]
    assert per_class == found["split"]["held_out_per_class"] == [len(held_out) // 2] * 2
    assert (train, held_out) == fine_tune.split(labels, TUNING.params["held_out"], TUNING.seed)


def test_reported_scores_are_the_predictions_scores(found, tuned, truth):
    predicted = {
        "feature_extraction": np.asarray(found["methods"]["feature_extraction"]["predictions"]),
        "fine_tuning": np.asarray(tuned["held_out_logits"]).argmax(axis=1),
    }
    for method, p in predicted.items():
        reported = found["methods"][method]
        assert reported["predictions"] == p.tolist()
        accuracy, f1 = sklearn_scores(truth, p)
        assert reported["accuracy"] == pytest.approx(accuracy, abs=5e-4)  # stored to 3 places
        assert reported["f1"] == pytest.approx(f1, abs=5e-4)
        matrix = np.asarray(reported["confusion"])
        assert matrix.sum() == len(truth) and np.trace(matrix) == round(accuracy * len(truth))
        assert matrix.sum(axis=1).tolist() == np.bincount(truth, minlength=2).tolist()


def test_feature_extraction_is_refitted_identically(built_figures, found, tuned):
    from sklearn.linear_model import LogisticRegression

    vectors = np.load(built_figures / "data" / "movie_polarity_embeddings.npy")
    assert vectors.shape == (200, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    labels = corpora.movie_polarity().labels
    y = np.array([found["classes"].index(label) for label in labels])
    model = LogisticRegression(C=SCORING.params["C"], max_iter=1000)
    model.fit(vectors[tuned["train"]], y[tuned["train"]])
    predicted = model.predict(vectors[tuned["held_out"]]).tolist()
    assert predicted == found["methods"]["feature_extraction"]["predictions"]


def test_bootstrap_intervals_are_recomputed(found, truth):
    rng = np.random.default_rng(SCORING.seed)
    predicted = {m: np.asarray(v["predictions"]) for m, v in found["methods"].items()}
    n = len(truth)
    picks = np.array([rng.integers(0, n, n) for _ in range(SCORING.params["resamples"])])
    scores = {m: resampled_scores(truth, p, picks) for m, p in predicted.items()}
    for method in predicted:
        reported = found["methods"][method]
        low, high = reported["accuracy_ci"]
        assert [low, high] == pytest.approx(
            np.percentile(scores[method][:, 0], [2.5, 97.5]), abs=5e-4
        )
        assert low <= reported["accuracy"] <= high
        assert reported["f1_ci"] == pytest.approx(
            np.percentile(scores[method][:, 1], [2.5, 97.5]), abs=5e-4
        )
    diff = scores["fine_tuning"][:, 0] - scores["feature_extraction"][:, 0]
    reported = found["accuracy_difference"]
    assert reported["ci"] == pytest.approx(np.percentile(diff, [2.5, 97.5]), abs=5e-4)


def test_verdict_follows_from_the_numbers(found):
    diff = found["accuracy_difference"]["fine_tuning_minus_feature_extraction"]
    accuracies = {m: v["accuracy"] for m, v in found["methods"].items()}
    assert diff == pytest.approx(accuracies["fine_tuning"] - accuracies["feature_extraction"])
    low = found["accuracy_difference"]["ci"][0]
    assert found["fine_tuning_beats_feature_extraction"] == (diff > 0 and low > 0)
    if diff <= 0:
        assert "没有超过" in found["verdict"]
    elif low <= 0:
        assert "不能说微调更好" in found["verdict"]
    else:
        assert "不含 0" in found["verdict"]


def test_curve_is_the_trainer_log(found, tuned):
    epochs = TUNING.params["epochs"]
    evals = found["curve"]["eval"]
    assert [e["epoch"] for e in evals] == [float(e) for e in range(1, epochs + 1)]
    assert evals == tuned["eval"] and found["curve"]["train_loss"] == tuned["train_loss"]
    steps_per_epoch = -(-len(tuned["train"]) // TUNING.params["batch_size"])
    assert tuned["steps"] == steps_per_epoch * epochs == evals[-1]["step"]
    # the reported model is the last epoch's: its held-out accuracy is the last point
    assert evals[-1]["accuracy"] == pytest.approx(found["methods"]["fine_tuning"]["accuracy"])
    losses = [h["loss"] for h in found["curve"]["train_loss"]]
    assert losses[-1] < losses[0]  # it learned something from the training sentences


def test_fine_tuning_run_is_reproducible(built_figures):
    """Trained again with the same seed, in this session's figure build: the log and the
    held-out logits are the committed ones, byte for byte (the training runs on one
    thread, part2/figures/threads.py, so any machine computes the same numbers)."""
    from nlpdeck.figures import build

    (step,) = build.plan(PART2, targets=[TUNING])
    assert not step.reason, f"fine-tuning is out of date ({step.reason}): run `make figures`"
    again = (built_figures / fine_tune.OUTPUT).read_bytes()
    assert again == (PART2.figures / fine_tune.OUTPUT).read_bytes()


def test_numbers_the_slides_quote_exist(built_figures):
    shown = quoted(built_figures, "classification")
    assert len(shown) >= 5
    for tag, value in shown:
        assert value is not None, f"slides.md:{tag.line} {tag.attrs['at']}"
        assert printed_as_stored(tag, value), f"slides.md:{tag.line} {tag.attrs['at']}={value}"
    ats = {t.attrs["at"] for t, _ in shown}
    assert {"methods.fine_tuning.accuracy", "methods.feature_extraction.accuracy"} <= ats
    assert "verdict" in ats  # the slide says whether fine-tuning beat feature extraction


def test_bootstrap_helper_scores_match_sklearn():
    rng = np.random.default_rng(1)
    y, p = rng.integers(0, 2, 50), rng.integers(0, 2, 50)
    assert (classification.accuracy(y, p), classification.macro_f1(y, p)) == pytest.approx(
        sklearn_scores(y, p)
    )
