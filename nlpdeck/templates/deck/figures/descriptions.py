"""The figures in words, from the data they were drawn from: each image's alt text on
the slides and its caption in the exported PDF. Editing the words redraws nothing.
"""

from __future__ import annotations

import json

from nlpdeck.figures.target import Finished


def top_words(done: Finished) -> dict[str, str]:
    top = json.loads(done.output("top_words.json").read_text(encoding="utf-8"))["top"]
    counts = ", ".join(f"{t['word']} {t['count']}" for t in top)
    return {"top_words.png": "$figure_words".format(n=len(top), counts=counts)}
