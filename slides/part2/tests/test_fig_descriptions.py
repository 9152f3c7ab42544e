"""Part 2's figures in words (figures/descriptions.py): each description names the
numbers of the data its figure is drawn from, changes when that data changes, and is
what the deck's committed descriptions.json holds.

The descriptions are read from the committed figures (no model runs): each describing
function gets the deck's figure folder, or a copy of it with one value changed."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from figure_tags import PART2
from part2.figures import descriptions as words
from part2.figures.targets import TARGETS

from nlpdeck.figures import build
from nlpdeck.figures.target import Finished, Target

BY_NAME = {t.name: t for t in TARGETS}
PICTURES = [t for t in TARGETS if any(o.endswith(build.PICTURES) for o in t.outputs)]


def describe(target: Target, figures: Path = PART2.figures, deck: Path = PART2.dir) -> dict:
    module, _, function = target.describe.partition(":")
    assert module == "descriptions", target.describe
    texts: dict[str, str] = getattr(words, function)(Finished(target, figures, deck))
    return texts


def data(name: str, figures: Path = PART2.figures) -> Any:
    return json.loads((figures / name).read_text(encoding="utf-8"))


def test_every_picture_of_every_target_is_described_as_committed():
    committed = data(build.DESCRIPTIONS)
    described: dict[str, str] = {}
    for target in PICTURES:
        assert target.describe, f"figure target {target.name} draws pictures but has no describe="
        texts = describe(target)
        pictures = {o for o in target.outputs if o.endswith(build.PICTURES)}
        assert set(texts) == pictures, target.name
        assert all(text.strip() for text in texts.values()), target.name
        described.update({k: " ".join(v.split()) for k, v in texts.items()})
    assert described == committed
    assert [s.target.name for s in build.plan(PART2) if s.words or s.reason] == []


def test_no_drawing_imports_the_words():
    """Else every edit of the words would redraw the figures (models and all)."""
    manifest = build.read_manifest(PART2.figures)["targets"]
    words_file = "slides/part2/figures/descriptions.py"
    assert [t.name for t in TARGETS if words_file in manifest[t.name]["inputs"]["code"]] == []
    assert all(words_file in manifest[t.name]["description"]["inputs"]["code"] for t in PICTURES)


def _numbers(target: str) -> list[str]:
    """The numbers the target's data holds, as its description writes them."""
    f = words
    match target:
        case "context-word":
            w = data("contextual_embeddings.json")["words"]
            last = w["bank"]["last_layer"]
            return [
                f.num(last["same_sense_cosine"], 4),
                f.num(last["cross_sense_cosine"], 4),
                f.pct(last["pca_explained_variance"][0]),
                *(f.num(v["separation_by_layer"][-1], 4) for v in w.values()),
            ]
        case "attention-it":
            found = data("transformer_self-attention_visualization.json")
            return [
                f"第 {found['layer']} 层第 {found['head']} 个头",
                *(f.num(s["weights"][i]) for s in found["sentences"] for i in found["contrast"]),
            ]
        case "attention-steps":
            found = data("self-attention-steps.json")
            return [f.num(found["scores"][0][0]), *(f.num(x) for x in found["weights"][0])]
        case "teacher-forcing-video":
            found = data("seq2seq_training.json")
            steps = [f.num(rows[0]["p_target"]) for rows in found["steps"].values()]
            return [str(found["pairs"]), f.num(found["losses"][0], 4), *steps]
        case "self-attention-video":
            found = data("encoder_self_attention.json")
            row = found["weights"][found["tokens"].index("it")]
            return [f"第 {found['layer']} 层", f.num(max(row))]
        case "bert-sizes":
            return [f"{v['parameters'] / 1e6:.1f}M" for v in data("bert-sizes.json").values()]
        case "hf-ecosystem":
            return [f"{k} {v}" for k, v in data("hf-ecosystem.json").items()]
        case "bertopic":
            found = data("topics.json")
            return [
                str(found["outliers"]),
                f"{found['outlier_percent']}%",
                *(
                    f"主题 {t['topic']}（{t['size']} 篇）{f.words(t['words'])}"
                    for t in found["topics"]
                ),
            ]
        case "lda":
            found = data("lda.json")
            return [f.num(found["lda"]["npmi_mean"], 3), f.num(found["bertopic"]["npmi_mean"], 3)]
        case "bertopic-zh":
            found = data("chinese_topics.json")
            return [
                f.num(found["coherence"]["mean"], 3),
                f.num(found["coherence"]["shuffled_mean"], 3),
                *(f"（{t['size']} 篇）{f.words(t['words'])}" for t in found["topics"]),
            ]
        case "classification":
            m = data("classification.json")["methods"]
            return [
                x
                for v in m.values()
                for x in (
                    f.pct(v["accuracy"]),
                    f.interval(v["accuracy_ci"]),
                    str(v["confusion"][0][0]),
                )
            ]
        case "chinese-classification":
            m = data("chinese_classification.json")["methods"]
            return [
                x for v in m.values() for x in (f.pct(v["accuracy"]), f.interval(v["accuracy_ci"]))
            ]
        case "fill-mask":
            found = data("fill_mask.json")
            return [
                *(f"排第 {s['answer_rank']}" for s in found["sentences"]),
                *(f.num(s["top"][0]["score"]) for s in found["sentences"]),
            ]
        case "pretraining-curve":
            t = json.loads((PART2.dir / words.TRAINING).read_text(encoding="utf-8"))
            return [
                f.pct(t["evaluation"]["full"]["accuracy"]),
                f.pct(t["evaluation"]["full"]["baseline"]),
            ]
    return []


