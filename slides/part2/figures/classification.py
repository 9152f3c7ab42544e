"""Text classification two ways: the figures of the slides "BERT的应用: 文本分类".

(a) feature extraction: the frozen encoder's sentence vectors (cached by the
``polarity-embeddings`` target) and a logistic regression; (b) fine-tuning: the same
checkpoint trained end to end (``fine-tuning`` target, :mod:`part2.figures.fine_tune`).
Both are scored on the same 40 held-out sentences; with so few, each number carries a
95% bootstrap interval (held-out sentences resampled with replacement, the same
resamples for both methods, so their difference has an interval too). The verdict
printed on the figure follows from that interval, whichever way it falls.

    >>> from part2.figures import classification
    >>> classification.scores([0, 1, 1, 0], [0, 1, 0, 0])
    {'accuracy': 0.75, 'f1': 0.733}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from course import corpora
from nlpdeck.figures import style
from nlpdeck.figures.target import Job

from . import fine_tune

EMBEDDINGS = "data/movie_polarity_embeddings.npy"
SUMMARY = "classification.json"
METHODS = {"feature_extraction": "特征提取", "fine_tuning": "微调"}
COLOURS = {"feature_extraction": style.PALETTE[0], "fine_tuning": style.PALETTE[1]}


def r(x: float) -> float:
    """Rounded to the 3 decimals the figures and slides print, so both show the same
    digits (printing a stored 3-decimal value needs no further rounding)."""
    return round(float(x), 3)


def accuracy(y: np.ndarray, p: np.ndarray) -> float:
    return float((y == p).mean())


def macro_f1(y: np.ndarray, p: np.ndarray) -> float:
    """F1 of each class, averaged (both classes count alike; no class is "the" positive)."""
    f1s = []
    for c in (0, 1):
        tp = float(((p == c) & (y == c)).sum())
        predicted, actual = float((p == c).sum()), float((y == c).sum())
        f1s.append(2 * tp / (predicted + actual) if predicted + actual else 0.0)
    return float(np.mean(f1s))


def scores(y: ArrayLike, p: ArrayLike) -> dict[str, float]:
    ya, pa = np.asarray(y), np.asarray(p)
    return {"accuracy": r(accuracy(ya, pa)), "f1": r(macro_f1(ya, pa))}


def bootstrap(
    y: np.ndarray, predictions: Mapping[str, np.ndarray], resamples: int, seed: int
) -> dict[str, np.ndarray]:
    """Accuracy and F1 of each method on ``resamples`` resamples of the held-out set.

    Resample ``b`` is ``rng.integers(0, n, n)``, the ``b``-th draw of
    ``numpy.random.default_rng(seed)``; every method is scored on the same resamples.
    Returns ``{"<method>.accuracy": array, "<method>.f1": array}``.
    """
    rng = np.random.default_rng(seed)
    found: dict[str, list[float]] = {
        f"{m}.{s}": [] for m in predictions for s in ("accuracy", "f1")
    }
    for _ in range(resamples):
        pick = rng.integers(0, len(y), len(y))
        for method, p in predictions.items():
            found[f"{method}.accuracy"].append(accuracy(y[pick], p[pick]))
            found[f"{method}.f1"].append(macro_f1(y[pick], p[pick]))
    return {k: np.asarray(v) for k, v in found.items()}


def interval(values: np.ndarray, level: float) -> list[float]:
    tail = (1 - level) / 2 * 100
    return [r(np.percentile(values, tail)), r(np.percentile(values, 100 - tail))]


def confusion(y: np.ndarray, p: np.ndarray) -> list[list[int]]:
    """Rows: true class; columns: predicted class (neg, pos)."""
    return [[int(((y == t) & (p == q)).sum()) for q in (0, 1)] for t in (0, 1)]


def feature_extraction(
    vectors: np.ndarray, y: np.ndarray, train: list[int], held_out: list[int], c: float
) -> np.ndarray:
    """Logistic regression on frozen sentence vectors: held-out predictions."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=1000).fit(vectors[train], y[train])
    return np.asarray(model.predict(vectors[held_out]))


def verdict(diff: float, ci: list[float], n: int) -> str:
    """One sentence on whether fine-tuning beat feature extraction, from the numbers."""
    points = f"{abs(diff) * 100:.1f} 个百分点"
    if diff <= 0:
        lower = "持平" if diff == 0 else f"低 {points}"
        return f"在这 {n} 句上，微调没有超过特征提取（准确率{lower}）"
    if ci[0] <= 0:
        return f"微调的准确率高 {points}，但 {n} 句太少：差值的 95% 区间含 0，不能说微调更好"
    return f"微调的准确率高 {points}，差值的 95% 区间不含 0"


