"""The deck's kernel prelude: runs in every kernel of the deck before any slide code.

Kernels work in the deck's folder, which is importable: the demos are `demos.<name>`.
Importing a demo runs it once, so a slide that re-runs its `live` region answers at once.
"""

from demos.words import *  # noqa: F403  CORPUS, top_words
