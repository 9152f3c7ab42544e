"""The pre-training figures of the project's Chinese BERT: the curve draws what
training.json recorded, and the fill-mask figure's numbers are the pipeline's own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import deck_font
import pytest
from figure_tags import PART2, read_json
from part2.figures import pretraining
from part2.figures.targets import TARGETS

from course.pretrain import published

FILL = next(t for t in TARGETS if t.name == "fill-mask")


@pytest.fixture(scope="module")
def summary(built_figures: Path) -> dict[str, Any]:
    """The fill-mask figure's numbers, as the build wrote them."""
    return read_json(built_figures, "fill_mask.json")


def test_curve_reads_the_committed_training_record():
    curve = next(t for t in TARGETS if t.name == "pretraining-curve")
    record = published.committed_dir() / published.RECORD_FILE
    assert [pretraining.RECORD] == list(curve.files)
    assert (PART2.dir / pretraining.RECORD).samefile(record)  # RECORD is from the deck's folder


def test_curve_image_is_a_slide_sized_png(built_figures):
    from PIL import Image

    with Image.open(built_figures / "pretraining_curve.png") as image:
        assert image.size == (2000, 1000)


def test_fill_mask_scores_are_the_pipelines(summary, chinese_small):
    from transformers import pipeline

    assert summary["model"] == published.hub_id()
    fill = pipeline("fill-mask", model=published.hub_id(), device="cpu")
    for found, declared in zip(summary["sentences"], FILL.params["sentences"], strict=True):
        assert found["text"] == declared["text"] and found["answer"] == declared["answer"]
        again = fill(found["text"], top_k=FILL.params["top_k"])
        assert [p["token"] for p in found["top"]] == [p["token_str"] for p in again]
        assert [p["score"] for p in found["top"]] == pytest.approx(
            [p["score"] for p in again], abs=1e-4
        )


def test_rank_agrees_with_the_top_k(summary):
    for found in summary["sentences"]:
        tokens = [p["token"] for p in found["top"]]
        assert found["answer_in_vocabulary"]
        if found["answer"] in tokens:
            assert found["answer_rank"] == tokens.index(found["answer"]) + 1
        else:
            assert found["answer_rank"] > len(tokens)
    assert summary["hits"] == sum(s["answer_rank"] == 1 for s in summary["sentences"])


def test_the_figure_shows_misses_too(summary):
    """A fill-mask figure of hits only would oversell a 4-layer model."""
    assert 0 < summary["hits"] < len(summary["sentences"])


def test_every_character_drawn_has_a_glyph(summary):
    """No tofu: the sentences, answers and candidates the fill-mask figure draws, and the
    curve's most-frequent character, are all in the deck font."""
    drawn = "".join(
        pretraining.shown(s["text"]) + s["answer"] + "".join(p["token"] for p in s["top"])
        for s in summary["sentences"]
    )
    record = read_json(published.committed_dir(), published.RECORD_FILE)
    assert deck_font.missing(drawn + record["vocabulary"]["most_frequent"]) == []
