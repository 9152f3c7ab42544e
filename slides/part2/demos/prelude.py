"""The deck's kernel prelude: runs in the kernel before any slide code.

`make present` runs it in the live kernel when the kernel starts (and again in every
fresh kernel after one dies); the slide-code check runs it before the deck's blocks.
Importing a demo runs it once, top to bottom: the model is loaded, the corpus encoded,
the classifier trained, and the code warmed up, so a slide that re-runs a demo's
`live` region answers at once. Its names come into the kernel's namespace.

The kernel runs in the deck's folder, where `demos/` links to this folder.
"""

import os
import sys

sys.path.insert(0, os.path.abspath("demos"))

from attention import *  # noqa: E402, F403  tokenizer, bert, plot_attention
from bank import *  # noqa: E402, F403  encoder, word_vector, reference_vectors
from fill_mask import *  # noqa: E402, F403  fill (the small Chinese BERT's fill-mask pipeline)
from review import *  # noqa: E402, F403  classifier
from topics import *  # noqa: E402, F403  BERTopic, PCA, KMeans, leads, lead_embeddings