DATA_TARGETS = [
    "context-word", "attention-it", "attention-steps", "teacher-forcing-video",
    "self-attention-video", "bert-sizes", "hf-ecosystem", "bertopic", "lda", "bertopic-zh",
    "classification", "chinese-classification", "fill-mask", "pretraining-curve",
]  # fmt: skip


@pytest.mark.parametrize("name", DATA_TARGETS)
def test_a_description_names_the_numbers_its_data_holds(name):
    text = " ".join(describe(BY_NAME[name]).values())
    expected = _numbers(name)
    assert expected
    missing = [n for n in expected if n not in text]
    assert missing == [], text


def _set(document: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        document = document[key]
    document[path[-1]] = value


EDITS: dict[str, tuple[str, tuple[Any, ...], Any]] = {
    # target: (the JSON it reads, where, a new value)
    "context-word": (
        "contextual_embeddings.json", ("words", "bank", "last_layer", "same_sense_cosine"), 0.5
    ),
    "attention-it": ("transformer_self-attention_visualization.json", ("layer",), 4),
    "attention-steps": ("self-attention-steps.json", ("scores", 0, 0), 1.5),
    "attention-views": ("transformer_self-attention_visualization.json", ("head",), 7),
    "teacher-forcing-video": ("seq2seq_training.json", ("losses", -1), 0.25),
    "self-attention-video": ("encoder_self_attention.json", ("weights", 8, 2), 0.9),
    "bert-sizes": ("bert-sizes.json", ("BERT-base", "parameters"), 120_000_000),
    "hf-ecosystem": ("hf-ecosystem.json", ("transformers",), "9.9.9"),
    "bertopic": ("topics.json", ("topics", 0, "size"), 99),
    "lda": ("lda.json", ("lda", "npmi_mean"), -0.321),
    "bertopic-zh": ("chinese_topics.json", ("topics", 0, "words", 0), "测试"),
    "classification": ("classification.json", ("methods", "fine_tuning", "accuracy"), 0.9),
    "chinese-classification": (
        "chinese_classification.json", ("methods", "character_bag", "accuracy"), 0.5
    ),
    "fill-mask": ("fill_mask.json", ("sentences", 0, "answer_rank"), 3),
    "pretraining-curve": (words.TRAINING, ("evaluation", "full", "accuracy"), 0.3),
}  # fmt: skip

PARAMS: dict[str, Callable[[dict[str, Any]], None]] = {
    # targets drawn from a spec in their params: one value of it changed
    "static-word": lambda p: p.update(per_sense=3),
    "transformer": lambda p: p.update(layers=4),
    "encoder-decoder-blocks": lambda p: p.update(target=["I", "love", "cats"]),
    "bottleneck": lambda p: p.update(size=8),
    "attention-scheme": lambda p: p.update(scores=[0.2, 2.4, 1.1, 0.3, 0.6]),
    "encoder-vs-decoder": lambda p: p.update(focus=3),
    "transformer-families": lambda p: p["families"][0].update(models=["ALBERT（2019）"]),
    "transfer-learning": lambda p: p.update(label="好评 / 差评"),
}


def test_every_described_target_has_a_change_test():
    assert {t.name for t in PICTURES} == set(EDITS) | set(PARAMS)


@pytest.mark.parametrize("name", sorted(EDITS))
def test_changing_the_data_changes_the_description(name, tmp_path):
    target = BY_NAME[name]
    file, path, value = EDITS[name]
    deck = tmp_path / "slides" / "part2"  # so the deck's ../../models path stays inside
    figures = deck / "image"
    shutil.copytree(
        PART2.figures, figures, ignore=shutil.ignore_patterns("*.npy", "*.mp4", "*.png")
    )
    outside = file.startswith("..")  # a data file of the deck's, not a figure output
    source = (PART2.dir / file).resolve() if outside else PART2.figures / file
    copy = (deck / file).resolve() if outside else figures / file
    copy.parent.mkdir(parents=True, exist_ok=True)
    document = json.loads(source.read_text(encoding="utf-8"))
    _set(document, path, value)
    copy.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    before, after = describe(target), describe(target, figures, deck)
    assert set(before) == set(after)
    assert before != after


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_changing_a_drawn_spec_changes_the_description(name):
    target = BY_NAME[name]
    params = json.loads(json.dumps(target.params))
    PARAMS[name](params)
    changed = dataclasses.replace(target, params=params)
    assert describe(target) != describe(changed)
