"""The project's own small Chinese BERT (``nlpdeck/bert-mini-chinese``).

It loads offline by hub id from the cache `make models` fills, scores on held-out People's
Daily paragraphs what its ``training.json`` records, and beats the trivial baseline.
Retraining it (``course.pretrain.run.reproduce``) takes a quarter of an hour: the benchmark
does that, not these tests.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from course import corpora
from course.pretrain import card, data, evaluation, masking, published, vocabulary
from nlpdeck import models

HUB_ID = published.hub_id()  # the id the model was trained and published under


@pytest.fixture(scope="module")
def record() -> dict[str, Any]:
    return published.recorded()


@pytest.fixture(scope="module")
def tokenizer(chinese_small):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(HUB_ID)


@pytest.fixture(scope="module")
def model(chinese_small):
    from transformers import AutoModelForMaskedLM

    return AutoModelForMaskedLM.from_pretrained(HUB_ID).eval()


@pytest.fixture(scope="module")
def heldout(tokenizer, model, record) -> evaluation.Scores:
    """Held-out subset scores, recomputed now: same split, same packing, same fixed masks."""
    train, heldout = data.split(corpora.peoples_daily())
    frequent = tokenizer.convert_tokens_to_ids(vocabulary.char_counts(train).most_common(1)[0][0])
    rows = vocabulary.pack(tokenizer, heldout, record["settings"]["block"])
    masked = masking.fixed_masking(rows)[: evaluation.EVAL_SUBSET]
    return evaluation.evaluate(model, masked, frequent)


def test_loads_by_hub_id_offline_as_recorded(chinese_small, tokenizer, model, record):
    assert chinese_small.path.parent.parent == models.repo_dir(HUB_ID)
    weights = chinese_small.path / "model.safetensors"
    assert models.sha256_file(weights) == models.catalog()["chinese-small"].sha256
    config, summary = model.config, record["model"]
    assert (config.num_hidden_layers, config.hidden_size, config.num_attention_heads) == (
        summary["layers"],
        summary["hidden"],
        summary["heads"],
    )
    assert model.num_parameters() == summary["parameters"]
    assert len(tokenizer) == config.vocab_size == record["vocabulary"]["size"]
    assert weights.stat().st_size < 25 * 2**20


def test_record_describes_the_corpus_in_use(record):
    corpus = corpora.peoples_daily()
    train, heldout = data.split(corpus)
    assert record["data"]["sha256"] == corpus.sha256
    assert record["data"]["paragraphs"] == {"train": len(train), "heldout": len(heldout)}
    assert 0.04 < len(heldout) / len(corpus) < 0.06


def test_model_card_template_rebuilds_the_committed_readme(record):
    """README.md is the card written from training.json, byte for byte."""
    committed = (published.committed_dir() / "README.md").read_bytes()
    assert card.render(record).encode() == committed


def test_tokenizer_reads_digits_latin_and_full_width_forms(tokenizer):
    assert tokenizer.tokenize("1998年") == ["1", "##9", "##9", "##8", "年"]
    assert tokenizer.tokenize("１９９８年") == tokenizer.tokenize("1998年")  # NFKC first
    for text in ("1998年", "ＧＤＰ增长８.５％", "江泽民在北京会见WTO代表团"):
        assert tokenizer.unk_token_id not in tokenizer(text)["input_ids"], text
    assert tokenizer.tokenize("🙂") == ["[UNK]"]  # never seen in 1998: a real vocabulary


def test_heldout_accuracy_is_what_training_recorded(heldout, record):
    subset = record["evaluation"]["subset"]
    assert heldout.masked == subset["masked"]
    assert heldout.baseline == pytest.approx(subset["baseline"], abs=1e-4)
    assert heldout.accuracy == pytest.approx(subset["accuracy"], abs=0.005)
    assert heldout.loss == pytest.approx(subset["loss"], abs=0.02)


def test_accuracy_clearly_beats_the_most_frequent_character(heldout, record):
    # ~1,200 masked positions: a standard error of about one point
    assert heldout.accuracy > 3 * heldout.baseline
    assert heldout.accuracy - heldout.baseline > 0.05
    full = record["evaluation"]["full"]
    assert full["accuracy"] > 3 * full["baseline"]


def test_fill_mask_on_a_real_sentence(chinese_small):
    from transformers import pipeline

    fill = pipeline("fill-mask", model=HUB_ID)
    predictions = fill("中共中央总书记、国家主席江泽民在北[MASK]会见了外国客人。", top_k=5)
    scores = [p["score"] for p in predictions]
    assert scores == sorted(scores, reverse=True) and 0 < sum(scores) <= 1 + 1e-6
    for p in predictions:  # single characters of the vocabulary, no special or ## pieces
        assert len(p["token_str"]) == 1 and p["token"] >= len(vocabulary.SPECIAL_TOKENS)
    assert unicodedata.name(predictions[0]["token_str"]).startswith("CJK UNIFIED IDEOGRAPH")
    assert predictions[0]["token_str"] == "京"  # 北京, as every reader of 1998 news knows
