"""The text's most frequent words as a bar chart, counted by the live demo's own code.

    >>> draw(job)                      # doctest: +SKIP
"""

from __future__ import annotations

import json

from nlpdeck.figures import style
from nlpdeck.figures.target import Job

from ..demos.words import top_words


def draw(job: Job) -> None:
    found = top_words(job.params["top"])
    fig, ax = style.figure(style.HALF)
    words, counts = zip(*reversed(found), strict=True)
    ax.barh(words, counts)
    ax.set_xlabel("$count_label")
    style.save(fig, job.output("top_words.png"))
    record = {"top": [{"word": w, "count": c} for w, c in found]}
    job.output("top_words.json").write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n")
