"""The deck's kernel prelude: runs in the kernel before any slide code.

The dev server runs it in each of the deck's kernels when it starts (the active one and
its standby); the slide-code check runs it before the deck's blocks. Importing a demo
runs it once, top to bottom: the models are loaded (MiniLM once, shared through
`demos/_shared.py`), the corpus vectors read from the figure build's cache, the
classifier trained, so a slide that re-runs a demo's `live` region answers at once.
Its names come into the kernel's namespace.

Kernels work in the deck's folder, which is importable: the demos are `demos.<name>`.
"""

from demos.attention import *  # noqa: F403  tokenizer, bert, plot_attention
from demos.bank import *  # noqa: F403  encoder, word_vector, reference_vectors
from demos.fill_mask import *  # noqa: F403  fill (the small Chinese BERT's fill-mask pipeline)
from demos.review import *  # noqa: F403  classifier
from demos.topics import *  # noqa: F403  BERTopic, PCA, KMeans, stories, story_embeddings, …
