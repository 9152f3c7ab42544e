"""The whole run: vocabulary, model, training, evaluation, the saved folder; and a run
again from a record's settings, to see whether the recorded accuracy reproduces."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from transformers import BertForMaskedLM, PreTrainedTokenizerFast, set_seed

from course import corpora
from course.pretrain import card, record
from course.pretrain.data import split
from course.pretrain.evaluation import EVAL_SUBSET, evaluate
from course.pretrain.masking import fixed_masking
from course.pretrain.published import DEFAULT_OUT, RECORD_FILE
from course.pretrain.settings import Settings
from course.pretrain.training import build_model, char_vectors, init_embeddings, train
from course.pretrain.vocabulary import build_tokenizer, char_counts, pack, vocabulary


def pretrain(out: Path = DEFAULT_OUT, settings: Settings | None = None) -> dict[str, Any]:
    """Build the vocabulary, train, evaluate, save to ``out``; returns the training record."""
    settings = settings or Settings()
    started, cpu_started, load_before = time.perf_counter(), time.process_time(), os.getloadavg()
    set_seed(settings.seed)
    corpus = corpora.peoples_daily()
    train_texts, heldout_texts = split(corpus)
    counts = char_counts(train_texts)
    vocab = vocabulary(counts, settings.min_freq)
    tokenizer = build_tokenizer(vocab, settings.block)
    most_frequent = counts.most_common(1)[0][0]
    frequent_id = vocab.index(most_frequent)
    train_rows = pack(tokenizer, train_texts, settings.block)
    heldout = fixed_masking(pack(tokenizer, heldout_texts, settings.block))
    model = build_model(len(vocab), settings)
    if settings.word2vec_epochs:
        init_embeddings(model, char_vectors(tokenizer, train_texts, settings))
    curve, probes = train(model, train_rows, heldout[:EVAL_SUBSET], frequent_id, settings)
    full = evaluate(model, heldout, frequent_id)
    subset = evaluate(model, heldout[:EVAL_SUBSET], frequent_id)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    outcome = record.Outcome(
        corpus=corpus,
        paragraphs=(len(train_texts), len(heldout_texts)),
        rows=(len(train_rows), len(heldout.inputs)),
        vocab=vocab,
        most_frequent=most_frequent,
        parameters=model.num_parameters(),
        curve=curve,
        probes=probes,
        full=full,
        subset=subset,
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        load_before=load_before[0],
    )
    made = record.make(outcome, settings)
    save(out, model, tokenizer, made)
    return made


def save(
    out: Path, model: BertForMaskedLM, tokenizer: PreTrainedTokenizerFast, record: dict[str, Any]
) -> None:
    """Hugging Face files, ``vocab.txt``, ``training.json`` and a model card into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    vocab = sorted(tokenizer.get_vocab().items(), key=lambda item: item[1])
    (out / "vocab.txt").write_text("".join(f"{tok}\n" for tok, _ in vocab), encoding="utf-8")
    text = json.dumps(record, ensure_ascii=False, indent=1)
    (out / RECORD_FILE).write_text(text + "\n", encoding="utf-8")
    (out / "README.md").write_text(card.render(record), encoding="utf-8")


def reproduce(record: dict[str, Any]) -> float:
    """Retrain from scratch with a record's settings; the new held-out accuracy.

    Slow (about as long as the original run); the benchmark calls it, the tests do not.
    """
    with tempfile.TemporaryDirectory(prefix="bert-mini-chinese-") as tmp:
        again = pretrain(Path(tmp), Settings(**record["settings"]))
    return again["evaluation"]["full"]["accuracy"]
