import pytest

from course import corpora


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("abc_news", 300),
        ("abc_news_test", 50),
        ("movie_polarity", 200),
        ("chinese_reviews", 16_548 + 18_576),
        ("peoples_daily", 19_484),
    ],
)
def test_document_counts(name, size):
    source = corpora.SOURCES[name]
    corpus = source.load()
    assert len(corpus) == size == source.documents
    assert corpus.citation and all(path.exists() for path in corpus.source)
    assert source.files() == corpus.source  # staleness hashes exactly the files it reads


def test_news_stories_are_whole_english_texts():
    news = corpora.abc_news()
    assert news.documents[0].startswith("Hundreds of people have been forced to vacate")
    assert all(len(doc.split()) > 20 for doc in news.documents)
    assert any("£" in doc for doc in corpora.abc_news("test").documents)  # cp1252 decoded


def test_polarity_labels_and_order():
    polarity = corpora.movie_polarity()
    assert polarity.labels == ("neg",) * 100 + ("pos",) * 100
    assert not any(doc.startswith("__label__") for doc in polarity.documents)
    assert any("é" in doc for doc in polarity.documents)  # cp1252, not mojibake


def test_chinese_reviews_labels():
    reviews = corpora.chinese_reviews()
    assert reviews.labels is not None
    assert reviews.labels.count("pos") == 16_548 and reviews.labels.count("neg") == 18_576
    assert sum(1 for doc in reviews.documents if not doc) == 1  # the one blank line


def test_peoples_daily_gold_segmentation_without_tags():
    daily = corpora.peoples_daily()
    assert daily.tokens is not None
    assert daily.tokens[0][:3] == ("迈向", "充满", "希望")
    assert all("/" not in word or word == "/" for words in daily.tokens[:500] for word in words)
    pairs = zip(daily.documents, daily.tokens, strict=True)
    assert all(doc == "".join(words) for doc, words in pairs)


def test_content_hash_is_stable_and_follows_content():
    news = corpora.abc_news()
    assert news.sha256 == corpora.abc_news().sha256 and len(news.sha256) == 64
    changed = corpora.Corpus(news.name, news.documents[:-1], news.source, news.citation)
    assert changed.sha256 != news.sha256
    assert news.sha256 != corpora.abc_news("test").sha256


def test_unknown_part_is_a_clear_error():
    with pytest.raises(ValueError, match="background"):
        corpora.abc_news("train")
