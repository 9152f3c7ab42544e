# %% [markdown]
# # BERTopic：新闻语料的主题
#
# 300 篇 ABC 新闻（Lee, Pincombe & Welsh 2005，随 gensim 发布）。BERTopic 的四步：
# 用 BERT 类模型把文本变成向量 → 降维 → 聚类 → 用 c-TF-IDF 为每个聚类提取关键词。
# 句向量与讲义的 BERTopic 图用的是同一批：图表构建时已算好并缓存（同一模型、同一语料时
# 直接读取）。为了在课堂上几秒内完成，降维用 PCA、聚类用 k-means
# （BERTopic 默认是 UMAP + HDBSCAN，各部分都可以替换）。

# %%
from bertopic import BERTopic
from demos._shared import corpus_vectors, sentence_encoder
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from course.corpora import abc_news

encoder = sentence_encoder()  # MiniLM (SentenceTransformer), loaded once per kernel
stories = list(abc_news().documents)
story_embeddings = corpus_vectors(stories, "data/abc_news_embeddings.npy")
# English stop words and the words every news story has (as in the deck's BERTopic figure)
NEWS_STOP_WORDS = sorted(ENGLISH_STOP_WORDS | {"said", "says", "mr"})

# %% [markdown]
# 选择主题个数，训练并查看每个主题的关键词：

# %%
# region live
n_topics = 6
topic_model = BERTopic(
    embedding_model=encoder,
    umap_model=PCA(n_components=5),
    hdbscan_model=KMeans(n_clusters=n_topics, random_state=0),
    vectorizer_model=CountVectorizer(stop_words=NEWS_STOP_WORDS),
)
topic_model.fit(stories, story_embeddings)
topic_model.get_topic_info()[["Topic", "Count", "Name"]]
# endregion
