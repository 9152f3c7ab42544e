"""The catalog's encoders, loaded once per process for every figure that needs them.

    >>> from nlpdeck.figures import encoder
    >>> tok, model = encoder.load("sentence-transformers/all-MiniLM-L6-v2")  # doctest: +SKIP
"""

from __future__ import annotations

from functools import cache
from typing import Any

from nlpdeck import models


@cache
def load(hub_id: str) -> tuple[Any, Any]:
    """Tokenizer and ``AutoModel`` of a cached model, in eval mode, returning attentions.

    ``attn_implementation="eager"``: transformers 5 uses SDPA by default, which returns
    no attention weights.
    """
    models.require(hub_id)  # a one-line error naming the model when it is not cached
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(hub_id)
    model = AutoModel.from_pretrained(hub_id, attn_implementation="eager")
    model.eval()
    return tokenizer, model