def method_scores(
    y: np.ndarray, predictions: dict[str, np.ndarray], level: float, resamples: int, seed: int
) -> tuple[dict[str, np.ndarray], dict[str, dict[str, Any]]]:
    """The bootstrap resamples, and per method its scores, their intervals, its confusion
    matrix and its predictions (what the JSON of a classification figure holds)."""
    boot = bootstrap(y, predictions, resamples, seed)
    methods = {
        m: {
            **scores(y, p),
            "accuracy_ci": interval(boot[f"{m}.accuracy"], level),
            "f1_ci": interval(boot[f"{m}.f1"], level),
            "confusion": confusion(y, p),
            "predictions": [int(v) for v in p],
        }
        for m, p in predictions.items()
    }
    return boot, methods


def measure(job: Job) -> dict[str, Any]:
    """Everything ``classification.json`` holds."""
    corpus = corpora.movie_polarity()
    assert corpus.labels is not None
    tuned = json.loads(job.need(fine_tune.OUTPUT).read_text(encoding="utf-8"))
    train, held_out = tuned["train"], tuned["held_out"]
    y_all = fine_tune.label_ids(corpus.labels)
    y = y_all[held_out]
    predictions = {
        "feature_extraction": feature_extraction(
            np.load(job.need(EMBEDDINGS)), y_all, train, held_out, job.params["C"]
        ),
        "fine_tuning": np.asarray(tuned["held_out_logits"]).argmax(axis=1),
    }
    level, resamples = job.params["level"], job.params["resamples"]
    boot, methods = method_scores(y, predictions, level, resamples, job.seed)
    diff = methods["fine_tuning"]["accuracy"] - methods["feature_extraction"]["accuracy"]
    diff_ci = interval(boot["fine_tuning.accuracy"] - boot["feature_extraction.accuracy"], level)
    return {
        "corpus": {"name": corpus.name, "sentences": len(corpus), "citation": corpus.citation},
        "model": tuned["model"],
        "classes": tuned["classes"],
        "split": {
            "train": len(train),
            "held_out": len(held_out),
            "stratified": True,
            "held_out_per_class": np.bincount(y, minlength=2).tolist(),
            "seed": tuned["seed"],
            "held_out_indices": held_out,
        },
        "feature_extraction": {"classifier": "LogisticRegression", "C": job.params["C"]},
        "fine_tuning": {**tuned["params"], "steps": tuned["steps"]},
        "bootstrap": {"resamples": resamples, "level": level, "seed": job.seed},
        "methods": methods,
        "accuracy_difference": {"fine_tuning_minus_feature_extraction": r(diff), "ci": diff_ci},
        "fine_tuning_beats_feature_extraction": bool(diff > 0 and diff_ci[0] > 0),
        "verdict": verdict(diff, diff_ci, len(held_out)),
        "curve": {"train_loss": tuned["train_loss"], "eval": tuned["eval"]},
    }


def _method_box(ax: Any, steps: list[str], frozen: bool, colour: str) -> None:
    """The method's pipeline as a row of boxes; the encoder's box says frozen or trained."""
    ax.axis("off")
    ax.set_ylim(0, 1)
    # each box gets room for its longest line, plus room for an arrow
    widths = [max(len(line) for line in step.split("\n")) + 3 for step in steps]
    edges = np.concatenate([[0], np.cumsum(widths)])
    ax.set_xlim(0, edges[-1])
    for i, step in enumerate(steps):
        x = (edges[i] + edges[i + 1]) / 2
        encoder = "MiniLM" in step
        face = ("#e8eef5" if frozen else "#fbe9d7") if encoder else "#f3f4f6"
        ax.text(
            x,
            0.45,
            step,
            ha="center",
            va="center",
            fontsize=11,
            bbox={
                "boxstyle": "round,pad=0.35",
                "fc": face,
                "ec": colour if encoder else "none",
                "lw": 1.5,
            },
        )
        if i:
            ax.text(edges[i], 0.45, "→", ha="center", va="center", fontsize=14, color=style.MUTED)


def _bars(ax: Any, found: dict[str, Any], method: str) -> None:
    """Accuracy and F1 as horizontal bars with their bootstrap intervals, numbers beside."""
    values = found["methods"][method]
    for row, metric in enumerate(("f1", "accuracy")):
        value, (lo, hi) = values[metric], values[f"{metric}_ci"]
        ax.barh(row, value, height=0.55, color=COLOURS[method], alpha=1.0 if row else 0.65)
        ax.errorbar(
            value, row, xerr=[[value - lo], [hi - value]], color=style.INK, capsize=5, lw=1.3
        )
        ax.text(hi + 0.02, row, f"{value:.3f}  [{lo:.3f}, {hi:.3f}]", va="center", fontsize=13)
    ax.axvline(0.5, color=style.MUTED, linestyle=":", lw=1)
    ax.set_yticks([0, 1], ["F1（宏平均）", "准确率"])
    ax.set_ylim(-0.5, 1.5)
    ax.set_xlim(0, 1.6)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.tick_params(axis="y", length=0)


