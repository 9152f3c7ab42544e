# %% [markdown]
# # $corpus_title: the most frequent words
#
# $citation

# %%
import re
from collections import Counter
from pathlib import Path

# the deck's folder: this file's parent's parent (run as a notebook: the working folder)
DECK = Path(__file__).resolve().parent.parent if "__file__" in globals() else Path.cwd()
LINES = (DECK / "data" / "zen-of-python.txt").read_text(encoding="utf-8").splitlines()
LATIN_WORD = re.compile(r"[a-z]{3,}")
# the commonest function words, which say nothing about a text's subjects
STOP_WORDS = frozenset(
    "the and for that with was are has have had were from this will its not but they "
    "than there should one may way only it's let's".split()
)


def words(line: str) -> list[str]:
    """One line's lower-cased words; function words and short words dropped."""
    return [w for w in LATIN_WORD.findall(line.lower()) if w not in STOP_WORDS]


def top_words(n: int = 8) -> list[tuple[str, int]]:
    """The ``n`` most frequent words of the whole text, with their counts."""
    counts = Counter(w for line in LINES for w in words(line))
    return counts.most_common(n)


# %%
# region live
top_words(n=5)
# endregion
