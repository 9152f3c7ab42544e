"""Static vs contextual vectors (slides "BERT的直观理解"): the figures' claims, recomputed
with the embedded MiniLM, and the numbers the build wrote checked against them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from figure_tags import PART2, read_json
from part2.figures import embeddings
from part2.figures.embeddings import Occurrence

from nlpdeck import models
from nlpdeck.figures import labels

OUTPUTS = ("static_word.png", "context_word1.png", "context_word2.png")


@pytest.fixture(scope="module")
def encoder(english_encoder: models.CachedModel):
    from nlpdeck.figures import encoder

    return encoder.load(english_encoder.hub_id)


@pytest.fixture(scope="module")
def sentences() -> list[Occurrence]:
    return embeddings.read_senses(PART2.dir / embeddings.SENSES_FILE)  # from the deck folder


def last_layer_vector(encoder, occurrence: Occurrence) -> np.ndarray:
    """The word's last hidden state, one sentence at a time (no padding, no batching),
    to check the batched computation the figures use."""
    import torch

    tokenizer, model = encoder
    batch = tokenizer(occurrence.sentence, return_tensors="pt")
    with torch.no_grad():
        state = model(**batch).last_hidden_state[0]
    ids = batch["input_ids"][0].tolist()
    return state[ids.index(tokenizer.convert_tokens_to_ids(occurrence.word))].numpy()


def test_senses_file_has_two_senses_and_eight_sentences_each(sentences, encoder):
    tokenizer, _ = encoder
    words = sorted({o.word for o in sentences})
    assert "bank" in words and len(words) >= 2
    for word in words:
        senses = [o.sense for o in embeddings.of_word(sentences, word)]
        assert len(set(senses)) == 2
        assert min(senses.count(s) for s in set(senses)) >= 8
    assert len({o.sentence for o in sentences}) == len(sentences)  # no sentence twice
    for o in sentences:  # raises, naming file and line, unless the word is one token, once
        assert embeddings.token_index(tokenizer, o) > 0


def test_bad_sentences_are_reported_with_file_and_line(encoder, tmp_path):
    tokenizer, _ = encoder
    path = tmp_path / "senses.tsv"
    path.write_text(
        "# comment\nword\tsense\tsentence\nbank\tmoney\tThe bank lent money to the bank.\n"
        "riverbank\tland\tWe walked along the riverbank.\nbank\tmoney\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"senses.tsv:5: expected 3 tab-separated cells"):
        embeddings.read_senses(path)
    path.write_text(path.read_text(encoding="utf-8").rsplit("bank\tmoney\n", 1)[0])
    twice, split = embeddings.read_senses(path)
    with pytest.raises(
        ValueError, match=r"senses.tsv:3: 'bank' must occur once as a token, found 2"
    ):
        embeddings.token_index(tokenizer, twice)
    with pytest.raises(ValueError, match=r"senses.tsv:4: 'riverbank' is not one WordPiece token"):
        embeddings.token_index(tokenizer, split)
    path.write_text("word\tmeaning\tsentence\n", encoding="utf-8")
    with pytest.raises(ValueError, match="senses.tsv:1: the header must be word TAB sense"):
        embeddings.read_senses(path)


def test_static_vector_is_one_row_for_every_occurrence(sentences, encoder):
    tokenizer, model = encoder
    bank = embeddings.of_word(sentences, "bank")
    static = embeddings.static_vectors(tokenizer, model, bank)
    row = model.embeddings.word_embeddings.weight[tokenizer.convert_tokens_to_ids("bank")]
    assert static.shape == (len(bank), model.config.hidden_size)
    assert (static == row.detach().numpy()).all()
    # ...while the contextual vectors of the same occurrences all differ
    contextual = np.stack([last_layer_vector(encoder, o) for o in bank])
    assert len({v.tobytes() for v in contextual}) == len(bank)


def test_bank_senses_separate_in_the_last_layer(sentences, encoder):
    bank = embeddings.of_word(sentences, "bank")
    vectors = np.stack([last_layer_vector(encoder, o) for o in bank])
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    same, cross = [], []
    for i, a in enumerate(bank):
        for j, b in enumerate(bank):
            if i != j:
                (same if a.sense == b.sense else cross).append(float(unit[i] @ unit[j]))
    assert np.mean(same) > np.mean(cross) + 0.03
    # the batched computation behind the figures gives the same vectors
    batched = embeddings.hidden_states(*encoder, bank)[-1]
    assert np.allclose(batched, vectors, atol=1e-4)
    assert embeddings.same_and_cross(
        embeddings.cosine_matrix(batched), [o.sense for o in bank]
    ) == (
        pytest.approx(np.mean(same), abs=1e-5),
        pytest.approx(np.mean(cross), abs=1e-5),
    )


def test_json_numbers_equal_a_recomputation(built_figures: Path, sentences, encoder):
    record = read_json(built_figures, "contextual_embeddings.json")
    assert record["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert set(record["words"]) >= {"bank"} and len(record["words"]) >= 2
    for word, stored in record["words"].items():
        vectors = embeddings.word_vectors(*encoder, sentences, word)
        fresh = embeddings.summary(vectors)
        assert stored["senses"] == fresh["senses"]
        assert stored["static_vectors_identical"] is True
        for key in ("same_sense_cosine_by_layer", "cross_sense_cosine_by_layer"):
            assert stored[key] == pytest.approx(fresh[key], abs=2e-4), (word, key)
        separation = stored["separation_by_layer"]
        assert len(separation) == 7  # embedding layer + 6 layers
        assert separation == pytest.approx(fresh["separation_by_layer"], abs=2e-4)
        last = stored["last_layer"]
        assert last["separation"] == pytest.approx(separation[-1], abs=1e-4)
        assert last["same_sense_cosine"] > last["cross_sense_cosine"]
        assert separation[-1] > separation[0]  # sense separation grows through the layers
        blocks = {(b["rows"], b["columns"]): b["cosine"] for b in last["block_means"]}
        for block in fresh["last_layer"]["block_means"]:
            assert blocks[(block["rows"], block["columns"])] == pytest.approx(
                block["cosine"], abs=2e-4
            )


def test_builder_writes_the_figures_and_their_manifest(built_figures: Path):
    from PIL import Image

    manifest = read_json(built_figures, "manifest.json")
    made = {
        out
        for name in ("static-word", "context-word")
        for out in manifest["targets"][name]["outputs"]
    }
    assert made == {*OUTPUTS, "contextual_embeddings.json"}
    for name in OUTPUTS:
        with Image.open(built_figures / name) as image:
            assert image.format == "PNG"
            assert image.width == 1200 and 1000 <= image.height <= 1100  # one slide column
    entry = manifest["targets"]["context-word"]
    assert set(entry["inputs"]["files"]) == {embeddings.SENSES_FILE}
    assert set(entry["inputs"]["models"]) == {"english-encoder"}
    assert "nlpdeck/figures/labels.py" in entry["inputs"]["code"]


def test_labels_cut_sentences_around_the_word():
    assert labels.split_at("After the storm the river burst its bank.", "bank") == (
        "After the storm the river burst its",
        "bank",
        ".",
    )
    assert labels.split_at("A heron stood on the bank, waiting for fish.", "bank") == (
        "A heron stood on the",
        "bank",
        ", waiting for fish.",
    )
    assert labels.trimmed("The bank approved our loan after a long wait.", "bank", 30) == (
        "The",
        "bank",
        " approved our loan…",
    )
    long = "I need to call the bank about a strange charge on my card."
    before, word, after = labels.trimmed(long, "bank", 20)
    assert word == "bank" and before.startswith("…") and after.endswith("…")
    assert (
        labels.snippet("They had a picnic on the bank of the river.", "bank") == "…on the bank of…"
    )
    assert labels.snippet("Bank charges rose.", "bank") == "Bank charges…"
