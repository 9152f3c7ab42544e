"""The model card: the saved folder's ``README.md``, written from its ``training.json``.

The text is ``card.md`` beside this file, a :meth:`str.format` template: ``{m[layers]}``
is a field of the record's ``model`` section (``v`` vocabulary, ``d`` data, ``t``
training, ``settings``, ``full``: the full held-out evaluation), and ``hub_id``,
``passes``, ``took_off`` and ``paragraphs`` are worked out here.

    >>> from course.pretrain import card, published
    >>> card.render(published.recorded()).splitlines()[7]
    '# nlpdeck/bert-mini-chinese'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).with_name("card.md")


def render(record: dict[str, Any]) -> str:
    """The folder's README: what the model is, how it was made, how good it is."""
    d, settings = record["data"], record["settings"]
    probe_baseline = record["evaluation"]["subset"]["baseline"]
    took_off = next(
        (f"{p['step']:,}" for p in record["heldout_curve"] if p["accuracy"] > 1.5 * probe_baseline),
        "no step",
    )
    return TEMPLATE.read_text(encoding="utf-8").format_map(
        {
            "hub_id": record["hub_id"],
            "m": record["model"],
            "v": record["vocabulary"],
            "d": d,
            "t": record["training"],
            "full": record["evaluation"]["full"],
            "settings": settings,
            "passes": d["tokens_seen"] / (d["rows"]["train"] * settings["block"]),
            "took_off": took_off,
            "paragraphs": d["paragraphs"]["train"] + d["paragraphs"]["heldout"],
        }
    )
