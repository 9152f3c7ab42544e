"""Every figure target of the deck, declared as data, in build order.

A target names its drawing function (a module of this folder), its outputs (relative
to the deck's ``image/``) and every input it reads; ``nlpdeck figures`` rebuilds it
when any of them changes.
"""

from __future__ import annotations

from nlpdeck.figures.target import Target

TARGETS: list[Target] = [
    Target(
        name="top-words",
        draw="words:draw",
        describe="descriptions:top_words",
        outputs=("top_words.png", "top_words.json"),
        files=("data/zen-of-python.txt",),
        params={"top": 12},
        about="the most frequent words of the text, as the live demo counts them",
    ),
]
