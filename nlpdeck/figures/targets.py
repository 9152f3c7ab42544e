"""Every figure target of the deck, declared as data, in build order.

Add a figure here: name, drawing function, outputs (relative to ``image/``) and every
input it reads. ``make figures`` rebuilds a target when any of these change; the
manifest test fails when a committed figure no longer matches them.
"""

from __future__ import annotations

from nlpdeck.figures.target import Target

ENCODER = "english-encoder"  # sentence-transformers/all-MiniLM-L6-v2, see catalog.toml

TARGETS: list[Target] = []