def draw_methods(found: dict[str, Any], path: Any) -> None:
    fig, axes = style.figure((10.0, 3.4), nrows=2, ncols=2, height_ratios=[1, 1.9])
    name = found["model"].split("/")[-1].removeprefix("all-").removesuffix("-v2")  # MiniLM-L6
    pipelines = {
        "feature_extraction": (["句子", f"{name}\n（冻结）", "384 维\n句向量", "逻辑\n回归"], True),
        "fine_tuning": (["句子", f"{name}\n（全部更新）", "分类头"], False),
    }
    for col, (method, (steps, frozen)) in enumerate(pipelines.items()):
        _method_box(axes[0, col], steps, frozen, COLOURS[method])
        axes[0, col].set_title(f"({'ab'[col]}) {METHODS[method]}", loc="left", fontsize=15)
        _bars(axes[1, col], found, method)
    split = found["split"]
    fig.suptitle(found["verdict"], fontsize=14)
    fig.supxlabel(
        f"留出集 {split['held_out']} 句（每类 {split['held_out_per_class'][0]}），"
        f"训练 {split['train']} 句；误差线与方括号：95% 自助法区间"
        f"（{found['bootstrap']['resamples']} 次重抽样）；点线 = 随机猜测",
        fontsize=11,
        color=style.MUTED,
    )
    style.save(fig, path)


def draw_curve(found: dict[str, Any], path: Any) -> None:
    fig, (loss, acc) = style.figure((6.0, 4.6), nrows=2, sharex=True)
    train = found["curve"]["train_loss"]
    held = found["curve"]["eval"]
    loss.plot(
        [h["epoch"] for h in train],
        [h["loss"] for h in train],
        marker=".",
        color=style.PALETTE[1],
        label="训练集损失",
    )
    loss.plot(
        [h["epoch"] for h in held],
        [h["loss"] for h in held],
        marker="o",
        color=style.PALETTE[0],
        label="留出集损失",
    )
    loss.set_ylabel("交叉熵")
    loss.legend(frameon=False, fontsize=11)
    acc.plot(
        [h["epoch"] for h in held],
        [h["accuracy"] for h in held],
        marker="o",
        color=style.PALETTE[0],
        label="微调",
    )
    fe = found["methods"]["feature_extraction"]["accuracy"]
    acc.axhline(fe, color=style.MUTED, linestyle="--", label=f"特征提取 {fe:.3f}")
    acc.set_ylabel("留出集准确率")
    acc.set_xlabel("epoch（最后一个 epoch 的模型即报告的模型）", fontsize=12)
    acc.set_ylim(0.4, 1.0)
    acc.legend(frameon=False, fontsize=11, loc="lower right")
    style.save(fig, path)


def draw_confusion(found: dict[str, Any], path: Any) -> None:
    fig, axes = style.figure((6.0, 3.3), ncols=2)
    labels = ["负面", "正面"]
    for ax, method in zip(axes, METHODS, strict=True):
        matrix = np.asarray(found["methods"][method]["confusion"])
        ax.imshow(matrix, cmap=style.CMAP, vmin=0, vmax=matrix.sum() / 2)
        for (t, q), count in np.ndenumerate(matrix):
            ax.text(
                q,
                t,
                str(count),
                ha="center",
                va="center",
                fontsize=16,
                color="white" if count > matrix.sum() / 4 else style.INK,
            )
        ax.set_xticks([0, 1], labels)
        ax.set_yticks([0, 1], labels)
        ax.set_xlabel("预测")
        ax.set_title(METHODS[method], fontsize=15)
        ax.spines[:].set_visible(False)
    axes[0].set_ylabel("真实")
    style.save(fig, path)


def draw(job: Job) -> None:
    """Score both methods on the held-out sentences; write the numbers and three figures."""
    found = measure(job)
    text = json.dumps(found, ensure_ascii=False, indent=1) + "\n"
    job.output(SUMMARY).write_text(text, encoding="utf-8")
    draw_methods(found, job.output("fine-tuning_methods.png"))
    draw_curve(found, job.output("fine-tuning_curve.png"))
    draw_confusion(found, job.output("confusion_matrices.png"))
