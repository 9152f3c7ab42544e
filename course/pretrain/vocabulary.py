"""The character vocabulary, the tokenizer over it, and text packed into training rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import torch
from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import WordPiece
from transformers import PreTrainedTokenizerFast

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
PAD, UNK, CLS, SEP, MASK = range(len(SPECIAL_TOKENS))  # their ids: they open the vocabulary


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
