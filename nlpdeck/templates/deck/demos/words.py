# %% [markdown]
# # $corpus_title: the most frequent words
#
# $citation

# %%
import re
from collections import Counter

from course.corpora import $corpus_loader

CORPUS = $corpus_loader()
LATIN_WORD = re.compile(r"[a-z]{3,}")
# the commonest function words, which say nothing about a corpus's subjects
STOP_WORDS = frozenset(
    "the and for that with was are has have had were from this will its not but they "
    "his her their been who said says would also which more than after about over into "
    "when there could one two new all our out can some what what's other".split()
)


def words(document_index: int) -> list[str]:
    """One document's words: the corpus's gold segmentation when it has one (Chinese),
    else lower-cased Latin words; function words and one-character words dropped."""
    if CORPUS.tokens is not None:
        return [w for w in CORPUS.tokens[document_index] if len(w) > 1 and w.isalpha()]
    found = LATIN_WORD.findall(CORPUS.documents[document_index].lower())
    return [w for w in found if w not in STOP_WORDS]


def top_words(n: int = 8) -> list[tuple[str, int]]:
    """The ``n`` most frequent words of the whole corpus, with their counts."""
    counts = Counter(w for i in range(len(CORPUS)) for w in words(i))
    return counts.most_common(n)


# %%
# region live
top_words(n=5)
# endregion
