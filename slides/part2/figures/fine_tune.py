"""Fine-tuning the catalog encoder for sentence polarity, with the ``Trainer``, on CPU.

The ``fine-tuning`` target trains ``AutoModelForSequenceClassification`` from the same
checkpoint whose frozen sentence vectors the feature-extraction baseline uses, on the
training part of a fixed, stratified split of the 200 movie-review sentences, and
writes what the classification figures need to ``data/fine_tuning.json``: the split,
the Trainer's log (training loss, held-out loss and accuracy per epoch) and the
held-out logits of the final model. The held-out sentences are evaluated after each
epoch only to draw the curve; the model reported is the last epoch's, chosen by
nothing that saw them. Kept apart from the drawing code so that redrawing a figure
does not retrain.

    >>> from part2.figures import fine_tune
    >>> train, held_out = fine_tune.split(["neg"] * 100 + ["pos"] * 100, 0.2, seed=0)
    >>> len(train), len(held_out)
    (160, 40)
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from course import corpora
from nlpdeck.figures.target import Job

from .threads import one_thread

OUTPUT = "data/fine_tuning.json"
CLASSES = ("neg", "pos")  # label ids 0 and 1


def split(labels: Sequence[str], held_out: float, seed: int) -> tuple[list[int], list[int]]:
    """Stratified train / held-out indices (each sorted): the one split of this group."""
    from sklearn.model_selection import train_test_split

    index = np.arange(len(labels))
    train, test = train_test_split(index, test_size=held_out, stratify=labels, random_state=seed)
    return sorted(int(i) for i in train), sorted(int(i) for i in test)


def label_ids(labels: Sequence[str]) -> np.ndarray:
    return np.array([CLASSES.index(label) for label in labels])


class _Sentences:
    """Tokenised sentences with their label ids, as the Trainer reads a dataset."""

    def __init__(self, tokenizer: Any, texts: Sequence[str], labels: np.ndarray) -> None:
        self.encoded = tokenizer(list(texts), truncation=True, max_length=128)
        self.labels = labels

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> dict[str, Any]:
        return {
            "input_ids": self.encoded["input_ids"][i],
            "attention_mask": self.encoded["attention_mask"][i],
            "labels": int(self.labels[i]),
        }


def _accuracy(prediction: Any) -> dict[str, float]:
    return {"accuracy": float((prediction.predictions.argmax(-1) == prediction.label_ids).mean())}


def train(
    hub_id: str,
    texts: Sequence[str],
    labels: Sequence[str],
    split_: tuple[list[int], list[int]],
    params: Mapping[str, Any],
    seed: int,
) -> dict[str, Any]:
    """Fine-tune ``hub_id`` on the training indices; the log and the held-out logits."""
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        PrinterCallback,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    set_seed(seed)  # the classification head is initialised at random
    tokenizer = AutoTokenizer.from_pretrained(hub_id)
    model = AutoModelForSequenceClassification.from_pretrained(
        hub_id,
        num_labels=len(CLASSES),
        id2label=dict(enumerate(CLASSES)),
        label2id={c: i for i, c in enumerate(CLASSES)},
    )
    ids = label_ids(labels)
    train_idx, test_idx = split_
    datasets: list[Any] = [  # map-style datasets, as the Trainer reads them
        _Sentences(tokenizer, [texts[i] for i in part], ids[part]) for part in (train_idx, test_idx)
    ]
    with tempfile.TemporaryDirectory(prefix="nlpdeck-trainer-") as scratch:
        args = TrainingArguments(
            output_dir=scratch,
            use_cpu=True,
            seed=seed,
            data_seed=seed,
            num_train_epochs=params["epochs"],
            learning_rate=params["learning_rate"],
            warmup_steps=params["warmup"],
            weight_decay=params["weight_decay"],
            per_device_train_batch_size=params["batch_size"],
            per_device_eval_batch_size=64,
            eval_strategy="epoch",
            logging_strategy="steps",
            logging_steps=params["log_every"],
            save_strategy="no",
            report_to="none",
            disable_tqdm=True,
            dataloader_num_workers=0,
        )
        trainer = Trainer(
            model=model,
            args=args,
            train_dataset=datasets[0],
            eval_dataset=datasets[1],
            data_collator=DataCollatorWithPadding(tokenizer),
            compute_metrics=_accuracy,
        )
        trainer.remove_callback(PrinterCallback)  # the log goes to the JSON, not the terminal
        with one_thread():  # the committed numbers are what any machine computes
            trainer.train()
            logits = trainer.predict(datasets[1]).predictions
        history = trainer.state.log_history
    return {
        "train_loss": [
            {"step": h["step"], "epoch": h["epoch"], "loss": h["loss"]}
            for h in history
            if "loss" in h
        ],
        "eval": [
            {
                "step": h["step"],
                "epoch": h["epoch"],
                "loss": h["eval_loss"],
                "accuracy": h["eval_accuracy"],
            }
            for h in history
            if "eval_loss" in h
        ],
        "steps": int(trainer.state.global_step),
        "held_out_logits": [[float(v) for v in row] for row in np.asarray(logits)],
    }


def draw(job: Job) -> None:
    """Fine-tune once and write ``data/fine_tuning.json`` (no picture: the
    ``classification`` target draws it, so redrawing does not retrain)."""
    corpus = corpora.movie_polarity()
    assert corpus.labels is not None
    split_ = split(corpus.labels, job.params["held_out"], job.seed)
    found = train(
        job.model(job.target.models[0]),
        corpus.documents,
        corpus.labels,
        split_,
        job.params,
        job.seed,
    )
    found = {
        "model": job.model(job.target.models[0]),
        "classes": list(CLASSES),
        "params": dict(job.params),
        "seed": job.seed,
        "train": split_[0],
        "held_out": split_[1],
        **found,
    }
    job.output(OUTPUT).write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
